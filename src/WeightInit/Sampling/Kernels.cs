using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using WeightInit.Numerics;

namespace WeightInit.Sampling;

/// <summary>Turns random words into float32 values, word i feeding element i (or, for pairs, words i and i + 16 of a 32-word half-group).</summary>
/// <remarks>The grouping is fixed (see <see cref="PhiloxWords"/>) whatever the vector width, so an element's value never depends on the hardware.</remarks>
internal abstract class SingleKernel
{
    /// <summary>The scalar reference: <paramref name="words"/> and <paramref name="output"/> hold whole groups.</summary>
    public abstract void Scalar(ReadOnlySpan<uint> words, Span<float> output);

    /// <summary>The vector path; must equal <see cref="Scalar"/> bit for bit.</summary>
    public virtual void Vectorized(ReadOnlySpan<uint> words, Span<float> output) => Scalar(words, output);

    /// <summary>Whether the vector path can run with this machine's <see cref="Vector{T}"/> width.</summary>
    protected static bool VectorUsable => Vector.IsHardwareAccelerated && Vector<float>.Count is 4 or 8 or 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static float Clamp(float x, float lo, float hi) => x < lo ? lo : (x > hi ? hi : x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector<float> Clamp(Vector<float> x, Vector<float> lo, Vector<float> hi)
    {
        x = Vector.ConditionalSelect(Vector.LessThan(x, lo), lo, x);
        return Vector.ConditionalSelect(Vector.GreaterThan(x, hi), hi, x);
    }
}

/// <summary>Turns random words into float64 values: each 32-word half-group gives 16 values from U_j = (w_j · 2²¹) | (w_{j+16} ≫ 11), a 53-bit integer.</summary>
internal abstract class DoubleKernel
{
    /// <summary>The scalar reference over whole groups (16 words, 8 outputs each).</summary>
    public abstract void Scalar(ReadOnlySpan<uint> words, Span<double> output);

    /// <summary>The vector path; must equal <see cref="Scalar"/> bit for bit.</summary>
    public virtual void Vectorized(ReadOnlySpan<uint> words, Span<double> output) => Scalar(words, output);

    protected static bool VectorUsable => Vector.IsHardwareAccelerated && Vector<uint>.Count is 4 or 8 or 16;

    /// <summary>The 53-bit integer U_j of element j of the half-group starting at <paramref name="words"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static ulong Bits53(ReadOnlySpan<uint> words, int j) => ((ulong)words[j] << 21) | (words[j + 16] >> 11);

