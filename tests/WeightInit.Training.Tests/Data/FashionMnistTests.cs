using System.IO.Compression;
using WeightInit.Training.Data;

namespace WeightInit.Training.Tests.Data;

public sealed class FashionMnistTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("weightinit-fashion-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [FashionMnistFact]
    public void Load_DebianPackage_PublishedCountsAndBalancedClasses()
    {
        string directory = FashionMnist.FindDirectory()
            ?? throw new FileNotFoundException($"Fashion-MNIST is missing from {FashionMnist.DebianDirectory}: apt-get install {FashionMnist.DebianPackage}");
        var split = FashionMnist.Load();
        Assert.Equal(FashionMnist.TrainCount, split.Train.Count);
        Assert.Equal(FashionMnist.TestCount, split.Test.Count);
        Assert.Equal(60_000, split.Train.Count);
        Assert.Equal(10_000, split.Test.Count);
        foreach (var set in new[] { split.Train, split.Test })
        {
            Assert.Equal((28, 28), (set.Rows, set.Columns));
            Assert.Equal(set.Count * 784, set.Pixels.Length);
            var counts = new int[10];
            foreach (int label in set.Labels.Span)
            {
                Assert.InRange(label, 0, 9);
                counts[label]++;
            }
            // The dataset's README: 6,000 training and 1,000 test images per class.
            Assert.All(counts, c => Assert.Equal(set.Count / 10, c));
            float min = float.MaxValue, max = float.MinValue;
            foreach (float v in set.Pixels.Span)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
            Assert.Equal((0f, 1f), (min, max));
        }

        // Pixels are the file's bytes / 255, read here with GZipStream straight from the file (16-byte header).
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(directory, "t10k-images-idx3-ubyte.gz")), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        gzip.CopyTo(raw);
        var bytes = raw.ToArray();
        Assert.Equal(16 + 10_000 * 784, bytes.Length);
        var pixels = split.Test.Pixels.Span;
        for (int i = 0; i < pixels.Length; i += 997)
            Assert.Equal(bytes[16 + i] / 255f, pixels[i]);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
    }

    [Fact]
    public void Load_EmptyDirectory_MessageSaysHowToInstallAndWhichFilesToPass()
    {
        var ex = Assert.Throws<ArgumentException>(() => FashionMnist.Load(_directory));
        Assert.Equal("dataDirectory", ex.ParamName);
        Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
        Assert.Contains(_directory, ex.Message);
        foreach (string name in IdxDirectory.FileNames)
            Assert.Contains(name, ex.Message);
    }

    [Fact]
    public void Load_NonexistentDirectory_MessageSaysItDoesNotExist()
    {
        string absent = Path.Combine(_directory, "absent");
        var ex = Assert.Throws<ArgumentException>(() => FashionMnist.Load(absent));
        Assert.Contains("does not exist", ex.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
        Assert.Null(FashionMnist.FindDirectory(absent));
    }

    [Fact]
    public void Load_OneFileMissing_NamesOnlyThatFile()
    {
        WriteSmallDataset(_directory);
        File.Delete(Path.Combine(_directory, "t10k-labels-idx1-ubyte"));
        Assert.Equal(["t10k-labels-idx1-ubyte"], IdxDirectory.Missing(_directory));
        var ex = Assert.Throws<ArgumentException>(() => FashionMnist.Load(_directory));
        Assert.Contains("lacks t10k-labels-idx1-ubyte", ex.Message);
    }

    [Fact]
    public void Load_DirectoryOfMixedRawGzipAndDottedNames_ScalesBytesToUnitInterval()
    {
        WriteSmallDataset(_directory);
        Assert.Equal(_directory, FashionMnist.FindDirectory(_directory));
        var split = FashionMnist.Load(_directory);

        Assert.Equal((3, 2, 2), (split.Train.Count, split.Train.Rows, split.Train.Columns));
        Assert.Equal([0f, 1f, 0.2f, 51 / 255f * 2, 1 / 255f, 254 / 255f, 128 / 255f, 127 / 255f, 0, 0, 1, 1], split.Train.Pixels.ToArray());
        Assert.Equal([9, 0, 4], split.Train.Labels.ToArray());
        Assert.Equal("Fashion-MNIST train", split.Train.Name);
        Assert.Same(FashionMnist.ClassNames, split.Train.ClassNames);
        var example = split.Train.Get(1);
        Assert.Equal(0, example.Label);
        Assert.Equal([1 / 255f, 254 / 255f, 128 / 255f, 127 / 255f], example.Pixels.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => split.Train.Get(3));

        Assert.Equal(1, split.Test.Count);
        Assert.Equal([7], split.Test.Labels.ToArray());
    }

    [Fact]
    public void IdxDirectoryLoad_MnistDigits_UsesGivenClassNames()
    {
        WriteSmallDataset(_directory);
        var split = IdxDirectory.Load(_directory, IdxDirectory.DigitClassNames, "MNIST");
        Assert.Equal("MNIST test", split.Test.Name);
        Assert.Equal("7", split.Test.ClassNames[split.Test.Get(0).Label]);
    }

    [Fact]
    public void Find_RawAndGzipBothPresent_PrefersRaw()
    {
        WriteSmallDataset(_directory);
        File.WriteAllBytes(Path.Combine(_directory, "train-images-idx3-ubyte.gz"), [0x1F, 0x8B]);
        var files = IdxDirectory.Find(_directory);
        Assert.NotNull(files);
        Assert.Equal(Path.Combine(_directory, "train-images-idx3-ubyte"), files.TrainImages);
        Assert.Equal(Path.Combine(_directory, "train-labels.idx1-ubyte.gz"), files.TrainLabels);
    }

    [Fact]
    public void Load_LabelWithoutClass_ThrowsNamingLabelAndValidRange()
    {
        WriteSmallDataset(_directory);
        File.WriteAllBytes(Path.Combine(_directory, "t10k-labels-idx1-ubyte"), IdxReaderTests.Idx(0x08, [1], [10]));
        var ex = Assert.Throws<ArgumentException>(() => FashionMnist.Load(_directory));
        Assert.Contains("label 10", ex.Message);
        Assert.Contains("0 to 9", ex.Message);
    }

    /// <summary>Three 2×2 training images and one test image, in all the accepted spellings of the file names.</summary>
    private static void WriteSmallDataset(string directory)
    {
        File.WriteAllBytes(Path.Combine(directory, "train-images-idx3-ubyte"),
            IdxReaderTests.Idx(0x08, [3, 2, 2], [0, 255, 51, 102, 1, 254, 128, 127, 0, 0, 255, 255]));
        File.WriteAllBytes(Path.Combine(directory, "train-labels.idx1-ubyte.gz"), IdxReaderTests.Gzip(IdxReaderTests.Idx(0x08, [3], [9, 0, 4])));
        File.WriteAllBytes(Path.Combine(directory, "t10k-images-idx3-ubyte.gz"), IdxReaderTests.Gzip(IdxReaderTests.Idx(0x08, [1, 2, 2], [1, 2, 3, 4])));
        File.WriteAllBytes(Path.Combine(directory, "t10k-labels-idx1-ubyte"), IdxReaderTests.Idx(0x08, [1], [7]));
    }
}
