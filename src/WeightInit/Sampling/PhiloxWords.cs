using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using WeightInit.Random;

namespace WeightInit.Sampling;

/// <summary>The word stream of a key, in groups of 16 Philox blocks laid out for SIMD: word (g, c, l) = output word c of block 16g + l.</summary>
/// <remarks>
/// <para>Group g holds 64 words at positions 64g + 16c + l (c = 0..3 the output word, l = 0..15 the block within the group),
/// from the counters (16g + l, stream, 0) of <see cref="PhiloxKey.Block"/>. The layout is fixed at 16 blocks whatever the vector
/// width, so a 16-lane vector computes one group's component c as 16 consecutive words, an 8-lane vector half of it, and the
/// scalar reference the same words one by one: every path gives the same stream.</para>
/// <para>The vector paths use the 32×32→64 unsigned multiply (<c>vpmuludq</c>) on even and odd lanes.</para>
/// </remarks>
internal static class PhiloxWords
{
    /// <summary>Blocks per group.</summary>
    public const int BlocksPerGroup = 16;
    /// <summary>Words per group.</summary>
    public const int WordsPerGroup = 4 * BlocksPerGroup;

    /// <summary>Writes groups [firstGroup, firstGroup + dest.Length / 64) into <paramref name="dest"/> (length a multiple of 64).</summary>
    public static void Fill(PhiloxKey key, uint stream, ulong firstGroup, Span<uint> dest, bool scalar = false)
    {
        if (dest.Length % WordsPerGroup != 0) throw new ArgumentException("The word count must be a multiple of 64.", nameof(dest));
        int groups = dest.Length / WordsPerGroup;
        for (int g = 0; g < groups; g++)
        {
            var d = dest.Slice(g * WordsPerGroup, WordsPerGroup);
            ulong firstBlock = (firstGroup + (ulong)g) * BlocksPerGroup;
            if (scalar) Scalar(key, stream, firstBlock, d);
            else if (Avx512F.IsSupported) Group<Lanes512, Vector512<uint>>(key, stream, firstBlock, d);
            else if (Avx2.IsSupported) Group<Lanes256, Vector256<uint>>(key, stream, firstBlock, d);
            else if (Sse2.IsSupported) Group<Lanes128, Vector128<uint>>(key, stream, firstBlock, d);
            else Scalar(key, stream, firstBlock, d);
        }
    }

    /// <summary>The scalar reference of the word at stream position <paramref name="position"/>.</summary>
    public static uint Word(PhiloxKey key, uint stream, ulong position)
    {
        ulong group = position / WordsPerGroup;
        int within = (int)(position % WordsPerGroup);
        var (x0, x1, x2, x3) = key.Block(group * BlocksPerGroup + (ulong)(within % BlocksPerGroup), stream);
        return (within / BlocksPerGroup) switch { 0 => x0, 1 => x1, 2 => x2, _ => x3 };
    }