    /// <summary>The 53-bit integers of every element (16 per 32 words), vectorized.</summary>
    protected static void Bits53(ReadOnlySpan<uint> words, Span<ulong> bits)
    {
        int halves = words.Length / 32;
        int vu = Vector<uint>.Count, vl = Vector<ulong>.Count;
        for (int g = 0; g < halves; g++)
        {
            var w = words.Slice(32 * g, 32);
            var o = bits.Slice(16 * g, 16);
            for (int j0 = 0; j0 < 16; j0 += vu)
            {
                Vector.Widen(new Vector<uint>(w[j0..]), out var h0, out var h1);
                Vector.Widen(new Vector<uint>(w[(16 + j0)..]), out var l0, out var l1);
                ((h0 << 21) | (l0 >> 11)).CopyTo(o[j0..]);
                ((h1 << 21) | (l1 >> 11)).CopyTo(o[(j0 + vl)..]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static double Clamp(double x, double lo, double hi) => x < lo ? lo : (x > hi ? hi : x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector<double> Clamp(Vector<double> x, Vector<double> lo, Vector<double> hi)
    {
        x = Vector.ConditionalSelect(Vector.LessThan(x, lo), lo, x);
        return Vector.ConditionalSelect(Vector.GreaterThan(x, hi), hi, x);
    }
}

/// <summary>Uniform float32: u = (w ≫ 8)·2⁻²⁴ ∈ [0, 1), x = low + span·u, then kept inside [lo, hi].</summary>
internal sealed class UniformSingleKernel(float low, float span, float lo, float hi) : SingleKernel
{
    private const float TwoPowMinus24 = 5.9604644775390625E-8f;

    public override void Scalar(ReadOnlySpan<uint> words, Span<float> output)
    {
        for (int i = 0; i < words.Length; i++)
            output[i] = Clamp(low + span * ((int)(words[i] >> 8) * TwoPowMinus24), lo, hi);
    }

    public override void Vectorized(ReadOnlySpan<uint> words, Span<float> output)
    {
        if (!VectorUsable) { Scalar(words, output); return; }
        var vLow = new Vector<float>(low); var vSpan = new Vector<float>(span);
        var vLo = new Vector<float>(lo); var vHi = new Vector<float>(hi);
        var scale = new Vector<float>(TwoPowMinus24);
        var src = MemoryMarshal.Cast<uint, Vector<uint>>(words);
        var dst = MemoryMarshal.Cast<float, Vector<float>>(output);
        for (int i = 0; i < src.Length; i++)
        {
            var u = Vector.ConvertToSingle(Vector.AsVectorInt32(src[i] >> 8)) * scale;
            dst[i] = Clamp(vLow + vSpan * u, vLo, vHi);
        }
    }
}

/// <summary>Normal float32 by Box–Muller: words (w_j, w_{j+16}) of each 32-word half-group give elements j (cosine) and j + 16 (sine), j &lt; 16.</summary>
/// <remarks>
/// u₁ = float(w_j ≫ 1)·2⁻³¹ + 2⁻³² ∈ (0, 1], so the radius √(−2 ln u₁) is at most √(64 ln 2) ≈ 6.66.
/// The angle is 2π·k/2²⁴ with k = w_{j+8} ≫ 8, reduced exactly in integers to a quadrant q and f ∈ [−½, ½),
/// so sin and cos are only evaluated on [−π/4, π/4].
/// </remarks>
internal sealed class NormalSingleKernel(float mean, float stdDev) : SingleKernel
{
    private const float TwoPowMinus31 = 4.656612873077392578125E-10f;
    private const float TwoPowMinus32 = 2.3283064365386962890625E-10f;
    private const float TwoPowMinus22 = 2.384185791015625E-7f;

    public override void Scalar(ReadOnlySpan<uint> words, Span<float> output)
    {
        for (int g = 0; g < words.Length; g += 32)
        {
            for (int j = 0; j < 16; j++)
            {
                var (z0, z1) = Pair(words[g + j], words[g + j + 16]);
                output[g + j] = mean + stdDev * z0;
                output[g + j + 16] = mean + stdDev * z1;
            }
        }
    }

    /// <summary>The two standard normal values of one pair of words.</summary>
    internal static (float Cos, float Sin) Pair(uint wa, uint wb)
    {
        float u1 = (int)(wa >> 1) * TwoPowMinus31 + TwoPowMinus32;
        float r = MathF.Sqrt(-2f * SamplingMath.LogF(u1));
        int k = (int)(wb >> 8);
        int q = (k + (1 << 21)) >> 22;
        int fi = k - (q << 22);
        float x = fi * TwoPowMinus22 * SamplingMath.HalfPiF;
        var (s, c) = SamplingMath.SinCosF(x);
        bool swap = (q & 1) != 0;
        float a = swap ? s : c, b = swap ? c : s;
        if (((q + 1) & 2) != 0) a = -a; // q = 1, 2
        if ((q & 2) != 0) b = -b;       // q = 2, 3 (q = 4 is a full turn)
        return (r * a, r * b);
    }

    public override void Vectorized(ReadOnlySpan<uint> words, Span<float> output)
    {
        if (!VectorUsable) { Scalar(words, output); return; }
        int n = Vector<float>.Count;
        var vMean = new Vector<float>(mean); var vStd = new Vector<float>(stdDev);
        var one = new Vector<int>(1); var two = new Vector<int>(2);
        var signBit = new Vector<int>(int.MinValue);
        for (int g = 0; g < words.Length; g += 32)
        {
            for (int j = 0; j < 16; j += n)
            {
                var wa = new Vector<uint>(words[(g + j)..]);
                var wb = new Vector<uint>(words[(g + j + 16)..]);
                var u1 = Vector.ConvertToSingle(Vector.AsVectorInt32(wa >> 1)) * new Vector<float>(TwoPowMinus31) + new Vector<float>(TwoPowMinus32);
                var r = Vector.SquareRoot(new Vector<float>(-2f) * SamplingMath.LogF(u1));
                var k = Vector.AsVectorInt32(wb >> 8);
                var q = (k + new Vector<int>(1 << 21)) >> 22;
                var fi = k - (q << 22);
                var x = Vector.ConvertToSingle(fi) * new Vector<float>(TwoPowMinus22) * new Vector<float>(SamplingMath.HalfPiF);
                var (s, c) = SamplingMath.SinCosF(x);
                var swap = Vector.Equals(q & one, one);
                var a = Vector.ConditionalSelect(swap, s, c);
                var b = Vector.ConditionalSelect(swap, c, s);
                var negA = Vector.Equals((q + one) & two, two) & signBit;
                var negB = Vector.Equals(q & two, two) & signBit;
                a = Vector.AsVectorSingle(Vector.AsVectorInt32(a) ^ negA);
                b = Vector.AsVectorSingle(Vector.AsVectorInt32(b) ^ negB);
                (vMean + vStd * (r * a)).CopyTo(output[(g + j)..]);
                (vMean + vStd * (r * b)).CopyTo(output[(g + j + 16)..]);
            }
        }
    }
}

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

    /// <summary>The vector form of <see cref="Standard(double)"/>; false when some lane needs the scalar path (a subnormal tail probability).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryStandard(Vector<double> u, out Vector<double> z)
    {
        var mass = new Vector<double>(Mass);
        var p = new Vector<double>(LowerCdf) + u * mass;
        var t = new Vector<double>(UpperTail) + (Vector<double>.One - u) * mass;
        var upper = Vector.GreaterThan(p, new Vector<double>(0.5));
        var arg = Vector.ConditionalSelect(upper, t, p);
        if (!SamplingMath.AllNormalPositive(arg)) { z = default; return false; }
        var quantile = Quantile(arg);
        z = Vector.ConditionalSelect(upper, -quantile, quantile);
        return true;
    }

    // SpecialFunctions.NormalQuantile for 0 < p ≤ ½ (normal), op for op.
    private static Vector<double> Quantile(Vector<double> p)
    {
        var q = p - new Vector<double>(0.5);
        var rc = new Vector<double>(SpecialFunctions.As241.Const1) - q * q;
        var central = q * (Horner(SpecialFunctions.As241.A, rc) / Horner(SpecialFunctions.As241.B, rc));
        var isCentral = Vector.LessThanOrEqual(Vector.Abs(q), new Vector<double>(SpecialFunctions.As241.Split1));
        var rr = Vector.ConditionalSelect(Vector.LessThan(q, Vector<double>.Zero), p, Vector<double>.One - p);
        var r = Vector.SquareRoot(-SamplingMath.Log(rr));
        var near = r - new Vector<double>(SpecialFunctions.As241.Const2);
        var far = r - new Vector<double>(SpecialFunctions.As241.Split2);
        var tailNear = Horner(SpecialFunctions.As241.C, near) / Horner(SpecialFunctions.As241.D, near);
        var tailFar = Horner(SpecialFunctions.As241.E, far) / Horner(SpecialFunctions.As241.F, far);
        var tail = Vector.ConditionalSelect(Vector.LessThanOrEqual(r, new Vector<double>(SpecialFunctions.As241.Split2)), tailNear, tailFar);
        tail = Vector.ConditionalSelect(Vector.LessThan(q, Vector<double>.Zero), -tail, tail);
        return Vector.ConditionalSelect(isCentral, central, tail);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Horner(double[] c, Vector<double> x)
    {
        var s = new Vector<double>(c[7]);
        for (int i = 6; i >= 0; i--) s = s * x + new Vector<double>(c[i]);
        return s;
    }
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
        if (!VectorUsable || Vector<double>.Count * 2 != Vector<uint>.Count) { Scalar(words, output); return; }
        int n = Vector<uint>.Count;
        var vMean = new Vector<double>(mean); var vStd = new Vector<double>(stdDev);
        var vLo = new Vector<float>(lo); var vHi = new Vector<float>(hi);
        var scale = new Vector<double>(TwoPowMinus33);
        for (int i = 0; i < words.Length; i += n)
        {
            Vector.Widen(new Vector<uint>(words[i..]), out var w0, out var w1);
            var u0 = Vector.ConvertToDouble((w0 << 1) | Vector<ulong>.One) * scale;
            var u1 = Vector.ConvertToDouble((w1 << 1) | Vector<ulong>.One) * scale;
            if (!plan.TryStandard(u0, out var z0) || !plan.TryStandard(u1, out var z1))
            {
                Scalar(words.Slice(i, n), output.Slice(i, n));
                continue;
            }
            var x = Vector.Narrow(vMean + vStd * z0, vMean + vStd * z1);
            Clamp(x, vLo, vHi).CopyTo(output[i..]);
        }
    }
}

/// <summary>Uniform float64: u = U·2⁻⁵³ ∈ [0, 1), x = low + span·u, then kept inside [lo, hi].</summary>
internal sealed class UniformDoubleKernel(double low, double span, double lo, double hi) : DoubleKernel
{
    private const double TwoPowMinus53 = 1.1102230246251565404236316680908203125E-16;

    public override void Scalar(ReadOnlySpan<uint> words, Span<double> output)
    {
        for (int g = 0; g < words.Length / 32; g++)
            for (int j = 0; j < 16; j++)
                output[16 * g + j] = Clamp(low + span * ((double)Bits53(words[(32 * g)..], j) * TwoPowMinus53), lo, hi);
    }

    public override void Vectorized(ReadOnlySpan<uint> words, Span<double> output)
    {
        if (!VectorUsable) { Scalar(words, output); return; }
        Span<ulong> bits = stackalloc ulong[words.Length / 2];
        Bits53(words, bits);
        var vLow = new Vector<double>(low); var vSpan = new Vector<double>(span);
        var vLo = new Vector<double>(lo); var vHi = new Vector<double>(hi);
        var scale = new Vector<double>(TwoPowMinus53);
        var src = MemoryMarshal.Cast<ulong, Vector<ulong>>(bits);
        var dst = MemoryMarshal.Cast<double, Vector<double>>(output);
        for (int i = 0; i < src.Length; i++)
            dst[i] = Clamp(vLow + vSpan * (Vector.ConvertToDouble(src[i]) * scale), vLo, vHi);
    }
}

/// <summary>Normal float64 by Box–Muller: U_j and U_{j+16} of a 64-word group give elements j (cosine) and j + 16 (sine), j &lt; 16.</summary>
/// <remarks>u₁ = U_j·2⁻⁵³ + 2⁻⁵⁴ ∈ (0, 1) (radius at most √(108 ln 2) ≈ 8.65); the angle 2π·U_{j+4}/2⁵³, reduced exactly in integers.</remarks>
internal sealed class NormalDoubleKernel(double mean, double stdDev) : DoubleKernel
{
    private const double TwoPowMinus53 = 1.1102230246251565404236316680908203125E-16;
    private const double TwoPowMinus54 = 5.5511151231257827021181583404541015625E-17;
    private const double TwoPowMinus51 = 4.44089209850062616169452667236328125E-16;

    public override void Scalar(ReadOnlySpan<uint> words, Span<double> output)
    {
        for (int g = 0; g < words.Length / 64; g++)
        {
            var w = words[(64 * g)..];
            for (int j = 0; j < 16; j++)
            {
                var (z0, z1) = Pair(Bits53(w, j), Bits53(w[32..], j));
                output[32 * g + j] = mean + stdDev * z0;
                output[32 * g + j + 16] = mean + stdDev * z1;
            }
        }
    }

    internal static (double Cos, double Sin) Pair(ulong ua, ulong ub)
    {
        double u1 = (double)ua * TwoPowMinus53 + TwoPowMinus54;
        double r = Math.Sqrt(-2.0 * DeterministicMath.Log(u1));
        long q = (long)((ub + (1UL << 50)) >> 51);
        long fi = (long)ub - (q << 51);
        double x = (double)fi * TwoPowMinus51 * SamplingMath.HalfPi;
        var (s, c) = SamplingMath.SinCos(x);
        bool swap = (q & 1) != 0;
        double a = swap ? s : c, b = swap ? c : s;
        if (((q + 1) & 2) != 0) a = -a;
        if ((q & 2) != 0) b = -b;
        return (r * a, r * b);
    }

    public override void Vectorized(ReadOnlySpan<uint> words, Span<double> output)
    {
        if (!VectorUsable) { Scalar(words, output); return; }
        Span<ulong> bits = stackalloc ulong[words.Length / 2];
        Bits53(words, bits);
        int n = Vector<ulong>.Count;
        var vMean = new Vector<double>(mean); var vStd = new Vector<double>(stdDev);
        var one = new Vector<long>(1); var two = new Vector<long>(2);
        var signBit = new Vector<long>(long.MinValue);
        for (int g = 0; g < bits.Length; g += 32)
        {
            for (int j = 0; j < 16; j += n)
            {
                var ua = new Vector<ulong>(bits[(g + j)..]);
                var ub = new Vector<ulong>(bits[(g + j + 16)..]);
                var u1 = Vector.ConvertToDouble(ua) * new Vector<double>(TwoPowMinus53) + new Vector<double>(TwoPowMinus54);
                var r = Vector.SquareRoot(new Vector<double>(-2.0) * SamplingMath.Log(u1));
                var q = Vector.AsVectorInt64((ub + new Vector<ulong>(1UL << 50)) >> 51);
                var fi = Vector.AsVectorInt64(ub) - (q << 51);
                var x = Vector.ConvertToDouble(fi) * new Vector<double>(TwoPowMinus51) * new Vector<double>(SamplingMath.HalfPi);
                var (s, c) = SamplingMath.SinCos(x);
                var swap = Vector.Equals(q & one, one);
                var a = Vector.ConditionalSelect(swap, s, c);
                var b = Vector.ConditionalSelect(swap, c, s);
                var negA = Vector.Equals((q + one) & two, two) & signBit;
                var negB = Vector.Equals(q & two, two) & signBit;
                a = Vector.AsVectorDouble(Vector.AsVectorInt64(a) ^ negA);
                b = Vector.AsVectorDouble(Vector.AsVectorInt64(b) ^ negB);
                (vMean + vStd * (r * a)).CopyTo(output[(g + j)..]);
                (vMean + vStd * (r * b)).CopyTo(output[(g + j + 16)..]);
            }
        }
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
        if (!VectorUsable) { Scalar(words, output); return; }
        Span<ulong> bits = stackalloc ulong[words.Length / 2];
        Bits53(words, bits);
        int n = Vector<ulong>.Count;
        var vMean = new Vector<double>(mean); var vStd = new Vector<double>(stdDev);
        var vLo = new Vector<double>(lo); var vHi = new Vector<double>(hi);
        for (int i = 0; i < bits.Length; i += n)
        {
            var u = Vector.ConvertToDouble(new Vector<ulong>(bits[i..]) | Vector<ulong>.One) * new Vector<double>(TwoPowMinus53);
            if (!plan.TryStandard(u, out var z))
            {
                for (int l = 0; l < n; l++)
                    output[i + l] = Clamp(mean + stdDev * plan.Standard((double)(bits[i + l] | 1) * TwoPowMinus53), lo, hi);
                continue;
            }
            Clamp(vMean + vStd * z, vLo, vHi).CopyTo(output[i..]);
        }
    }
}
