using System.Runtime.CompilerServices;

namespace WeightInit.Sampling;

/// <summary>The lane operations float and double kernels share, on one vector width, so that a kernel is written once and runs on 512, 256 or 128 bits.</summary>
/// <remarks>
/// Every operation is the IEEE operation of its name on each lane (no fused multiply–add, no approximation), so a kernel
/// written on these interfaces gives the same bits at every width and equals its scalar reference op for op.
/// Masks are vectors whose lanes are all ones (true) or all zeros (false), as the comparisons return them.
/// <see cref="IFloatLanes{TSelf}"/> and <see cref="IDoubleLanes{TSelf}"/> add what depends on the element type.
/// </remarks>
internal interface ILanes<TSelf> where TSelf : struct, ILanes<TSelf>
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }
    /// <summary>Whether this width runs in hardware here.</summary>
    static abstract bool IsSupported { get; }

    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a);
    static abstract TSelf operator &(TSelf a, TSelf b);
    static abstract TSelf operator |(TSelf a, TSelf b);
    static abstract TSelf Sqrt(TSelf x);
    static abstract TSelf Floor(TSelf x);

    static abstract TSelf Equal(TSelf a, TSelf b);
    static abstract TSelf LessThan(TSelf a, TSelf b);
    static abstract TSelf GreaterThan(TSelf a, TSelf b);
    static abstract TSelf Select(TSelf mask, TSelf whenTrue, TSelf whenFalse);
}

/// <summary>Helpers over any lanes.</summary>
internal static class Lanes
{
    /// <summary>x kept inside [lo, hi] (NaN stays NaN), as the scalar <c>x &lt; lo ? lo : (x &gt; hi ? hi : x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Clamp<TL>(TL x, TL lo, TL hi) where TL : struct, ILanes<TL>
    {
        x = TL.Select(TL.LessThan(x, lo), lo, x);
        return TL.Select(TL.GreaterThan(x, hi), hi, x);
    }
}
