namespace WeightInit.Training.Data;

/// <summary>Paths of the four IDX files of an MNIST-format dataset.</summary>
/// <param name="TrainImages">Training images (train-images-idx3-ubyte).</param>
/// <param name="TrainLabels">Training labels (train-labels-idx1-ubyte).</param>
/// <param name="TestImages">Test images (t10k-images-idx3-ubyte).</param>
/// <param name="TestLabels">Test labels (t10k-labels-idx1-ubyte).</param>
public sealed record IdxFileSet(string TrainImages, string TrainLabels, string TestImages, string TestLabels);

/// <summary>Finds and loads the four IDX files of an MNIST-format dataset (MNIST, Fashion-MNIST) in a directory.</summary>
/// <remarks>
/// Each file is accepted under its MNIST name (<c>train-images-idx3-ubyte</c>), with a dot before the rank
/// (<c>train-images.idx3-ubyte</c>, as some mirrors ship them), and either of these with <c>.gz</c>; an uncompressed file is
/// preferred when both exist. Whether a file is gzipped is read from its first bytes, not from its name.
/// </remarks>
public static class IdxDirectory
{
    /// <summary>The four MNIST file names, uncompressed: training images and labels, test images and labels.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        Array.AsReadOnly(["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]);

    /// <summary>The digit class names of MNIST: "0" to "9".</summary>
    public static IReadOnlyList<string> DigitClassNames { get; } = Array.AsReadOnly(Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());

    /// <summary>The four files in <paramref name="directory"/>, or null when the directory or any file is missing.</summary>
    public static IdxFileSet? Find(string directory) => Missing(directory, out var found).Count == 0
        ? new IdxFileSet(found[0]!, found[1]!, found[2]!, found[3]!)
        : null;

    /// <summary>The names in <see cref="FileNames"/> that <paramref name="directory"/> lacks (all four when it does not exist).</summary>
    public static IReadOnlyList<string> Missing(string directory) => Missing(directory, out _);

    /// <summary>Loads the training and test sets from <paramref name="directory"/>, pixels scaled to [0, 1].</summary>
    /// <param name="directory">The directory holding the four IDX files.</param>
    /// <param name="classNames">The class names by label; every label must be below their count.</param>
    /// <param name="datasetName">A name for messages and <see cref="ImageDataset.Name"/>, such as "MNIST".</param>
    /// <exception cref="ArgumentException">A file is missing or malformed, or images and labels disagree.</exception>
    public static TrainTestSplit Load(string directory, IReadOnlyList<string> classNames, string datasetName)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(datasetName);
        var missing = Missing(directory, out _);
        if (missing.Count > 0)
            throw new ArgumentException($"{datasetName}: the directory '{directory}' {Lacks(directory, missing)}.", nameof(directory));
        var files = Find(directory)!;
        return new TrainTestSplit(
            LoadSet(files.TrainImages, files.TrainLabels, classNames, datasetName + " train"),
            LoadSet(files.TestImages, files.TestLabels, classNames, datasetName + " test"));
    }

    /// <summary>Says what the directory lacks: "does not exist" or "lacks x, y (each may also be gzipped: x.gz)".</summary>
    internal static string Lacks(string directory, IReadOnlyList<string> missing) => Directory.Exists(directory)
        ? $"lacks {string.Join(", ", missing)} (each may also end in .gz, or use a dot before idx: train-images.idx3-ubyte)"
        : "does not exist";

    private static IReadOnlyList<string> Missing(string directory, out string?[] found)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        found = new string?[FileNames.Count];
        var missing = new List<string>();
        for (int f = 0; f < FileNames.Count; f++)
        {
            found[f] = Candidates(FileNames[f]).Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
            if (found[f] is null)
                missing.Add(FileNames[f]);
        }
        return missing;
    }

    private static IEnumerable<string> Candidates(string name)
    {
        // "train-images-idx3-ubyte" → also "train-images.idx3-ubyte".
        int idx = name.LastIndexOf("-idx", StringComparison.Ordinal);
        string dotted = name[..idx] + "." + name[(idx + 1)..];
        return [name, dotted, name + ".gz", dotted + ".gz"];
    }

    private static ImageDataset LoadSet(string imagesPath, string labelsPath, IReadOnlyList<string> classNames, string name)
    {
        var (images, labels) = IdxReader.ReadLabelledImages(imagesPath, labelsPath);
        return ImageDataset.FromBytes(name, images, labels, classNames);
    }
}
