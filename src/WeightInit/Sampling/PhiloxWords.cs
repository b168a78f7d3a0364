using System.Numerics;
using System.Runtime.CompilerServices;
using WeightInit.Random;

namespace WeightInit.Sampling;

/// <summary>The word stream of a key: word k is output word k mod 4 of Philox block k / 4, counter (block, stream, 0).</summary>
/// <remarks>
/// Blocks are independent, so any range of words can be produced on its own; the vector path runs
/// <c>Vector&lt;ulong&gt;.Count</c> blocks side by side with each 32-bit word zero-extended into a 64-bit lane, so the
/// 32×32→64 products of Philox are plain lane multiplies. It computes exactly the scalar function.
/// </remarks>
internal static class PhiloxWords
{
    /// <summary>Writes the words of blocks [firstBlock, firstBlock + dest.Length / 4) into <paramref name="dest"/> (length a multiple of 4).</summary>
    public static void Fill(PhiloxKey key, uint stream, ulong firstBlock, Span<uint> dest, bool scalar = false)
    {
        if ((dest.Length & 3) != 0) throw new ArgumentException("The word count must be a multiple of 4.", nameof(dest));
        int blocks = dest.Length / 4;
        int b = 0;
        if (!scalar && Vector.IsHardwareAccelerated && blocks >= Vector<ulong>.Count)
            b = FillVector(key, stream, firstBlock, dest, blocks);
        for (; b < blocks; b++)
        {
            var (x0, x1, x2, x3) = key.Block(firstBlock + (ulong)b, stream);
            int o = 4 * b;
            dest[o] = x0;
            dest[o + 1] = x1;
            dest[o + 2] = x2;
            dest[o + 3] = x3;
        }
    }

    /// <summary>The scalar reference of word <paramref name="word"/> of the stream.</summary>
    public static uint Word(PhiloxKey key, uint stream, ulong word)
    {
        var (x0, x1, x2, x3) = key.Block(word >> 2, stream);
        return (word & 3) switch { 0 => x0, 1 => x1, 2 => x2, _ => x3 };
    }

    private static int FillVector(PhiloxKey key, uint stream, ulong firstBlock, Span<uint> dest, int blocks)
    {
        int n = Vector<ulong>.Count;
        Span<ulong> laneInit = stackalloc ulong[n];
        for (int l = 0; l < n; l++) laneInit[l] = (ulong)l;
        var laneOffsets = new Vector<ulong>(laneInit);
        var low32 = new Vector<ulong>(0xFFFF_FFFFUL);
        var m0 = new Vector<ulong>(Philox4x32.Multiplier0);
        var m1 = new Vector<ulong>(Philox4x32.Multiplier1);
        var c2Init = new Vector<ulong>(stream);
        Span<ulong> w0 = stackalloc ulong[n], w1 = stackalloc ulong[n], w2 = stackalloc ulong[n], w3 = stackalloc ulong[n];
        int b = 0;
        for (; b + n <= blocks; b += n)
        {
            var index = new Vector<ulong>(firstBlock + (ulong)b) + laneOffsets;
            var c0 = index & low32;
            var c1 = index >> 32;
            var c2 = c2Init;
            var c3 = Vector<ulong>.Zero;
            uint k0 = key.K0, k1 = key.K1;
            for (int r = 0; r < Philox4x32.Rounds; r++)
            {
                if (r > 0)
                {
                    k0 += Philox4x32.Weyl0;
                    k1 += Philox4x32.Weyl1;
                }
                var p0 = c0 * m0;
                var p1 = c2 * m1;
                var n0 = (p1 >> 32) ^ c1 ^ new Vector<ulong>(k0);
                var n2 = (p0 >> 32) ^ c3 ^ new Vector<ulong>(k1);
                c0 = n0;
                c1 = p1 & low32;
                c2 = n2;
                c3 = p0 & low32;
            }
            c0.CopyTo(w0);
            c1.CopyTo(w1);
            c2.CopyTo(w2);
            c3.CopyTo(w3);
            ref uint d = ref dest[4 * b];
            for (int l = 0; l < n; l++)
            {
                Unsafe.Add(ref d, 4 * l) = (uint)w0[l];
                Unsafe.Add(ref d, 4 * l + 1) = (uint)w1[l];
                Unsafe.Add(ref d, 4 * l + 2) = (uint)w2[l];
                Unsafe.Add(ref d, 4 * l + 3) = (uint)w3[l];
            }
        }
        return b;
    }
}