    private static void Scalar(PhiloxKey key, uint stream, ulong firstBlock, Span<uint> d)
    {
        for (int l = 0; l < BlocksPerGroup; l++)
        {
            var (x0, x1, x2, x3) = key.Block(firstBlock + (ulong)l, stream);
            d[l] = x0;
            d[BlocksPerGroup + l] = x1;
            d[2 * BlocksPerGroup + l] = x2;
            d[3 * BlocksPerGroup + l] = x3;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Group<TLanes, TVec>(PhiloxKey key, uint stream, ulong firstBlock, Span<uint> d)
        where TLanes : struct, IPhiloxLanes<TVec> where TVec : struct
    {
        Span<uint> lo = stackalloc uint[BlocksPerGroup], hi = stackalloc uint[BlocksPerGroup];
        for (int l = 0; l < BlocksPerGroup; l++)
        {
            ulong b = firstBlock + (ulong)l;
            lo[l] = (uint)b;
            hi[l] = (uint)(b >> 32);
        }
        for (int l0 = 0; l0 < BlocksPerGroup; l0 += TLanes.Count)
            PhiloxRounds<TLanes, TVec>.Run(key.K0, key.K1, stream, lo[l0..], hi[l0..], d[l0..]);
    }
}

/// <summary>The lane operations of the vector Philox rounds on one vector width.</summary>
internal interface IPhiloxLanes<TVec> where TVec : struct
{
    static abstract int Count { get; }
    static abstract TVec Load(ReadOnlySpan<uint> source);
    static abstract void Store(TVec value, Span<uint> destination);
    static abstract TVec Broadcast(uint value);
    static abstract TVec Xor(TVec left, TVec right);

    /// <summary>The high and low 32 bits of each lane's 64-bit product with <paramref name="multiplier"/>.</summary>
    static abstract (TVec High, TVec Low) MultiplyWide(TVec value, uint multiplier);
}

/// <summary>Ten Philox rounds over <c>TLanes.Count</c> blocks at once; results at offsets 0, 16, 32, 48 of the group.</summary>
internal static class PhiloxRounds<TLanes, TVec> where TLanes : struct, IPhiloxLanes<TVec> where TVec : struct
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(uint k0, uint k1, uint stream, ReadOnlySpan<uint> c0In, ReadOnlySpan<uint> c1In, Span<uint> dest)
    {
        TVec c0 = TLanes.Load(c0In), c1 = TLanes.Load(c1In), c2 = TLanes.Broadcast(stream), c3 = TLanes.Broadcast(0);
        for (int r = 0; r < Philox4x32.Rounds; r++)
        {
            if (r > 0) { k0 += Philox4x32.Weyl0; k1 += Philox4x32.Weyl1; }
            var (hi0, lo0) = TLanes.MultiplyWide(c0, Philox4x32.Multiplier0);
            var (hi1, lo1) = TLanes.MultiplyWide(c2, Philox4x32.Multiplier1);
            c0 = TLanes.Xor(TLanes.Xor(hi1, c1), TLanes.Broadcast(k0));
            c2 = TLanes.Xor(TLanes.Xor(hi0, c3), TLanes.Broadcast(k1));
            c1 = lo1;
            c3 = lo0;
        }
        TLanes.Store(c0, dest);
        TLanes.Store(c1, dest[PhiloxWords.BlocksPerGroup..]);
        TLanes.Store(c2, dest[(2 * PhiloxWords.BlocksPerGroup)..]);
        TLanes.Store(c3, dest[(3 * PhiloxWords.BlocksPerGroup)..]);
    }
}

// vpmuludq multiplies the even 32-bit lanes into 64-bit products; the odd lanes are shifted down and multiplied the same way,
// then the high and low halves are put back in lane order.

internal readonly struct Lanes512 : IPhiloxLanes<Vector512<uint>>
{
    public static int Count => 16;
    public static Vector512<uint> Load(ReadOnlySpan<uint> source) => Vector512.Create(source);
    public static void Store(Vector512<uint> value, Span<uint> destination) => value.CopyTo(destination);
    public static Vector512<uint> Broadcast(uint value) => Vector512.Create(value);
    public static Vector512<uint> Xor(Vector512<uint> left, Vector512<uint> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<uint> High, Vector512<uint> Low) MultiplyWide(Vector512<uint> value, uint multiplier)
    {
        var m = Vector512.Create((ulong)multiplier).AsUInt32();
        var even = Avx512F.Multiply(value, m);
        var odd = Avx512F.Multiply(Vector512.ShiftRightLogical(value.AsUInt64(), 32).AsUInt32(), m);
        var low = Vector512.Create(0x0000_0000_FFFF_FFFFUL);
        return ((Vector512.ShiftRightLogical(even, 32) | (odd & ~low)).AsUInt32(), ((even & low) | Vector512.ShiftLeft(odd, 32)).AsUInt32());
    }
}

internal readonly struct Lanes256 : IPhiloxLanes<Vector256<uint>>
{
    public static int Count => 8;
    public static Vector256<uint> Load(ReadOnlySpan<uint> source) => Vector256.Create(source);
    public static void Store(Vector256<uint> value, Span<uint> destination) => value.CopyTo(destination);
    public static Vector256<uint> Broadcast(uint value) => Vector256.Create(value);
    public static Vector256<uint> Xor(Vector256<uint> left, Vector256<uint> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<uint> High, Vector256<uint> Low) MultiplyWide(Vector256<uint> value, uint multiplier)
    {
        var m = Vector256.Create((ulong)multiplier).AsUInt32();
        var even = Avx2.Multiply(value, m);
        var odd = Avx2.Multiply(Vector256.ShiftRightLogical(value.AsUInt64(), 32).AsUInt32(), m);
        var low = Vector256.Create(0x0000_0000_FFFF_FFFFUL);
        return ((Vector256.ShiftRightLogical(even, 32) | (odd & ~low)).AsUInt32(), ((even & low) | Vector256.ShiftLeft(odd, 32)).AsUInt32());
    }
}

internal readonly struct Lanes128 : IPhiloxLanes<Vector128<uint>>
{
    public static int Count => 4;
    public static Vector128<uint> Load(ReadOnlySpan<uint> source) => Vector128.Create(source);
    public static void Store(Vector128<uint> value, Span<uint> destination) => value.CopyTo(destination);
    public static Vector128<uint> Broadcast(uint value) => Vector128.Create(value);
    public static Vector128<uint> Xor(Vector128<uint> left, Vector128<uint> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<uint> High, Vector128<uint> Low) MultiplyWide(Vector128<uint> value, uint multiplier)
    {
        var m = Vector128.Create((ulong)multiplier).AsUInt32();
        var even = Sse2.Multiply(value, m);
        var odd = Sse2.Multiply(Vector128.ShiftRightLogical(value.AsUInt64(), 32).AsUInt32(), m);
        var low = Vector128.Create(0x0000_0000_FFFF_FFFFUL);
        return ((Vector128.ShiftRightLogical(even, 32) | (odd & ~low)).AsUInt32(), ((even & low) | Vector128.ShiftLeft(odd, 32)).AsUInt32());
    }
}
