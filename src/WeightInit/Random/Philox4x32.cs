using System.Runtime.CompilerServices;

namespace WeightInit.Random;

/// <summary>The Philox4x32-10 block function of Random123: four 32-bit counter words and two 32-bit key words give four 32-bit output words.</summary>
/// <remarks>
/// Salmon, Moraes, Dror and Shaw, "Parallel Random Numbers: As Easy as 1, 2, 3" (SC11).
/// Constants and round schedule as in Random123's <c>philox.h</c>; the key is bumped before rounds 2..10, never after the last.
/// Pinned by the Random123 known-answer vectors (<c>tests/kat_vectors</c>, <c>tests/old_kat_vectors</c>).
/// Ten rounds: Random123 reports no statistical flaw from 8 rounds on, so 10 keeps a margin.
/// </remarks>
public static class Philox4x32
{
    /// <summary>Multiplier of counter word 0 (<c>PHILOX_M4x32_0</c>).</summary>
    public const uint Multiplier0 = 0xD2511F53;
    /// <summary>Multiplier of counter word 2 (<c>PHILOX_M4x32_1</c>).</summary>
    public const uint Multiplier1 = 0xCD9E8D57;
    /// <summary>Key bump of key word 0 (<c>PHILOX_W32_0</c>, the golden ratio).</summary>
    public const uint Weyl0 = 0x9E3779B9;
    /// <summary>Key bump of key word 1 (<c>PHILOX_W32_1</c>, √3 − 1).</summary>
    public const uint Weyl1 = 0xBB67AE85;
    /// <summary>Number of rounds.</summary>
    public const int Rounds = 10;

    /// <summary>Computes the block for counter (c0, c1, c2, c3) under key (k0, k1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint X0, uint X1, uint X2, uint X3) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int r = 0; r < Rounds; r++)
        {
            if (r > 0)
            {
                k0 += Weyl0;
                k1 += Weyl1;
            }
            ulong p0 = (ulong)Multiplier0 * c0;
            ulong p1 = (ulong)Multiplier1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0;
            uint hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            uint n0 = hi1 ^ c1 ^ k0;
            uint n2 = hi0 ^ c3 ^ k1;
            c0 = n0;
            c1 = lo1;
            c2 = n2;
            c3 = lo0;
        }
        return (c0, c1, c2, c3);
    }
}
