using System.Globalization;
using WeightInit.Shapes;

namespace WeightInit.Initializers;

/// <summary>The shape of a tensor to initialize, with its layout stated (never guessed), its groups, and optionally another library's fan convention.</summary>
/// <remarks>
/// Fans are computed by <see cref="FanCalculator"/>: exactly for the stated layout and groups by default, or as another
/// library computes them (even where that is wrong) when <see cref="Convention"/> is set.
/// </remarks>
public sealed class WeightShape : IEquatable<WeightShape>
{
    private readonly int[] _dimensions;

    /// <summary>Creates a shape.</summary>
    /// <param name="dimensions">The dimensions, outermost first; none negative.</param>
    /// <param name="layout">The meaning of the axes; PyTorch/ONNX/Caffe use <see cref="WeightLayout.OutInKernel"/>, Keras/JAX <see cref="WeightLayout.KernelInOut"/>.</param>
    /// <param name="groups">Convolution groups (1 for dense and ordinary convolutions).</param>
    /// <param name="convention">When set, fans follow that library's convention instead of the exact rule.</param>
    public WeightShape(IEnumerable<int> dimensions, WeightLayout layout = WeightLayout.OutInKernel, int groups = 1, FanConvention? convention = null)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        _dimensions = dimensions.ToArray();
        foreach (int d in _dimensions)
            if (d < 0) throw new ArgumentException($"Dimensions must be ≥ 0; got [{string.Join(", ", _dimensions)}].", nameof(dimensions));
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), groups, "Groups must be ≥ 1.");
        if (!Enum.IsDefined(layout)) throw new ArgumentOutOfRangeException(nameof(layout), layout, $"Valid layouts: {string.Join(", ", Enum.GetNames<WeightLayout>())}.");
        Layout = layout;
        Groups = groups;
        Convention = convention;
        long count = 1;
        foreach (int d in _dimensions) count = checked(count * d);
        ElementCount = count;
    }

    /// <summary>A shape in the PyTorch layout [out, in/groups, k…].</summary>
    public static WeightShape OutIn(params int[] dimensions) => new(dimensions, WeightLayout.OutInKernel);

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Dimensions => _dimensions;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dimensions.Length;

    /// <summary>The axis layout.</summary>
    public WeightLayout Layout { get; }

    /// <summary>Convolution groups.</summary>
    public int Groups { get; }

    /// <summary>The compatibility fan convention, or null for exact fans.</summary>
    public FanConvention? Convention { get; }

    /// <summary>The number of elements.</summary>
    public long ElementCount { get; }

    /// <summary>Fan-in and fan-out of this tensor (see the remarks on the type).</summary>
    public Fans Fans => Convention is { } c ? FanCalculator.Compute(_dimensions, c) : FanCalculator.Compute(_dimensions, Layout, Groups);

    /// <summary>This shape with another fan convention (null for exact fans).</summary>
    public WeightShape WithConvention(FanConvention? convention) => new(_dimensions, Layout, Groups, convention);

    /// <summary>Parses "[256, 128, 3, 3]" or "256x128x3x3" (layout and groups given separately).</summary>
    public static WeightShape Parse(string text, WeightLayout layout = WeightLayout.OutInKernel, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = text.Trim().TrimStart('[', '(').TrimEnd(']', ')');
        if (body.Length == 0) return new WeightShape([], layout, groups);
        var parts = body.Split([',', 'x', '×'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]))
                throw new FormatException($"Cannot read dimension '{parts[i]}' of shape '{text}': expected non-negative integers like [256, 128, 3, 3] or 256x128x3x3.");
        return new WeightShape(dims, layout, groups);
    }

    /// <inheritdoc/>
    public override string ToString() => $"[{string.Join(", ", _dimensions)}]";

    /// <inheritdoc/>
    public bool Equals(WeightShape? other) =>
        other is not null && _dimensions.AsSpan().SequenceEqual(other._dimensions) && Layout == other.Layout && Groups == other.Groups && Convention == other.Convention;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as WeightShape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in _dimensions) h.Add(d);
        h.Add(Layout); h.Add(Groups); h.Add(Convention);
        return h.ToHashCode();
    }
}
