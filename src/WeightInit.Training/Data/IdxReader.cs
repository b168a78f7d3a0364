using System.Buffers.Binary;
using System.IO.Compression;

namespace WeightInit.Training.Data;

/// <summary>Images of an IDX file: <see cref="Count"/> images of <see cref="Rows"/> × <see cref="Columns"/> unsigned bytes, row-major.</summary>
public sealed class IdxImages
{
    private readonly byte[] _pixels;

    internal IdxImages(int count, int rows, int columns, byte[] pixels)
    {
        Count = count;
        Rows = rows;
        Columns = columns;
        _pixels = pixels;
    }

    /// <summary>Number of images (the first dimension).</summary>
    public int Count { get; }
    /// <summary>Rows per image (the second dimension).</summary>
    public int Rows { get; }
    /// <summary>Columns per image (the third dimension).</summary>
    public int Columns { get; }
    /// <summary>Pixels per image: <see cref="Rows"/> × <see cref="Columns"/>.</summary>
    public int PixelsPerImage => Rows * Columns;
    /// <summary>All pixels, image after image, row after row: <see cref="Count"/> × <see cref="PixelsPerImage"/> bytes.</summary>
    public ReadOnlyMemory<byte> Pixels => _pixels;

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0, <see cref="Count"/>).</exception>
    public ReadOnlySpan<byte> Image(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The file holds {Count} images; valid indices are 0 to {Count - 1}.");
        return _pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }
}

/// <summary>Reads the IDX format of MNIST and Fashion-MNIST: raw or gzip-compressed, unsigned-byte images (rank 3) and labels (rank 1).</summary>
/// <remarks>
/// Format (LeCun, Cortes and Burges, the MNIST page): a 4-byte magic number — two zero bytes, the element type (0x08 for
/// unsigned bytes) and the rank — then one big-endian 32-bit size per dimension, then the elements in row-major order.
/// A file that starts with the gzip magic bytes 1F 8B is decompressed first, whatever its name.
/// Malformed content (bad magic, another element type or rank, a short file, trailing bytes, images and labels that disagree)
/// raises an <see cref="ArgumentException"/> that names the file and the problem.
/// </remarks>
public static class IdxReader
{
    /// <summary>Magic number of an unsigned-byte file of rank 3: images (count, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;
    /// <summary>Magic number of an unsigned-byte file of rank 1: labels.</summary>
    public const int LabelsMagic = 0x00000801;
    /// <summary>IDX element type code of unsigned bytes, the only one supported.</summary>
    public const byte UnsignedByteType = 0x08;

    /// <summary>Reads an image file (magic 0x00000803), raw or gzipped.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The file is not a well-formed unsigned-byte IDX file of rank 3.</exception>
    public static IdxImages ReadImages(string path)
    {
        using var stream = OpenFile(path);
        return Images(stream, path, nameof(path));
    }

    /// <summary>Reads an image file (magic 0x00000803), raw or gzipped, from <paramref name="stream"/>; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="ArgumentException">The content is not a well-formed unsigned-byte IDX file of rank 3.</exception>
    public static IdxImages ReadImages(Stream stream, string source) => Images(stream, source, nameof(stream));

    /// <summary>Reads a label file (magic 0x00000801), raw or gzipped.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The file is not a well-formed unsigned-byte IDX file of rank 1.</exception>
    public static byte[] ReadLabels(string path)
    {
        using var stream = OpenFile(path);
        return Read(stream, path, rank: 1, "labels", nameof(path)).Data;
    }

    /// <summary>Reads a label file (magic 0x00000801), raw or gzipped, from <paramref name="stream"/>; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="ArgumentException">The content is not a well-formed unsigned-byte IDX file of rank 1.</exception>
    public static byte[] ReadLabels(Stream stream, string source) => Read(stream, source, rank: 1, "labels", nameof(stream)).Data;

