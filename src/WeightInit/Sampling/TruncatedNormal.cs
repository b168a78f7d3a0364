using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using WeightInit.Numerics;
using As241 = WeightInit.Numerics.SpecialFunctions.As241;

namespace WeightInit.Sampling;

/// <summary>Parameters of a truncated standard normal sampled by inverse CDF, shared by the float32 and float64 kernels.</summary>
/// <remarks>
/// For uniform u ∈ (0, 1): p = Φ(α) + u·m and t = Q(β) + (1 − u)·m, with m = Φ(β) − Φ(α) computed without cancellation.
/// If p ≤ ½ the value is Φ⁻¹(p), else −Φ⁻¹(t): each side is computed from its own small tail probability, so bounds
/// far in either tail ([5σ, 6σ], [−38σ, −37σ]) keep full precision, and u never reaches a bound.
/// </remarks>
internal readonly record struct TruncationPlan(double LowerCdf, double UpperTail, double Mass)
{
    public static TruncationPlan For(double alpha, double beta)
    {
        double lowerCdf = SpecialFunctions.NormalCdf(alpha);
        double upperTail = SpecialFunctions.NormalUpperTail(beta);
        double mass;
        if (alpha >= 0) mass = SpecialFunctions.NormalUpperTail(alpha) - upperTail;
        else if (beta <= 0) mass = SpecialFunctions.NormalCdf(beta) - lowerCdf;
        else mass = (0.5 - lowerCdf) + (0.5 - upperTail);
        return new TruncationPlan(lowerCdf, upperTail, mass);
    }

    /// <summary>The truncated standard normal value of the uniform <paramref name="u"/> ∈ (0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Standard(double u)
    {
        double p = LowerCdf + u * Mass;
        if (p <= 0.5) return SpecialFunctions.NormalQuantile(p);
        double t = UpperTail + (1.0 - u) * Mass;
        return -SpecialFunctions.NormalQuantile(t);
    }
}

/// <summary>Where the uniforms of a truncated-normal batch come from and where its values go (float32 or float64 elements).</summary>
internal interface ITruncatedLayout<TOut> where TOut : unmanaged
{
    /// <summary>The uniforms of elements [element, element + Count) of a batch whose words start at <paramref name="words"/>.</summary>
    static abstract TL Uniforms<TL>(ref uint words, int element) where TL : struct, IDoubleLanes<TL>;
    /// <summary>Stores four vectors of values at elements [element, element + 4·Count).</summary>
    static abstract void Store4<TL>(TL a, TL b, TL c, TL d, ref TOut destination, int element) where TL : struct, IDoubleLanes<TL>;
    static abstract TOut Convert(double value);
}

/// <summary>float32 elements: u = (2w + 1)·2⁻³³ from one word each; values rounded to float.</summary>
internal readonly struct SingleTruncatedLayout : ITruncatedLayout<float>
{
    private const double TwoPowMinus33 = 1.16415321826934814453125E-10;

    // (double)w·2 + 1 is exactly 2w + 1 (below 2³³), so this is (double)((w ≪ 1) | 1)·2⁻³³.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Uniforms<TL>(ref uint words, int element) where TL : struct, IDoubleLanes<TL> =>
        (TL.Words(ref words, (nuint)element, 0, 0) * TL.Create(2.0) + TL.Create(1.0)) * TL.Create(TwoPowMinus33);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store4<TL>(TL a, TL b, TL c, TL d, ref float destination, int element) where TL : struct, IDoubleLanes<TL>
    {
        TL.StoreNarrow(a, b, ref destination, (nuint)element);
        TL.StoreNarrow(c, d, ref destination, (nuint)(element + 2 * TL.Count));
    }

    public static float Convert(double value) => (float)value;
}

