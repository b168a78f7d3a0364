using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        if (scalar || !Sse2.IsSupported)
        {
            for (int g = 0; g < groups; g++)
                Scalar(key, stream, (firstGroup + (ulong)g) * BlocksPerGroup, dest.Slice(g * WordsPerGroup, WordsPerGroup));
        }
        else if (Avx512F.IsSupported) Groups<Lanes512, Vector512<uint>>(key, stream, firstGroup, groups, dest);
        else if (Avx2.IsSupported) Groups<Lanes256, Vector256<uint>>(key, stream, firstGroup, groups, dest);
        else Groups<Lanes128, Vector128<uint>>(key, stream, firstGroup, groups, dest);
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

    // The 16 blocks of a group start at a multiple of 16, so they share the high counter word and their low words are
    // consecutive: the counters are built in registers, and the rounds write straight into the destination.
    // Two independent sets of blocks go through the rounds together, so that one set's multiplies overlap the other's
    // dependency chain: with 16 lanes these are two groups, with 8 or 4 lanes two parts of one group.
    private static void Groups<TLanes, TVec>(PhiloxKey key, uint stream, ulong firstGroup, int groups, Span<uint> dest)
        where TLanes : struct, IPhiloxLanes<TVec> where TVec : struct
    {
        ref uint d = ref MemoryMarshal.GetReference(dest);
        int g = 0;
        if (TLanes.Count == BlocksPerGroup)
        {
            for (; g + 1 < groups; g += 2)
            {
                ulong b = (firstGroup + (ulong)g) * BlocksPerGroup;
                PhiloxRounds<TLanes, TVec>.RunPair(key.K0, key.K1, stream, Counter(b), Counter(b + BlocksPerGroup),
                    ref Unsafe.Add(ref d, g * WordsPerGroup), ref Unsafe.Add(ref d, (g + 1) * WordsPerGroup));
            }
        }
        for (; g < groups; g++)
        {
            ulong firstBlock = (firstGroup + (ulong)g) * BlocksPerGroup;
            ref uint dg = ref Unsafe.Add(ref d, g * WordsPerGroup);
            if (TLanes.Count == BlocksPerGroup)
            {
                PhiloxRounds<TLanes, TVec>.Run(key.K0, key.K1, stream, Counter(firstBlock), ref dg);
                continue;
            }
            for (int l0 = 0; l0 < BlocksPerGroup; l0 += 2 * TLanes.Count)
                PhiloxRounds<TLanes, TVec>.RunPair(key.K0, key.K1, stream, Counter(firstBlock + (ulong)l0), Counter(firstBlock + (ulong)(l0 + TLanes.Count)),
                    ref Unsafe.Add(ref dg, l0), ref Unsafe.Add(ref dg, l0 + TLanes.Count));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (uint Low, uint High) Counter(ulong block) => ((uint)block, (uint)(block >> 32));
}

/// <summary>The lane operations of the vector Philox rounds on one vector width.</summary>
internal interface IPhiloxLanes<TVec> where TVec : struct
{
    static abstract int Count { get; }
    static abstract void Store(TVec value, ref uint destination);
    static abstract TVec Broadcast(uint value);

    /// <summary>The lanes <paramref name="start"/>, <paramref name="start"/> + 1, ….</summary>
    static abstract TVec Consecutive(uint start);

    /// <summary>a ^ b ^ c.</summary>
    static abstract TVec Xor3(TVec a, TVec b, TVec c);

    /// <summary>The high and low 32 bits of each lane's 64-bit product with <paramref name="multiplier"/>.</summary>
    static abstract (TVec High, TVec Low) MultiplyWide(TVec value, uint multiplier);
}

/// <summary>Ten Philox rounds over <c>TLanes.Count</c> blocks at once; results at offsets 0, 16, 32, 48 of the group.</summary>
internal static class PhiloxRounds<TLanes, TVec> where TLanes : struct, IPhiloxLanes<TVec> where TVec : struct
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(uint k0, uint k1, uint stream, (uint Low, uint High) counter, ref uint dest)
    {
        TVec c0 = TLanes.Consecutive(counter.Low), c1 = TLanes.Broadcast(counter.High), c2 = TLanes.Broadcast(stream), c3 = TLanes.Broadcast(0);
        for (int r = 0; r < Philox4x32.Rounds; r++)
        {
            if (r > 0) { k0 += Philox4x32.Weyl0; k1 += Philox4x32.Weyl1; }
            Round(ref c0, ref c1, ref c2, ref c3, TLanes.Broadcast(k0), TLanes.Broadcast(k1));
        }
        Store(c0, c1, c2, c3, ref dest);
    }

    /// <summary>Two independent runs interleaved (same key and stream; the lanes of <paramref name="counterA"/> and <paramref name="counterB"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunPair(uint k0, uint k1, uint stream, (uint Low, uint High) counterA, (uint Low, uint High) counterB, ref uint destA, ref uint destB)
    {
        TVec a0 = TLanes.Consecutive(counterA.Low), a1 = TLanes.Broadcast(counterA.High), a2 = TLanes.Broadcast(stream), a3 = TLanes.Broadcast(0);
        TVec b0 = TLanes.Consecutive(counterB.Low), b1 = TLanes.Broadcast(counterB.High), b2 = a2, b3 = a3;
        for (int r = 0; r < Philox4x32.Rounds; r++)
        {
            if (r > 0) { k0 += Philox4x32.Weyl0; k1 += Philox4x32.Weyl1; }
            TVec v0 = TLanes.Broadcast(k0), v1 = TLanes.Broadcast(k1);
            Round(ref a0, ref a1, ref a2, ref a3, v0, v1);
            Round(ref b0, ref b1, ref b2, ref b3, v0, v1);
        }
        Store(a0, a1, a2, a3, ref destA);
        Store(b0, b1, b2, b3, ref destB);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref TVec c0, ref TVec c1, ref TVec c2, ref TVec c3, TVec k0, TVec k1)
    {
        var (hi0, lo0) = TLanes.MultiplyWide(c0, Philox4x32.Multiplier0);
        var (hi1, lo1) = TLanes.MultiplyWide(c2, Philox4x32.Multiplier1);
        c0 = TLanes.Xor3(hi1, c1, k0);
        c2 = TLanes.Xor3(hi0, c3, k1);
        c1 = lo1;
        c3 = lo0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(TVec c0, TVec c1, TVec c2, TVec c3, ref uint dest)
    {
        TLanes.Store(c0, ref dest);
        TLanes.Store(c1, ref Unsafe.Add(ref dest, PhiloxWords.BlocksPerGroup));
        TLanes.Store(c2, ref Unsafe.Add(ref dest, 2 * PhiloxWords.BlocksPerGroup));
        TLanes.Store(c3, ref Unsafe.Add(ref dest, 3 * PhiloxWords.BlocksPerGroup));
    }
}

// vpmuludq multiplies the even 32-bit lanes into 64-bit products; the odd lanes are moved down and multiplied the same way,
// then the high and low halves are put back in lane order (a shuffle and a blend each on AVX2/AVX-512).

internal readonly struct Lanes512 : IPhiloxLanes<Vector512<uint>>
{
    public static int Count => 16;
    public static void Store(Vector512<uint> value, ref uint destination) => value.StoreUnsafe(ref destination);
    public static Vector512<uint> Broadcast(uint value) => Vector512.Create(value);
    public static Vector512<uint> Consecutive(uint start) => Vector512.Create(start) + Vector512<uint>.Indices;
    public static Vector512<uint> Xor3(Vector512<uint> a, Vector512<uint> b, Vector512<uint> c) => Avx512F.TernaryLogic(a, b, c, 0x96);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<uint> High, Vector512<uint> Low) MultiplyWide(Vector512<uint> value, uint multiplier)
    {
        var m = Vector512.Create(multiplier);
        var even = Avx512F.Multiply(value, m).AsUInt32();
        var odd = Avx512F.Multiply(Avx512F.Shuffle(value, 0xF5), m).AsUInt32();
        var oddLanes = Vector512.Create(0xFFFF_FFFF_0000_0000UL).AsUInt32();
        return (Vector512.ConditionalSelect(oddLanes, odd, Avx512F.Shuffle(even, 0xF5)), Vector512.ConditionalSelect(oddLanes, Avx512F.Shuffle(odd, 0xA0), even));
    }
}

