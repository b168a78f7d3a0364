using System.Buffers.Binary;
using System.IO.Compression;
using WeightInit.Training.Data;

namespace WeightInit.Training.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("weightinit-idx-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>An IDX file written by hand from the format description: magic (0, 0, type, rank), big-endian sizes, data.</summary>
    internal static byte[] Idx(byte type, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dimensions[d]);
        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    internal static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(bytes);
        return output.ToArray();
    }

    private static byte[] Sequence(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 37 + 11)).ToArray();

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_WellFormedFile_ReturnsDimensionsAndPixels(bool gzipped)
    {
        var pixels = Sequence(3 * 2 * 5);
        var file = Idx(0x08, [3, 2, 5], pixels);
        var images = IdxReader.ReadImages(Write("images", gzipped ? Gzip(file) : file));
        Assert.Equal((3, 2, 5, 10), (images.Count, images.Rows, images.Columns, images.PixelsPerImage));
        Assert.Equal(pixels, images.Pixels.ToArray());
        Assert.Equal(pixels[10..20], images.Image(1).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => images.Image(3).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadLabels_WellFormedFile_ReturnsLabels(bool gzipped)
    {
        byte[] labels = [7, 0, 9, 3];
        var file = Idx(0x08, [4], labels);
        Assert.Equal(labels, IdxReader.ReadLabels(Write("labels", gzipped ? Gzip(file) : file)));
    }

    [Fact]
    public void ReadImages_NonSeekableGzipStream_ReadsLikeAFile()
    {
        var pixels = Sequence(2 * 3 * 3);
        using var stream = new ForwardOnlyStream(Gzip(Idx(0x08, [2, 3, 3], pixels)));
        var images = IdxReader.ReadImages(stream, "pipe");
        Assert.Equal(pixels, images.Pixels.ToArray());
    }

    [Fact]
    public void ReadLabelledImages_SameCount_ReturnsBoth()
    {
        string images = Write("i.gz", Gzip(Idx(0x08, [2, 2, 2], Sequence(8))));
        string labels = Write("l", Idx(0x08, [2], [1, 2]));
        var (read, readLabels) = IdxReader.ReadLabelledImages(images, labels);
        Assert.Equal(2, read.Count);
        Assert.Equal([1, 2], readLabels);
    }

    [Fact]
    public void ReadLabelledImages_CountsDiffer_ThrowsNamingBothCounts()
    {
        string images = Write("i", Idx(0x08, [3, 2, 2], Sequence(12)));
        string labels = Write("l", Idx(0x08, [2], [1, 2]));
        var ex = Assert.Throws<ArgumentException>(() => IdxReader.ReadLabelledImages(images, labels));
        Assert.Contains("mismatch", ex.Message);
        Assert.Contains("3 images", ex.Message);
        Assert.Contains("2 labels", ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_BadMagic_ThrowsNamingExpectedMagic(bool gzipped)
    {
        var file = Idx(0x08, [1, 1, 1], [5]);
        file[0] = 0x12;
        var ex = Assert.Throws<ArgumentException>(() => IdxReader.ReadImages(Write("bad", gzipped ? Gzip(file) : file)));
        Assert.Contains("bad magic number 0x12000803", ex.Message);
        Assert.Contains("0x00000803", ex.Message);
        Assert.Equal("path", ex.ParamName);
    }

    [Fact]
    public void ReadImages_FloatElements_ThrowsUnsupportedType()
    {
        var ex = Assert.Throws<ArgumentException>(() => IdxReader.ReadImages(Write("float", Idx(0x0D, [1, 1, 1], [0, 0, 0, 0]))));
        Assert.Contains("0x0D (32-bit float)", ex.Message);
        Assert.Contains("only 0x08 (unsigned byte)", ex.Message);
    }

    [Fact]
    public void ReadImages_LabelFile_ThrowsWrongRank()
    {
        var ex = Assert.Throws<ArgumentException>(() => IdxReader.ReadImages(Write("labels", Idx(0x08, [2], [0, 1]))));
        Assert.Contains("rank 1 (magic 0x00000801)", ex.Message);
        Assert.Contains("expected magic 0x00000803", ex.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => IdxReader.ReadLabels(Write("images", Idx(0x08, [1, 1, 1], [0]))));
        Assert.Contains("expected magic 0x00000801", ex2.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_MissingLastPixel_ThrowsTruncated(bool gzipped)
    {
        var file = Idx(0x08, [2, 2, 2], Sequence(8))[..^1];
        var ex = Assert.Throws<ArgumentException>(() => IdxReader.ReadImages(Write("short", gzipped ? Gzip(file) : file)));
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("2 × 2 × 2 = 8 bytes", ex.Message);
        Assert.Contains("only 7", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(9)]
    public void ReadImages_TruncatedHeader_ThrowsTruncated(int length)
    {
        var file = Idx(0x08, [2, 2, 2], Sequence(8))[..length];
        var ex = Assert.Throws<ArgumentException>(() => IdxReader.ReadImages(Write("header", file)));
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void ReadLabels_TrailingBytes_Throws()
    {
        var file = Idx(0x08, [2], [1, 2, 3]);
        var ex = Assert.Throws<ArgumentException>(() => IdxReader.ReadLabels(Write("long", file)));
        Assert.Contains("more bytes than its header announces", ex.Message);
    }

    [Fact]
    public void ReadImages_CutGzipStream_ThrowsInsteadOfReturningPartialData()
    {
        var gz = Gzip(Idx(0x08, [4, 8, 8], Sequence(256)));
        var ex = Assert.Throws<ArgumentException>(() => IdxReader.ReadImages(Write("cut.gz", gz[..(gz.Length / 2)])));
        Assert.True(ex.Message.Contains("truncated") || ex.Message.Contains("gzip"), ex.Message);
    }

    [Fact]
    public void ReadImages_GarbageAfterGzipMagic_ThrowsNotValidGzip()
    {
        byte[] garbage = [0x1F, 0x8B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        var ex = Assert.Throws<ArgumentException>(() => IdxReader.ReadImages(Write("garbage.gz", garbage)));
        Assert.Contains("gzip", ex.Message);
    }

    [Fact]
    public void ReadImages_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => IdxReader.ReadImages(Path.Combine(_directory, "absent")));
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
