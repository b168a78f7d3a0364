using System.Globalization;

namespace WeightInit.Shapes;

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
        ElementCount = Shapes.ElementCount.Of(_dimensions);
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

    /// <summary>Parses "[256, 128, 3, 3]", "(256, 128)" or "256x128x3x3" ("[]" is a scalar; layout and groups given separately).</summary>
    /// <exception cref="FormatException">Unbalanced brackets, an empty dimension ("4,,4", "4x") or one that is not a
    /// non-negative 32-bit integer ("4,x"); the message names the bad token.</exception>
    /// <exception cref="ArgumentException">Bad groups, or more elements than a 64-bit count holds.</exception>
    public static WeightShape Parse(string text, WeightLayout layout = WeightLayout.OutInKernel, int groups = 1) =>
        new(ParseDimensions(text), layout, groups);

    /// <summary>The dimensions written in <paramref name="text"/> (see <see cref="Parse"/>).</summary>
    /// <exception cref="FormatException">Not a shape; the message names the bad token.</exception>
    public static int[] ParseDimensions(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string Expected = "expected non-negative integers like [256, 128, 3, 3] or 256x128x3x3";
        var body = text.Trim();
        if (body.Length > 0 && body[0] is '[' or '(')
        {
            char close = body[0] == '[' ? ']' : ')';
            if (body[^1] != close)
                throw new FormatException($"Shape '{text}': '{body[0]}' is not closed by '{close}'; {Expected}.");
            body = body[1..^1].Trim();
        }
        else if (body.Length > 0 && body[^1] is ']' or ')')
            throw new FormatException($"Shape '{text}': '{body[^1]}' has no opening bracket; {Expected}.");
        if (body.Length == 0) return [];
        // One separator per shape: commas when there is one (so in "4,x" the bad token is 'x'), else 'x' or '×'.
        var parts = body.Contains(',') ? body.Split(',') : body.Split(['x', 'X', '×']);
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (part.Length == 0)
                throw new FormatException($"Shape '{text}': dimension {i} is empty (a separator at an end or two in a row); {Expected}.");
            if (!part.All(char.IsAsciiDigit))
                throw new FormatException($"Shape '{text}': dimension {i} is '{part}', not a non-negative integer; {Expected}.");
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]))
                throw new FormatException($"Shape '{text}': dimension {i} is {part}, more than the largest dimension, {int.MaxValue:N0}.");
        }
        return dims;
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