internal readonly struct Lanes256 : IPhiloxLanes<Vector256<uint>>
{
    public static int Count => 8;
    public static void Store(Vector256<uint> value, ref uint destination) => value.StoreUnsafe(ref destination);
    public static Vector256<uint> Broadcast(uint value) => Vector256.Create(value);
    public static Vector256<uint> Consecutive(uint start) => Vector256.Create(start) + Vector256<uint>.Indices;
    public static Vector256<uint> Xor3(Vector256<uint> a, Vector256<uint> b, Vector256<uint> c) => a ^ b ^ c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<uint> High, Vector256<uint> Low) MultiplyWide(Vector256<uint> value, uint multiplier)
    {
        var m = Vector256.Create(multiplier);
        var even = Avx2.Multiply(value, m).AsUInt32();
        var odd = Avx2.Multiply(Avx2.Shuffle(value, 0xF5), m).AsUInt32();
        return (Avx2.Blend(Avx2.Shuffle(even, 0xF5), odd, 0xAA), Avx2.Blend(even, Avx2.Shuffle(odd, 0xA0), 0xAA));
    }
}

internal readonly struct Lanes128 : IPhiloxLanes<Vector128<uint>>
{
    public static int Count => 4;
    public static void Store(Vector128<uint> value, ref uint destination) => value.StoreUnsafe(ref destination);
    public static Vector128<uint> Broadcast(uint value) => Vector128.Create(value);
    public static Vector128<uint> Consecutive(uint start) => Vector128.Create(start) + Vector128<uint>.Indices;
    public static Vector128<uint> Xor3(Vector128<uint> a, Vector128<uint> b, Vector128<uint> c) => a ^ b ^ c;

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
