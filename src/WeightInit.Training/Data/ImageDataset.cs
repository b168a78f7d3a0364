namespace WeightInit.Training.Data;

/// <summary>A finite set of labelled grey images held in memory, pixels scaled to [0, 1].</summary>
public sealed class ImageDataset
{
    private readonly float[] _pixels;
    private readonly int[] _labels;

    private ImageDataset(string name, int count, int rows, int columns, float[] pixels, int[] labels, IReadOnlyList<string> classNames)
    {
        Name = name;
        Count = count;
        Rows = rows;
        Columns = columns;
        _pixels = pixels;
        _labels = labels;
        ClassNames = classNames;
    }

    /// <summary>A readable name, such as "Fashion-MNIST train".</summary>
    public string Name { get; }
    /// <summary>Number of examples.</summary>
    public int Count { get; }
    /// <summary>Rows per image.</summary>
    public int Rows { get; }
    /// <summary>Columns per image.</summary>
    public int Columns { get; }
    /// <summary>Pixels per image: <see cref="Rows"/> × <see cref="Columns"/>.</summary>
    public int PixelsPerImage => Rows * Columns;
    /// <summary>The class names, by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>All pixels, image after image, row after row, each in [0, 1].</summary>
    public ReadOnlyMemory<float> Pixels => _pixels;
    /// <summary>All labels, each in [0, <c>ClassNames.Count</c>).</summary>
    public ReadOnlyMemory<int> Labels => _labels;

    /// <summary>Example <paramref name="index"/>; its pixels share this dataset's memory (no copy).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0, <see cref="Count"/>).</exception>
    public Example Get(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name} holds {Count} examples; valid indices are 0 to {Count - 1}.");
        return new Example(_pixels.AsMemory(index * PixelsPerImage, PixelsPerImage), _labels[index]);
    }

    /// <summary>Builds a dataset from unsigned-byte images and labels: pixel value byte / 255, so 0 → 0 and 255 → 1 exactly.</summary>
    /// <exception cref="ArgumentException">The numbers of images and labels differ, or a label has no class name.</exception>
    public static ImageDataset FromBytes(string name, IdxImages images, ReadOnlySpan<byte> labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(classNames);
        if (images.Count != labels.Length)
            throw new ArgumentException($"{name}: {images.Count} images but {labels.Length} labels; each image needs one label.", nameof(labels));
        var labelValues = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classNames.Count)
                throw new ArgumentException($"{name}: label {labels[i]} of example {i} has no class; valid labels are 0 to {classNames.Count - 1}.", nameof(labels));
            labelValues[i] = labels[i];
        }
        var source = images.Pixels.Span;
        var pixels = new float[source.Length];
        for (int i = 0; i < source.Length; i++)
            pixels[i] = source[i] / 255f;
        return new ImageDataset(name, images.Count, images.Rows, images.Columns, pixels, labelValues, classNames);
    }
}

/// <summary>A dataset's training and test sets.</summary>
/// <param name="Train">The training set.</param>
/// <param name="Test">The test set.</param>
public sealed record TrainTestSplit(ImageDataset Train, ImageDataset Test);
