namespace WeightInit.Training.Data;

/// <summary>Fashion-MNIST: 28×28 grey images of clothing in ten classes, 60,000 for training and 10,000 for testing.</summary>
/// <remarks>
/// Xiao, Rasul and Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms" (2017),
/// arXiv:1708.07747; a drop-in replacement for MNIST with the same IDX files and sizes. Debian ships it in the package
/// <c>dataset-fashion-mnist</c> under <c>/usr/share/datasets/fashion-mnist</c>. Any directory holding the four IDX files,
/// raw or gzipped, works the same way (see <see cref="IdxDirectory"/>), MNIST's included.
/// </remarks>
public static class FashionMnist
{
    /// <summary>The Debian package that installs the dataset.</summary>
    public const string DebianPackage = "dataset-fashion-mnist";
    /// <summary>Where <see cref="DebianPackage"/> puts the four gzipped IDX files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";
    /// <summary>Training examples in the published dataset.</summary>
    public const int TrainCount = 60_000;
    /// <summary>Test examples in the published dataset.</summary>
    public const int TestCount = 10_000;
    /// <summary>Image width and height in pixels.</summary>
    public const int ImageSize = 28;

    /// <summary>The class names by label, as in the dataset's README.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        Array.AsReadOnly(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]);

    /// <summary>The directory to load from: <paramref name="dataDirectory"/> when given, else <see cref="DebianDirectory"/>; null when it lacks a file.</summary>
    public static string? FindDirectory(string? dataDirectory = null)
    {
        string directory = dataDirectory ?? DebianDirectory;
        return IdxDirectory.Find(directory) is null ? null : directory;
    }

    /// <summary>Loads the training and test sets, pixels scaled to [0, 1].</summary>
    /// <param name="dataDirectory">A directory holding the four IDX files; null for the Debian package's <see cref="DebianDirectory"/>.</param>
    /// <exception cref="FileNotFoundException">No directory was given and the Debian package's files are missing.</exception>
    /// <exception cref="ArgumentException">The given directory lacks a file, or a file is malformed.</exception>
    public static TrainTestSplit Load(string? dataDirectory = null)
    {
        string directory = dataDirectory ?? DebianDirectory;
        var missing = IdxDirectory.Missing(directory);
        if (missing.Count > 0)
        {
            string message = $"Fashion-MNIST not found: '{directory}' {IdxDirectory.Lacks(directory, missing)}. " +
                $"Install it with `apt-get install {DebianPackage}` (files in {DebianDirectory}), " +
                $"or pass a directory holding the four IDX files {string.Join(", ", IdxDirectory.FileNames)} (raw or .gz).";
            if (dataDirectory is null)
                throw new FileNotFoundException(message, Path.Combine(directory, missing[0]));
            throw new ArgumentException(message, nameof(dataDirectory));
        }
        return IdxDirectory.Load(directory, ClassNames, "Fashion-MNIST");
    }
}