/// <summary>float64 elements: u = (2⌊U/2⌋ + 1)·2⁻⁵³ with U = (w_j ≪ 21) | (w_{j+16} ≫ 11) from each 32-word half-group.</summary>
internal readonly struct DoubleTruncatedLayout : ITruncatedLayout<double>
{
    private const double TwoPowMinus53 = 1.1102230246251565404236316680908203125E-16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Uniforms<TL>(ref uint words, int element) where TL : struct, IDoubleLanes<TL>
    {
        return DoubleLanes.Bits53<TL>(ref words, element, 1) * TL.Create(TwoPowMinus53);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store4<TL>(TL a, TL b, TL c, TL d, ref double destination, int element) where TL : struct, IDoubleLanes<TL>
    {
        TL.Store(a, ref destination, (nuint)element);
        TL.Store(b, ref destination, (nuint)(element + TL.Count));
        TL.Store(c, ref destination, (nuint)(element + 2 * TL.Count));
        TL.Store(d, ref destination, (nuint)(element + 3 * TL.Count));
    }

    public static double Convert(double value) => value;
}

/// <summary>The vector truncated-normal batch, written once over the vector width and the element type.</summary>
/// <remarks>
/// <para>Pass 1 runs AS 241's central branch (|q| ≤ 0.425) on every lane, four vectors side by side so that their Horner
/// chains overlap, and writes mean + σ·z, kept inside the bounds, straight to the destination. Lanes outside the central
/// interval are compressed, without branches, into a packed list of (argument, signed position).</para>
/// <para>Pass 2 runs the tail branch (a logarithm, a square root and a second rational function) over the packed list only
/// (about one value in nine for ±2σ) and writes those elements. A tail argument that is not a positive normal double
/// (bounds beyond ±37σ) takes the scalar quantile. Every operation is the scalar reference's, in the same order.</para>
/// </remarks>
internal static class TruncatedBatch
{
    /// <summary>Runs the batch at the widest double width there is; false (nothing written) when no width applies.</summary>
    public static bool TryRun<TLayout, TOut>(TruncationPlan plan, double mean, double stdDev, double lo, double hi, ReadOnlySpan<uint> words, Span<TOut> output)
        where TLayout : ITruncatedLayout<TOut> where TOut : unmanaged
    {
        int lanes = DoubleWidth.Lanes;
        if (lanes == 0 || output.Length % (4 * lanes) != 0) return false;
        if (lanes == 8) Run<D512, TLayout, TOut>(plan, mean, stdDev, lo, hi, words, output);
        else if (lanes == 4) Run<D256, TLayout, TOut>(plan, mean, stdDev, lo, hi, words, output);
        else Run<D128, TLayout, TOut>(plan, mean, stdDev, lo, hi, words, output);
        return true;
    }

    // The packed lists are not zeroed (SkipLocalsInit): every entry read for an element was written first; the padding
    // lanes' entries beyond the list are never written back.
    [SkipLocalsInit]
    private static void Run<TL, TLayout, TOut>(TruncationPlan plan, double mean, double stdDev, double lo, double hi,
        ReadOnlySpan<uint> words, Span<TOut> output)
        where TL : struct, IDoubleLanes<TL> where TLayout : ITruncatedLayout<TOut> where TOut : unmanaged
    {
        int n = TL.Count, count = output.Length;
        // Packed tail lanes: the argument and the position (−1 − position for lanes of the upper side), with room for a
        // whole vector written past the last entry and for padding to two vectors.
        Span<double> args = stackalloc double[count + 2 * n];
        Span<double> positions = stackalloc double[count + 2 * n];
        ref uint w = ref MemoryMarshal.GetReference(words);
        ref TOut o = ref MemoryMarshal.GetReference(output);
        ref double a = ref MemoryMarshal.GetReference(args);
        ref double pos = ref MemoryMarshal.GetReference(positions);
        int m = CentralPass<TL, TLayout, TOut>(plan, mean, stdDev, lo, hi, ref w, ref o, count, ref a, ref pos);
        if (m == 0) return;
        int padded = (m + 2 * n - 1) / (2 * n) * (2 * n);
        args[m..padded].Fill(0.25); // a harmless argument for the unused lanes
        TailPass<TL>(mean, stdDev, lo, hi, args[..padded], positions[..padded]);
        for (int k = 0; k < m; k++)
        {
            int e = (int)positions[k];
            Unsafe.Add(ref o, e ^ (e >> 31)) = TLayout.Convert(args[k]);
        }
    }

    // Pass 1 (its own method: the JIT's inlining budget is per method). Returns the number of packed tail lanes.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int CentralPass<TL, TLayout, TOut>(TruncationPlan plan, double mean, double stdDev, double lo, double hi,
        ref uint w, ref TOut o, int count, ref double a, ref double pos)
        where TL : struct, IDoubleLanes<TL> where TLayout : ITruncatedLayout<TOut> where TOut : unmanaged
    {
        int n = TL.Count;
        var mass = TL.Create(plan.Mass);
        var lowerCdf = TL.Create(plan.LowerCdf);
        var upperTail = TL.Create(plan.UpperTail);
        var vMean = TL.Create(mean); var vStd = TL.Create(stdDev);
        var vLo = TL.Create(lo); var vHi = TL.Create(hi);
        int m = 0;
        for (int i = 0; i < count; i += 4 * n)
        {
            var q0 = Central<TL, TLayout, TOut>(ref w, i, lowerCdf, upperTail, mass, out var arg0, out var up0);
            var q1 = Central<TL, TLayout, TOut>(ref w, i + n, lowerCdf, upperTail, mass, out var arg1, out var up1);
            var q2 = Central<TL, TLayout, TOut>(ref w, i + 2 * n, lowerCdf, upperTail, mass, out var arg2, out var up2);
            var q3 = Central<TL, TLayout, TOut>(ref w, i + 3 * n, lowerCdf, upperTail, mass, out var arg3, out var up3);
            var c = TL.Create(As241.Const1);
            TL r0 = c - q0 * q0, r1 = c - q1 * q1, r2 = c - q2 * q2, r3 = c - q3 * q3;
            TL n0 = r0, n1 = r1, n2 = r2, n3 = r3, d0 = r0, d1 = r1, d2 = r2, d3 = r3;
            Horner4(As241.A, ref n0, ref n1, ref n2, ref n3);
            Horner4(As241.B, ref d0, ref d1, ref d2, ref d3);
            TLayout.Store4(
                Value(q0 * (n0 / d0), up0, vMean, vStd, vLo, vHi), Value(q1 * (n1 / d1), up1, vMean, vStd, vLo, vHi),
                Value(q2 * (n2 / d2), up2, vMean, vStd, vLo, vHi), Value(q3 * (n3 / d3), up3, vMean, vStd, vLo, vHi), ref o, i);
            var split = TL.Create(As241.Split1);
            TL out0 = TL.GreaterThan(TL.Abs(q0), split), out1 = TL.GreaterThan(TL.Abs(q1), split);
            TL out2 = TL.GreaterThan(TL.Abs(q2), split), out3 = TL.GreaterThan(TL.Abs(q3), split);
            if (TL.Bits(out0 | out1 | out2 | out3) == 0) continue; // one branch per block: rarely taken, or almost always
            m = Gather(out0, arg0, up0, i, ref a, ref pos, m);
            m = Gather(out1, arg1, up1, i + n, ref a, ref pos, m);
            m = Gather(out2, arg2, up2, i + 2 * n, ref a, ref pos, m);
            m = Gather(out3, arg3, up3, i + 3 * n, ref a, ref pos, m);
        }
        return m;
    }

    // Pass 2 over the packed tail lanes, two vectors at a time; each argument is replaced by its element's value.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TailPass<TL>(double mean, double stdDev, double lo, double hi, Span<double> args, ReadOnlySpan<double> positions)
        where TL : struct, IDoubleLanes<TL>
    {
        int n = TL.Count;
        ref double a = ref MemoryMarshal.GetReference(args);
        ref double pos = ref MemoryMarshal.GetReference(positions);
        var vMean = TL.Create(mean); var vStd = TL.Create(stdDev);
        var vLo = TL.Create(lo); var vHi = TL.Create(hi);
        for (int k = 0; k < args.Length; k += 2 * n)
        {
            var p0 = TL.Load(ref a, (nuint)k);
            var p1 = TL.Load(ref a, (nuint)(k + n));
            if (AllNormalPositive(p0) && AllNormalPositive(p1))
            {
                var (t0, t1) = TailQuantile(p0, p1);
                var neg0 = TL.LessThan(TL.Load(ref pos, (nuint)k), TL.Create(0));
                var neg1 = TL.LessThan(TL.Load(ref pos, (nuint)(k + n)), TL.Create(0));
                TL.Store(Value(t0, neg0, vMean, vStd, vLo, vHi), ref a, (nuint)k);
                TL.Store(Value(t1, neg1, vMean, vStd, vLo, vHi), ref a, (nuint)(k + n));
            }
            else
            {
                for (int l = k; l < k + 2 * n; l++)
                {
                    double v = SpecialFunctions.NormalQuantile(args[l]);
                    double x = mean + stdDev * (positions[l] < 0 ? -v : v);
                    args[l] = x < lo ? lo : (x > hi ? hi : x);
                }
            }
        }
    }

    // The uniforms of a vector of elements, p = Φ(α) + u·m, t = Q(β) + (1 − u)·m, the argument (p, or t where p > ½) and q = argument − ½.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL Central<TL, TLayout, TOut>(ref uint words, int element, TL lowerCdf, TL upperTail, TL mass, out TL arg, out TL upper)
        where TL : struct, IDoubleLanes<TL> where TLayout : ITruncatedLayout<TOut> where TOut : unmanaged
    {
        var u = TLayout.Uniforms<TL>(ref words, element);
        var p = lowerCdf + u * mass;
        var t = upperTail + (TL.Create(1.0) - u) * mass;
        upper = TL.GreaterThan(p, TL.Create(0.5));
        arg = TL.Select(upper, t, p);
        return arg - TL.Create(0.5);
    }

    // mean + σ·(±z), kept inside [lo, hi]; clamping before rounding to float gives the bits of clamping after it (lo, hi are values of the element type).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL Value<TL>(TL z, TL negate, TL mean, TL stdDev, TL lo, TL hi) where TL : struct, IDoubleLanes<TL>
    {
        return Lanes.Clamp(mean + stdDev * TL.Select(negate, -z, z), lo, hi);
    }

    // Appends the lanes outside the central interval to the packed list.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Gather<TL>(TL outside, TL arg, TL upper, int element, ref double args, ref double positions, int m) where TL : struct, IDoubleLanes<TL>
    {
        var index = TL.Indices(element);
        TL.Compress(outside, arg, ref Unsafe.Add(ref args, m));
        return m + TL.Compress(outside, TL.Select(upper, TL.Create(-1.0) - index, index), ref Unsafe.Add(ref positions, m));
    }

    // c[7]·x + c[6], … + c[0] by Horner's rule on four vectors at once; s holds x on entry and the value on return.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Horner4<TL>(double[] c, ref TL s0, ref TL s1, ref TL s2, ref TL s3) where TL : struct, IDoubleLanes<TL>
    {
        TL x0 = s0, x1 = s1, x2 = s2, x3 = s3;
        var top = TL.Create(c[7]);
        s0 = top; s1 = top; s2 = top; s3 = top;
        for (int i = 6; i >= 0; i--)
        {
            var ci = TL.Create(c[i]);
            s0 = s0 * x0 + ci; s1 = s1 * x1 + ci; s2 = s2 * x2 + ci; s3 = s3 * x3 + ci;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TL, TL) Horner2<TL>(double[] c, TL x0, TL x1) where TL : struct, IDoubleLanes<TL>
    {
        TL s0 = TL.Create(c[7]), s1 = s0;
        for (int i = 6; i >= 0; i--)
        {
            var ci = TL.Create(c[i]);
            s0 = s0 * x0 + ci; s1 = s1 * x1 + ci;
        }
        return (s0, s1);
    }

    // SpecialFunctions.NormalQuantile for positive normal p outside the central interval, op for op, two vectors at a time.
    // The far-tail function (r > 5, p < 1.4·10⁻¹¹) is evaluated only when some lane needs it.
    private static (TL, TL) TailQuantile<TL>(TL p0, TL p1) where TL : struct, IDoubleLanes<TL>
    {
        var half = TL.Create(0.5);
        var one = TL.Create(1.0);
        var neg0 = TL.LessThan(p0 - half, TL.Create(0)); var neg1 = TL.LessThan(p1 - half, TL.Create(0));
        var r0 = TL.Sqrt(-SamplingMath.Log(TL.Select(neg0, p0, one - p0)));
        var r1 = TL.Sqrt(-SamplingMath.Log(TL.Select(neg1, p1, one - p1)));
        var const2 = TL.Create(As241.Const2);
        var split2 = TL.Create(As241.Split2);
        var (c0, c1) = Horner2(As241.C, r0 - const2, r1 - const2);
        var (d0, d1) = Horner2(As241.D, r0 - const2, r1 - const2);
        var tail0 = c0 / d0; var tail1 = c1 / d1;
        var isNear0 = TL.LessThanOrEqual(r0, split2); var isNear1 = TL.LessThanOrEqual(r1, split2);
        if (!TL.All(isNear0 & isNear1))
        {
            var (e0, e1) = Horner2(As241.E, r0 - split2, r1 - split2);
            var (f0, f1) = Horner2(As241.F, r0 - split2, r1 - split2);
            tail0 = TL.Select(isNear0, tail0, e0 / f0);
            tail1 = TL.Select(isNear1, tail1, e1 / f1);
        }
        return (TL.Select(neg0, -tail0, tail0), TL.Select(neg1, -tail1, tail1));
    }

    /// <summary>True when every lane is a positive normal finite double (the domain of <see cref="SamplingMath.Log{TL}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AllNormalPositive<TL>(TL x) where TL : struct, IDoubleLanes<TL> =>
        TL.All(TL.GreaterThan(x, TL.Create(2.2250738585072014e-308)) | TL.Equal(x, TL.Create(2.2250738585072014e-308)))
        && TL.All(TL.LessThanOrEqual(x, TL.Create(double.MaxValue)));
}

/// <summary>Truncated normal float32: u = (2w + 1)·2⁻³³, the value computed in double then rounded, kept strictly inside the bounds.</summary>
internal sealed class TruncatedNormalSingleKernel(TruncationPlan plan, double mean, double stdDev, float lo, float hi) : SingleKernel
{
    private const double TwoPowMinus33 = 1.16415321826934814453125E-10;

    public override void Scalar(ReadOnlySpan<uint> words, Span<float> output)
    {
        for (int i = 0; i < words.Length; i++)
            output[i] = Clamp((float)(mean + stdDev * plan.Standard((double)(((ulong)words[i] << 1) | 1) * TwoPowMinus33)), lo, hi);
    }

    public override void Vectorized(ReadOnlySpan<uint> words, Span<float> output)
    {
        if (!TruncatedBatch.TryRun<SingleTruncatedLayout, float>(plan, mean, stdDev, lo, hi, words, output)) Scalar(words, output);
    }
}

/// <summary>Truncated normal float64: u = (2⌊U/2⌋ + 1)·2⁻⁵³, kept strictly inside the bounds.</summary>
internal sealed class TruncatedNormalDoubleKernel(TruncationPlan plan, double mean, double stdDev, double lo, double hi) : DoubleKernel
{
    private const double TwoPowMinus53 = 1.1102230246251565404236316680908203125E-16;

    public override void Scalar(ReadOnlySpan<uint> words, Span<double> output)
    {
        for (int g = 0; g < words.Length / 32; g++)
            for (int j = 0; j < 16; j++)
                output[16 * g + j] = Clamp(mean + stdDev * plan.Standard((double)(Bits53(words[(32 * g)..], j) | 1) * TwoPowMinus53), lo, hi);
    }

    public override void Vectorized(ReadOnlySpan<uint> words, Span<double> output)
    {
        if (!TruncatedBatch.TryRun<DoubleTruncatedLayout, double>(plan, mean, stdDev, lo, hi, words, output)) Scalar(words, output);
    }
}