    /// <summary>Reads an image file and its label file, and checks that they hold the same number of examples.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="ArgumentException">A file is malformed, or the numbers of images and labels differ.</exception>
    public static (IdxImages Images, byte[] Labels) ReadLabelledImages(string imagesPath, string labelsPath)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (images.Count != labels.Length)
            throw new ArgumentException(
                $"Dimension mismatch: '{imagesPath}' holds {images.Count} images but '{labelsPath}' holds {labels.Length} labels; an image file and its label file must have the same first dimension.",
                nameof(labelsPath));
        return (images, labels);
    }

    private static IdxImages Images(Stream stream, string source, string paramName)
    {
        var (dimensions, data) = Read(stream, source, rank: 3, "images", paramName);
        return new IdxImages(dimensions[0], dimensions[1], dimensions[2], data);
    }

    private static FileStream OpenFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
    }

    private static (int[] Dimensions, byte[] Data) Read(Stream stream, string source, int rank, string content, string paramName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long start = stream.Position;
        Span<byte> head = stackalloc byte[2];
        bool gzip = ReadFully(stream, head, source, paramName) == 2 && head[0] == 0x1F && head[1] == 0x8B;
        stream.Position = start;
        if (!gzip)
            return ReadIdx(stream, source, rank, content, paramName);
        using var inflated = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        return ReadIdx(inflated, source + " (gzip)", rank, content, paramName);
    }

    private static (int[] Dimensions, byte[] Data) ReadIdx(Stream stream, string source, int rank, string content, string paramName)
    {
        int expectedMagic = UnsignedByteType << 8 | rank;
        string expected = $"expected magic 0x{expectedMagic:X8} (unsigned bytes, rank {rank}: {content})";
        Span<byte> header = stackalloc byte[4 + 4 * 3];
        int got = ReadFully(stream, header[..4], source, paramName);
        if (got < 4)
            throw new ArgumentException($"'{source}' is truncated: it holds {got} bytes, fewer than the 4-byte IDX magic number; {expected}.", paramName);
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (header[0] != 0 || header[1] != 0)
            throw new ArgumentException($"'{source}' is not an IDX file: bad magic number 0x{magic:X8}; an IDX file starts with two zero bytes, the element type and the rank ({expected}).", paramName);
        if (header[2] != UnsignedByteType)
            throw new ArgumentException($"'{source}' holds elements of type 0x{header[2]:X2} ({TypeName(header[2])}), which is not supported; only 0x08 (unsigned byte) is ({expected}).", paramName);
        if (header[3] != rank)
            throw new ArgumentException($"'{source}' has rank {header[3]} (magic 0x{magic:X8}); {expected}.", paramName);

        var sizes = header.Slice(4, 4 * rank);
        got = ReadFully(stream, sizes, source, paramName);
        if (got < sizes.Length)
            throw new ArgumentException($"'{source}' is truncated inside its header: {rank} dimension sizes need {sizes.Length} bytes after the magic number, the file holds {got}.", paramName);
        var dimensions = new int[rank];
        long length = 1;
        for (int d = 0; d < rank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(sizes[(4 * d)..]);
            if (size > int.MaxValue)
                throw new ArgumentException($"'{source}' announces dimension {d} of size {size}, more than {int.MaxValue}.", paramName);
            dimensions[d] = (int)size;
            length *= size;
            if (length > Array.MaxLength)
                throw new ArgumentException($"'{source}' announces {string.Join(" × ", dimensions[..(d + 1)])} elements, more than an array can hold ({Array.MaxLength}).", paramName);
        }
        string shape = string.Join(" × ", dimensions);
        var data = new byte[length];
        got = ReadFully(stream, data, source, paramName);
        if (got < length)
            throw new ArgumentException($"'{source}' is truncated: its header announces {shape} = {length} bytes of data, the file holds only {got} after the header.", paramName);
        Span<byte> probe = stackalloc byte[1];
        if (ReadFully(stream, probe, source, paramName) != 0)
            throw new ArgumentException($"'{source}' holds more bytes than its header announces ({shape} = {length}); the file is corrupt or the header is wrong.", paramName);
        return (dimensions, data);
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the number of bytes read.</summary>
    private static int ReadFully(Stream stream, Span<byte> buffer, string source, string paramName)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = stream.Read(buffer[total..]);
                if (n == 0)
                    break;
                total += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"'{source}' is not valid gzip data (corrupt or truncated): {e.Message}", paramName, e);
        }
        return total;
    }

    private static string TypeName(byte type) => type switch
    {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "16-bit integer",
        0x0C => "32-bit integer",
        0x0D => "32-bit float",
        0x0E => "64-bit float",
        _ => "unknown type",
    };
}
