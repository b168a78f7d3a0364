using System.Text;

namespace WeightInit.Random;

/// <summary>A Philox4x32-10 key: the two 32-bit key words that, with a counter, select a block of random words.</summary>
/// <remarks>
/// Keys are derived, never drawn from global state. <see cref="FromSeed"/> maps a 64-bit seed to a key;
/// <see cref="Fold(string)"/> derives the key of a named tensor from it by absorbing the UTF-8 bytes of the name.
/// The same (seed, name) always gives the same key, on every machine and in every process: the derivation uses
/// only the Philox block function, never <see cref="string.GetHashCode()"/>.
/// </remarks>
/// <param name="K0">Key word 0.</param>
/// <param name="K1">Key word 1.</param>
public readonly record struct PhiloxKey(uint K0, uint K1)
{
    /// <summary>Counter word 3 used while absorbing a name: ASCII "NAME".</summary>
    internal const uint NameTag = 0x4E414D45;
    /// <summary>Counter word 3 of the final block of a name: ASCII "DONE".</summary>
    internal const uint DoneTag = 0x444F4E45;
    /// <summary>Counter word 3 used while folding an integer: ASCII "INDX".</summary>
    internal const uint IndexTag = 0x494E4458;

    /// <summary>The key of a 64-bit seed: key word 0 holds the low 32 bits, key word 1 the high 32 bits.</summary>
    public static PhiloxKey FromSeed(ulong seed) => new((uint)seed, (uint)(seed >> 32));

    /// <summary>The key of the tensor called <paramref name="name"/> under this key.</summary>
    /// <remarks>
    /// A Matyas–Meyer–Oseas chain over the Philox block function: the UTF-8 bytes are cut into 8-byte pieces
    /// (the last one zero-padded); piece j is the counter (lo, hi, j, "NAME") under the running key, and the
    /// first two output words, XORed with the piece, become the next key. A final block with the byte length
    /// and "DONE" separates names that differ only by trailing zero bytes.
    /// </remarks>
    public PhiloxKey Fold(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Fold(Encoding.UTF8.GetBytes(name));
    }

    /// <summary>The key derived from this key and the bytes <paramref name="utf8Name"/>; see <see cref="Fold(string)"/>.</summary>
    public PhiloxKey Fold(ReadOnlySpan<byte> utf8Name)
    {
        uint k0 = K0, k1 = K1;
        int pieces = (utf8Name.Length + 7) / 8;
        Span<byte> piece = stackalloc byte[8];
        for (int j = 0; j < pieces; j++)
        {
            piece.Clear();
            var src = utf8Name.Slice(8 * j, Math.Min(8, utf8Name.Length - 8 * j));
            src.CopyTo(piece);
            uint lo = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(piece);
            uint hi = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(piece[4..]);
            var (x0, x1, _, _) = Philox4x32.Block(lo, hi, (uint)j, NameTag, k0, k1);
            k0 = x0 ^ lo;
            k1 = x1 ^ hi;
        }
        var (y0, y1, _, _) = Philox4x32.Block((uint)utf8Name.Length, (uint)((ulong)utf8Name.Length >> 32), (uint)pieces, DoneTag, k0, k1);
        return new PhiloxKey(y0, y1);
    }

    /// <summary>The key derived from this key and an integer, for numbered sub-streams (layer index, rank, step).</summary>
    public PhiloxKey Fold(ulong index)
    {
        var (x0, x1, _, _) = Philox4x32.Block((uint)index, (uint)(index >> 32), 0, IndexTag, K0, K1);
        return new PhiloxKey(x0, x1);
    }

    /// <summary>The four random words of block <paramref name="block"/> of stream <paramref name="stream"/> under this key.</summary>
    /// <remarks>Counter words: (block low, block high, stream, 0). Stream 0 carries an initializer's values; other streams carry auxiliary draws (masks, permutations).</remarks>
    public (uint X0, uint X1, uint X2, uint X3) Block(ulong block, uint stream = 0) =>
        Philox4x32.Block((uint)block, (uint)(block >> 32), stream, 0, K0, K1);

    /// <inheritdoc/>
    public override string ToString() => $"{K0:x8}:{K1:x8}";
}
