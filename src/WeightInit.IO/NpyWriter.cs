using System.Buffers.Binary;
using System.Globalization;
using System.Diagnostics;
using System.Text;

namespace WeightInit.IO;

/// <summary>Writes NumPy .npy files, streaming the data through a <see cref="TensorFill"/>.</summary>
/// <remarks>
/// Layout (numpy/lib/format.py): the magic "\x93NUMPY", the version bytes, the header length (2 bytes little-endian
/// in version 1.0, 4 bytes in 2.0), then the header: the Python literal
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c> padded with spaces and ended by "\n" so
/// that the data starts at a multiple of 64 bytes. Version 1.0 is used unless the header is longer than 65535 bytes.
/// Data is C order (row-major), little-endian. bfloat16 is refused: NumPy has no such type.
/// The padding is the minimum that reaches the alignment, so files load identically with <c>numpy.load</c> but are
/// not byte-identical to <c>numpy.save</c>, which adds room for the header to grow.
/// </remarks>
public static class NpyWriter
{
    /// <summary>Data bytes requested from the fill per call.</summary>
    public const int DefaultChunkBytes = 1 << 20;
    /// <summary>The data start is a multiple of this (numpy's ARRAY_ALIGN).</summary>
    public const int Alignment = 64;
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The complete header (magic through the final newline) for an array of <paramref name="dtype"/> and <paramref name="shape"/>.</summary>
    /// <exception cref="NotSupportedException"><paramref name="dtype"/> is bfloat16.</exception>
    /// <exception cref="ArgumentException">A negative dimension or an element count past <see cref="long.MaxValue"/>.</exception>
    public static byte[] Header(TensorDType dtype, IReadOnlyList<long> shape)
    {
        string descr = dtype.NumpyDescr();
        _ = TensorSource.CountElements(shape);
        string shapeText = shape.Count switch
        {
            0 => "()",
            1 => $"({shape[0].ToString(CultureInfo.InvariantCulture)},)",
            _ => "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
        };
        // Keys in sorted order, each followed by ", ", as numpy writes them.
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        foreach (int lengthField in new[] { 2, 4 })
        {
            int prefix = Magic.Length + 2 + lengthField;
            int unpadded = prefix + dict.Length + 1;
            int padding = (Alignment - unpadded % Alignment) % Alignment;
            long headerLength = dict.Length + padding + 1;
            if (lengthField == 2 && headerLength > ushort.MaxValue)
                continue;
            var bytes = new byte[prefix + headerLength];
            Magic.CopyTo(bytes, 0);
            bytes[6] = (byte)(lengthField == 2 ? 1 : 2);
            bytes[7] = 0;
            if (lengthField == 2)
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerLength);
            else
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), checked((uint)headerLength));
            Encoding.ASCII.GetBytes(dict, bytes.AsSpan(prefix));
            bytes.AsSpan(prefix + dict.Length, padding).Fill((byte)' ');
            bytes[^1] = (byte)'\n';
            return bytes;
        }
        throw new UnreachableException();
    }

    /// <summary>The length of the .npy file for <paramref name="dtype"/> and <paramref name="shape"/>: header plus data.</summary>
    public static long FileLength(TensorDType dtype, IReadOnlyList<long> shape) =>
        checked(Header(dtype, shape).Length + TensorSource.CountElements(shape) * dtype.ElementSize());

    /// <summary>Writes the .npy representation of <paramref name="tensor"/> (its name is not stored) at the stream's position.</summary>
    /// <exception cref="NotSupportedException">The tensor is bfloat16.</exception>
    public static void Write(Stream stream, TensorSource tensor, int chunkBytes = DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        if (tensor.DType == TensorDType.BFloat16)
            throw new NotSupportedException($"Tensor '{tensor.Name}': {TensorDTypes.NoNumpyBFloat16}");
        stream.Write(Header(tensor.DType, tensor.Shape));
        tensor.WriteData(stream, chunkBytes);
    }

    /// <summary>Writes <paramref name="tensor"/> to <paramref name="path"/> atomically (see <see cref="AtomicFile"/>).</summary>
    public static void WriteFile(string path, TensorSource tensor, int chunkBytes = DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.DType == TensorDType.BFloat16)
            throw new NotSupportedException($"Tensor '{tensor.Name}': {TensorDTypes.NoNumpyBFloat16}");
        AtomicFile.Write(path, stream => Write(stream, tensor, chunkBytes), FileLength(tensor.DType, tensor.Shape));
    }
}
