using System.Globalization;

namespace WeightInit.Models;

/// <summary>The shape of the data flowing between layers (one example, no batch axis): a feature vector or a channels × height × width image.</summary>
/// <remarks>A flat shape of n features is stored as n channels of 1 × 1 with <see cref="IsSpatial"/> false, so <see cref="ElementCount"/> is one formula.</remarks>
public readonly record struct FeatureShape
{
    private FeatureShape(int channels, int height, int width, bool isSpatial)
    {
        Channels = channels;
        Height = height;
        Width = width;
        IsSpatial = isSpatial;
    }

    /// <summary>A flat vector of <paramref name="count"/> features (what a dense layer reads).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public static FeatureShape Features(int count) =>
        count > 0 ? new FeatureShape(count, 1, 1, false)
            : throw new ArgumentOutOfRangeException(nameof(count), count, $"The feature count must be positive; got {count}.");

    /// <summary>An image of <paramref name="channels"/> × <paramref name="height"/> × <paramref name="width"/> (what a convolution reads).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive.</exception>
    public static FeatureShape Image(int channels, int height, int width)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(channels), $"Image dimensions must be positive; got {channels}×{height}×{width}.");
        return new FeatureShape(channels, height, width, true);
    }

    /// <summary>Features of a flat shape, channels of an image.</summary>
    public int Channels { get; }

    /// <summary>Image height (1 for a flat shape).</summary>
    public int Height { get; }

    /// <summary>Image width (1 for a flat shape).</summary>
    public int Width { get; }

    /// <summary>True for channels × height × width, false for a flat feature vector.</summary>
    public bool IsSpatial { get; }

    /// <summary>Number of values per example: channels · height · width.</summary>
    public long ElementCount => (long)Channels * Height * Width;

    /// <summary>The dimensions: [features] or [channels, height, width].</summary>
    public IReadOnlyList<int> Dimensions => IsSpatial ? [Channels, Height, Width] : [Channels];

    /// <summary>A shape from its dimensions: one (features) or three (channels, height, width).</summary>
    /// <exception cref="ArgumentException">Not one or three dimensions, or a dimension is not positive.</exception>
    public static FeatureShape FromDimensions(IReadOnlyList<int> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Any(d => d <= 0))
            throw new ArgumentException($"Input dimensions must be positive; got [{string.Join(", ", dimensions)}].", nameof(dimensions));
        return dimensions.Count switch
        {
            1 => Features(dimensions[0]),
            3 => Image(dimensions[0], dimensions[1], dimensions[2]),
            _ => throw new ArgumentException(
                $"An input shape has 1 dimension (features) or 3 (channels, height, width); got [{string.Join(", ", dimensions)}].", nameof(dimensions)),
        };
    }

    /// <summary>Reads "784" or "3x32x32" (also "3×32×32", "[3, 32, 32]").</summary>
    /// <exception cref="FormatException">Not one or three positive integers.</exception>
    public static FeatureShape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().TrimStart('[', '(').TrimEnd(']', ')')
            .Split([',', 'x', '×'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] <= 0)
                throw new FormatException($"Cannot read input shape '{text}': expected features like 784 or channels×height×width like 3x32x32.");
        if (dims.Length is not (1 or 3))
            throw new FormatException($"Cannot read input shape '{text}': expected 1 dimension (features) or 3 (channels x height x width), got {dims.Length}.");
        return FromDimensions(dims);
    }

    /// <summary>"784" or "3x32x32".</summary>
    public override string ToString() => IsSpatial ? $"{Channels}x{Height}x{Width}" : Channels.ToString(CultureInfo.InvariantCulture);
}
