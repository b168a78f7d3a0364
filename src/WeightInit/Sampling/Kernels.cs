using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector512<float> Clamp512(Vector512<float> x, Vector512<float> lo, Vector512<float> hi)
    {
        x = Vector512.ConditionalSelect(Vector512.LessThan(x, lo), lo, x);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(x, hi), hi, x);
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
        if (Vector512.IsHardwareAccelerated) { Vectorized512(words, output); return; }
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

    // The same operations on 512-bit vectors (Vector<T> is 256 bits wide by default even where AVX-512 is available).
    private void Vectorized512(ReadOnlySpan<uint> words, Span<float> output)
    {
        var vLow = Vector512.Create(low); var vSpan = Vector512.Create(span);
        var vLo = Vector512.Create(lo); var vHi = Vector512.Create(hi);
        var scale = Vector512.Create(TwoPowMinus24);
        ref uint w = ref MemoryMarshal.GetReference(words);
        ref float o = ref MemoryMarshal.GetReference(output);
        for (nuint i = 0; i < (nuint)words.Length; i += 16)
        {
            var u = Vector512.ConvertToSingle((Vector512.LoadUnsafe(ref w, i) >> 8).AsInt32()) * scale;
            Clamp512(vLow + vSpan * u, vLo, vHi).StoreUnsafe(ref o, i);
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
        if (Vector512.IsHardwareAccelerated) { Vectorized512(words, output); return; }
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

    // The same operations on 512-bit vectors: one vector is a whole 16-word row of a group, and the two halves of a group
    // go through the logarithm and the sine/cosine side by side.
    private void Vectorized512(ReadOnlySpan<uint> words, Span<float> output)
    {
        ref uint w = ref MemoryMarshal.GetReference(words);
        ref float o = ref MemoryMarshal.GetReference(output);
        nuint g = 0, length = (nuint)words.Length;
        for (; g + 64 <= length; g += 64)
        {
            var (a0, b0) = Pair512(Vector512.LoadUnsafe(ref w, g), Vector512.LoadUnsafe(ref w, g + 16));
            var (a1, b1) = Pair512(Vector512.LoadUnsafe(ref w, g + 32), Vector512.LoadUnsafe(ref w, g + 48));
            a0.StoreUnsafe(ref o, g); b0.StoreUnsafe(ref o, g + 16);
            a1.StoreUnsafe(ref o, g + 32); b1.StoreUnsafe(ref o, g + 48);
        }
        for (; g < length; g += 32)
        {
            var (a, b) = Pair512(Vector512.LoadUnsafe(ref w, g), Vector512.LoadUnsafe(ref w, g + 16));
            a.StoreUnsafe(ref o, g); b.StoreUnsafe(ref o, g + 16);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (Vector512<float> Cos, Vector512<float> Sin) Pair512(Vector512<uint> wa, Vector512<uint> wb)
    {
        var one = Vector512.Create(1); var two = Vector512.Create(2);
        var u1 = Vector512.ConvertToSingle((wa >> 1).AsInt32()) * Vector512.Create(TwoPowMinus31) + Vector512.Create(TwoPowMinus32);
        var r = Vector512.Sqrt(Vector512.Create(-2f) * SamplingMath.LogF(u1));
        var k = (wb >> 8).AsInt32();
        var q = (k + Vector512.Create(1 << 21)) >> 22;
        var fi = k - (q << 22);
        var x = Vector512.ConvertToSingle(fi) * Vector512.Create(TwoPowMinus22) * Vector512.Create(SamplingMath.HalfPiF);
        var (s, c) = SamplingMath.SinCosF(x);
        var swap = Vector512.Equals(q & one, one).AsSingle();
        var a = Vector512.ConditionalSelect(swap, s, c);
        var b = Vector512.ConditionalSelect(swap, c, s);
        var negA = Vector512.Equals((q + one) & two, two) & Vector512.Create(int.MinValue);
        var negB = Vector512.Equals(q & two, two) & Vector512.Create(int.MinValue);
        a = (a.AsInt32() ^ negA).AsSingle();
        b = (b.AsInt32() ^ negB).AsSingle();
        var vMean = Vector512.Create(mean); var vStd = Vector512.Create(stdDev);
        return (vMean + vStd * (r * a), vMean + vStd * (r * b));
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

    /// <summary>The vector form of <see cref="Standard(double)"/> over a batch: <paramref name="z"/>[i] = Standard(<paramref name="u"/>[i]), bit for bit.</summary>
    /// <remarks>
    /// AS 241's central branch (|q| ≤ 0.425) runs vectorized over every lane; lanes outside it leave their argument in
    /// <paramref name="z"/> and their index in a list, and the tail branch (a logarithm, a square root and a second rational
    /// function) then runs vectorized over those lanes only, packed together. With bounds ±2σ about one value in nine takes it.
    /// A tail argument that is not a positive normal double (bounds beyond ±37σ) takes the scalar quantile.
    /// </remarks>
    public void Standard(ReadOnlySpan<double> u, Span<double> z)
    {
        if (Vector512.IsHardwareAccelerated && u.Length % Vector512<double>.Count == 0) { Standard512(u, z); return; }
        if (!Vector.IsHardwareAccelerated || u.Length % Vector<double>.Count != 0)
        {
            for (int e = 0; e < u.Length; e++) z[e] = Standard(u[e]);
            return;
        }
        const int upperFlag = 1 << 30;
        int n = Vector<double>.Count;
        Span<int> tails = stackalloc int[u.Length];
        int m = 0;
        var mass = new Vector<double>(Mass);
        var lowerCdf = new Vector<double>(LowerCdf);
        var upperTail = new Vector<double>(UpperTail);
        var half = new Vector<double>(0.5);
        var split1 = new Vector<double>(SpecialFunctions.As241.Split1);
        var const1 = new Vector<double>(SpecialFunctions.As241.Const1);
        // Four vectors at a time: their Horner chains are independent, so the multiplies of one overlap the latency of the others.
        int block = 4 * n, i = 0;
        for (; i + block <= u.Length; i += block)
        {
            var (a0, c0) = CentralLanes(u[i..], lowerCdf, upperTail, mass, half, const1, out var q0, out var up0);
            var (a1, c1) = CentralLanes(u[(i + n)..], lowerCdf, upperTail, mass, half, const1, out var q1, out var up1);
            var (a2, c2) = CentralLanes(u[(i + 2 * n)..], lowerCdf, upperTail, mass, half, const1, out var q2, out var up2);
            var (a3, c3) = CentralLanes(u[(i + 3 * n)..], lowerCdf, upperTail, mass, half, const1, out var q3, out var up3);
            var rc0 = c0; var rc1 = c1; var rc2 = c2; var rc3 = c3;
            var n0 = new Vector<double>(2.5090809287301226727e3); var n1 = n0; var n2 = n0; var n3 = n0;
            var d0 = new Vector<double>(5.2264952788528545610e3); var d1 = d0; var d2 = d0; var d3 = d0;
            Step(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 3.3430575583588128105e4);
            Step(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 2.8729085735721942674e4);
            Step(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 6.7265770927008700853e4);
            Step(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 3.9307895800092710610e4);
            Step(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 4.5921953931549871457e4);
            Step(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 2.1213794301586595867e4);
            Step(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 1.3731693765509461125e4);
            Step(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 5.3941960214247511077e3);
            Step(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 1.9715909503065514427e3);
            Step(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 6.8718700749205790830e2);
            Step(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 1.3314166789178437745e2);
            Step(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 4.2313330701600911252e1);
            Step(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 3.3871328727963666080e0);
            Step(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 1.0);
            Finish(z, tails, ref m, i, q0 * (n0 / d0), q0, a0, up0, split1);
            Finish(z, tails, ref m, i + n, q1 * (n1 / d1), q1, a1, up1, split1);
            Finish(z, tails, ref m, i + 2 * n, q2 * (n2 / d2), q2, a2, up2, split1);
            Finish(z, tails, ref m, i + 3 * n, q3 * (n3 / d3), q3, a3, up3, split1);
        }
        for (; i < u.Length; i += n)
        {
            var (arg, rc) = CentralLanes(u[i..], lowerCdf, upperTail, mass, half, const1, out var q, out var upper);
            Finish(z, tails, ref m, i, q * (CentralNumerator(rc) / CentralDenominator(rc)), q, arg, upper, split1);
        }
        if (m == 0) return;
        // The tail lanes, packed: gathered, computed two vectors at a time, scattered back.
        int padded = (m + 2 * n - 1) / (2 * n) * (2 * n);
        Span<double> args = stackalloc double[padded];
        Span<double> values = stackalloc double[padded];
        for (int k = 0; k < m; k++) args[k] = z[tails[k] & ~upperFlag];
        args[m..].Fill(0.25); // a harmless argument for the unused lanes
        for (int k = 0; k < padded; k += 2 * n)
        {
            var a0 = new Vector<double>(args[k..]);
            var a1 = new Vector<double>(args[(k + n)..]);
            if (SamplingMath.AllNormalPositive(a0) && SamplingMath.AllNormalPositive(a1))
            {
                var (t0, t1) = TailQuantile(a0, a1);
                t0.CopyTo(values[k..]);
                t1.CopyTo(values[(k + n)..]);
            }
            else
            {
                for (int l = k; l < k + 2 * n; l++) values[l] = SpecialFunctions.NormalQuantile(args[l]);
            }
        }
        for (int k = 0; k < m; k++)
        {
            int e = tails[k];
            z[e & ~upperFlag] = (e & upperFlag) != 0 ? -values[k] : values[k];
        }
    }

    // SpecialFunctions.NormalQuantile for positive normal p outside the central interval, op for op, two vectors at a time.
    // The far-tail function (r > 5, p < 1.4·10⁻¹¹) is evaluated only when some lane needs it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<double>, Vector<double>) TailQuantile(Vector<double> p0, Vector<double> p1)
    {
        var half = new Vector<double>(0.5);
        var q0 = p0 - half; var q1 = p1 - half;
        var neg0 = Vector.LessThan(q0, Vector<double>.Zero); var neg1 = Vector.LessThan(q1, Vector<double>.Zero);
        var r0 = Vector.SquareRoot(-SamplingMath.Log(Vector.ConditionalSelect(neg0, p0, Vector<double>.One - p0)));
        var r1 = Vector.SquareRoot(-SamplingMath.Log(Vector.ConditionalSelect(neg1, p1, Vector<double>.One - p1)));
        var const2 = new Vector<double>(SpecialFunctions.As241.Const2);
        var split2 = new Vector<double>(SpecialFunctions.As241.Split2);
        var near0 = r0 - const2; var near1 = r1 - const2;
        var (c0, c1) = HornerC(near0, near1);
        var (d0, d1) = HornerD(near0, near1);
        var tail0 = c0 / d0; var tail1 = c1 / d1;
        var isNear0 = Vector.LessThanOrEqual(r0, split2); var isNear1 = Vector.LessThanOrEqual(r1, split2);
        if (!Vector.EqualsAll(isNear0 & isNear1, Vector<long>.AllBitsSet))
        {
            var far0 = r0 - split2; var far1 = r1 - split2;
            var (e0, e1) = HornerE(far0, far1);
            var (f0, f1) = HornerF(far0, far1);
            tail0 = Vector.ConditionalSelect(isNear0, tail0, e0 / f0);
            tail1 = Vector.ConditionalSelect(isNear1, tail1, e1 / f1);
        }
        return (Vector.ConditionalSelect(neg0, -tail0, tail0), Vector.ConditionalSelect(neg1, -tail1, tail1));
    }

    // Horner(As241.C, x) for two vectors, the coefficients as constants (the same operations in the same order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<double>, Vector<double>) HornerC(Vector<double> x0, Vector<double> x1)
    {
        var s0 = new Vector<double>(7.74545014278341407640e-4); var s1 = s0;
        s0 = s0 * x0 + new Vector<double>(2.27238449892691845833e-2); s1 = s1 * x1 + new Vector<double>(2.27238449892691845833e-2);
        s0 = s0 * x0 + new Vector<double>(2.41780725177450611770e-1); s1 = s1 * x1 + new Vector<double>(2.41780725177450611770e-1);
        s0 = s0 * x0 + new Vector<double>(1.27045825245236838258e0); s1 = s1 * x1 + new Vector<double>(1.27045825245236838258e0);
        s0 = s0 * x0 + new Vector<double>(3.64784832476320460504e0); s1 = s1 * x1 + new Vector<double>(3.64784832476320460504e0);
        s0 = s0 * x0 + new Vector<double>(5.76949722146069140550e0); s1 = s1 * x1 + new Vector<double>(5.76949722146069140550e0);
        s0 = s0 * x0 + new Vector<double>(4.63033784615654529590e0); s1 = s1 * x1 + new Vector<double>(4.63033784615654529590e0);
        s0 = s0 * x0 + new Vector<double>(1.42343711074968357734e0); s1 = s1 * x1 + new Vector<double>(1.42343711074968357734e0);
        return (s0, s1);
    }

    // Horner(As241.D, x) for two vectors, the coefficients as constants (the same operations in the same order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<double>, Vector<double>) HornerD(Vector<double> x0, Vector<double> x1)
    {
        var s0 = new Vector<double>(1.05075007164441684324e-9); var s1 = s0;
        s0 = s0 * x0 + new Vector<double>(5.47593808499534494600e-4); s1 = s1 * x1 + new Vector<double>(5.47593808499534494600e-4);
        s0 = s0 * x0 + new Vector<double>(1.51986665636164571966e-2); s1 = s1 * x1 + new Vector<double>(1.51986665636164571966e-2);
        s0 = s0 * x0 + new Vector<double>(1.48103976427480074590e-1); s1 = s1 * x1 + new Vector<double>(1.48103976427480074590e-1);
        s0 = s0 * x0 + new Vector<double>(6.89767334985100004550e-1); s1 = s1 * x1 + new Vector<double>(6.89767334985100004550e-1);
        s0 = s0 * x0 + new Vector<double>(1.67638483018380384940e0); s1 = s1 * x1 + new Vector<double>(1.67638483018380384940e0);
        s0 = s0 * x0 + new Vector<double>(2.05319162663775882187e0); s1 = s1 * x1 + new Vector<double>(2.05319162663775882187e0);
        s0 = s0 * x0 + Vector<double>.One; s1 = s1 * x1 + Vector<double>.One;
        return (s0, s1);
    }

    // Horner(As241.E, x) for two vectors, the coefficients as constants (the same operations in the same order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<double>, Vector<double>) HornerE(Vector<double> x0, Vector<double> x1)
    {
        var s0 = new Vector<double>(2.01033439929228813265e-7); var s1 = s0;
        s0 = s0 * x0 + new Vector<double>(2.71155556874348757815e-5); s1 = s1 * x1 + new Vector<double>(2.71155556874348757815e-5);
        s0 = s0 * x0 + new Vector<double>(1.24266094738807843860e-3); s1 = s1 * x1 + new Vector<double>(1.24266094738807843860e-3);
        s0 = s0 * x0 + new Vector<double>(2.65321895265761230930e-2); s1 = s1 * x1 + new Vector<double>(2.65321895265761230930e-2);
        s0 = s0 * x0 + new Vector<double>(2.96560571828504891230e-1); s1 = s1 * x1 + new Vector<double>(2.96560571828504891230e-1);
        s0 = s0 * x0 + new Vector<double>(1.78482653991729133580e0); s1 = s1 * x1 + new Vector<double>(1.78482653991729133580e0);
        s0 = s0 * x0 + new Vector<double>(5.46378491116411436990e0); s1 = s1 * x1 + new Vector<double>(5.46378491116411436990e0);
        s0 = s0 * x0 + new Vector<double>(6.65790464350110377720e0); s1 = s1 * x1 + new Vector<double>(6.65790464350110377720e0);
        return (s0, s1);
    }

    // Horner(As241.F, x) for two vectors, the coefficients as constants (the same operations in the same order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<double>, Vector<double>) HornerF(Vector<double> x0, Vector<double> x1)
    {
        var s0 = new Vector<double>(2.04426310338993978564e-15); var s1 = s0;
        s0 = s0 * x0 + new Vector<double>(1.42151175831644588870e-7); s1 = s1 * x1 + new Vector<double>(1.42151175831644588870e-7);
        s0 = s0 * x0 + new Vector<double>(1.84631831751005468180e-5); s1 = s1 * x1 + new Vector<double>(1.84631831751005468180e-5);
        s0 = s0 * x0 + new Vector<double>(7.86869131145613259100e-4); s1 = s1 * x1 + new Vector<double>(7.86869131145613259100e-4);
        s0 = s0 * x0 + new Vector<double>(1.48753612908506148525e-2); s1 = s1 * x1 + new Vector<double>(1.48753612908506148525e-2);
        s0 = s0 * x0 + new Vector<double>(1.36929880922735805310e-1); s1 = s1 * x1 + new Vector<double>(1.36929880922735805310e-1);
        s0 = s0 * x0 + new Vector<double>(5.99832206555887937690e-1); s1 = s1 * x1 + new Vector<double>(5.99832206555887937690e-1);
        s0 = s0 * x0 + Vector<double>.One; s1 = s1 * x1 + Vector<double>.One;
        return (s0, s1);
    }

    // p = Φ(α) + u·m, t = Q(β) + (1 − u)·m, the argument (p, or t where p > ½), q = argument − ½ and r = 0.180625 − q².
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<double> Arg, Vector<double> Rc) CentralLanes(ReadOnlySpan<double> u, Vector<double> lowerCdf, Vector<double> upperTail,
        Vector<double> mass, Vector<double> half, Vector<double> const1, out Vector<double> q, out Vector<long> upper)
    {
        var uv = new Vector<double>(u);
        var p = lowerCdf + uv * mass;
        var t = upperTail + (Vector<double>.One - uv) * mass;
        upper = Vector.GreaterThan(p, half);
        var arg = Vector.ConditionalSelect(upper, t, p);
        q = arg - half;
        return (arg, const1 - q * q);
    }

    // Stores the central value (negated for upper lanes); lanes outside the central interval keep their argument and are listed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Span<double> z, Span<int> tails, ref int m, int i, Vector<double> central, Vector<double> q, Vector<double> arg,
        Vector<long> upper, Vector<double> split1)
    {
        const int upperFlag = 1 << 30;
        var value = Vector.ConditionalSelect(upper, -central, central);
        var isCentral = Vector.LessThanOrEqual(Vector.Abs(q), split1);
        if (Vector.EqualsAll(isCentral, Vector<long>.AllBitsSet))
        {
            value.CopyTo(z[i..]);
            return;
        }
        Vector.ConditionalSelect(isCentral, value, arg).CopyTo(z[i..]);
        uint outside = ~SignBits(isCentral) & ((1u << Vector<long>.Count) - 1), up = SignBits(upper);
        while (outside != 0)
        {
            int l = BitOperations.TrailingZeroCount(outside);
            outside &= outside - 1;
            tails[m++] = (i + l) | ((up >> l & 1) != 0 ? upperFlag : 0);
        }
    }

    // Bit l set when lane l of the mask is set.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SignBits(Vector<long> mask) => Vector<long>.Count switch
    {
        8 => (uint)mask.AsVector512().ExtractMostSignificantBits(),
        4 => mask.AsVector256().ExtractMostSignificantBits(),
        2 => mask.AsVector128().ExtractMostSignificantBits(),
        _ => SignBitsSlow(mask),
    };

    private static uint SignBitsSlow(Vector<long> mask)
    {
        uint bits = 0;
        for (int l = 0; l < Vector<long>.Count; l++) if (mask[l] != 0) bits |= 1u << l;
        return bits;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(ref Vector<double> s0, ref Vector<double> s1, ref Vector<double> s2, ref Vector<double> s3,
        Vector<double> x0, Vector<double> x1, Vector<double> x2, Vector<double> x3, double c)
    {
        var vc = new Vector<double>(c);
        s0 = s0 * x0 + vc; s1 = s1 * x1 + vc; s2 = s2 * x2 + vc; s3 = s3 * x3 + vc;
    }

    // Horner(As241.A, x) and Horner(As241.B, x) with the coefficients as constants (the same operations in the same order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> CentralNumerator(Vector<double> x)
    {
        var s = new Vector<double>(2.5090809287301226727e3);
        s = s * x + new Vector<double>(3.3430575583588128105e4);
        s = s * x + new Vector<double>(6.7265770927008700853e4);
        s = s * x + new Vector<double>(4.5921953931549871457e4);
        s = s * x + new Vector<double>(1.3731693765509461125e4);
        s = s * x + new Vector<double>(1.9715909503065514427e3);
        s = s * x + new Vector<double>(1.3314166789178437745e2);
        return s * x + new Vector<double>(3.3871328727963666080e0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> CentralDenominator(Vector<double> x)
    {
        var s = new Vector<double>(5.2264952788528545610e3);
        s = s * x + new Vector<double>(2.8729085735721942674e4);
        s = s * x + new Vector<double>(3.9307895800092710610e4);
        s = s * x + new Vector<double>(2.1213794301586595867e4);
        s = s * x + new Vector<double>(5.3941960214247511077e3);
        s = s * x + new Vector<double>(6.8718700749205790830e2);
        s = s * x + new Vector<double>(4.2313330701600911252e1);
        return s * x + Vector<double>.One;
    }
    // Standard(u, z) on 512-bit vectors: the same operations in the same order (Vector<T> is 256 bits wide by default).
    private void Standard512(ReadOnlySpan<double> u, Span<double> z)
    {
        const int upperFlag = 1 << 30;
        int n = Vector512<double>.Count;
        Span<int> tails = stackalloc int[u.Length];
        int m = 0;
        var mass = Vector512.Create(Mass);
        var lowerCdf = Vector512.Create(LowerCdf);
        var upperTail = Vector512.Create(UpperTail);
        var half = Vector512.Create(0.5);
        var split1 = Vector512.Create(SpecialFunctions.As241.Split1);
        var const1 = Vector512.Create(SpecialFunctions.As241.Const1);
        // Four vectors at a time: their Horner chains are independent, so the multiplies of one overlap the latency of the others.
        int block = 4 * n, i = 0;
        for (; i + block <= u.Length; i += block)
        {
            var (a0, c0) = CentralLanes512(u[i..], lowerCdf, upperTail, mass, half, const1, out var q0, out var up0);
            var (a1, c1) = CentralLanes512(u[(i + n)..], lowerCdf, upperTail, mass, half, const1, out var q1, out var up1);
            var (a2, c2) = CentralLanes512(u[(i + 2 * n)..], lowerCdf, upperTail, mass, half, const1, out var q2, out var up2);
            var (a3, c3) = CentralLanes512(u[(i + 3 * n)..], lowerCdf, upperTail, mass, half, const1, out var q3, out var up3);
            var rc0 = c0; var rc1 = c1; var rc2 = c2; var rc3 = c3;
            var n0 = Vector512.Create(2.5090809287301226727e3); var n1 = n0; var n2 = n0; var n3 = n0;
            var d0 = Vector512.Create(5.2264952788528545610e3); var d1 = d0; var d2 = d0; var d3 = d0;
            Step512(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 3.3430575583588128105e4);
            Step512(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 2.8729085735721942674e4);
            Step512(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 6.7265770927008700853e4);
            Step512(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 3.9307895800092710610e4);
            Step512(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 4.5921953931549871457e4);
            Step512(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 2.1213794301586595867e4);
            Step512(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 1.3731693765509461125e4);
            Step512(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 5.3941960214247511077e3);
            Step512(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 1.9715909503065514427e3);
            Step512(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 6.8718700749205790830e2);
            Step512(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 1.3314166789178437745e2);
            Step512(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 4.2313330701600911252e1);
            Step512(ref n0, ref n1, ref n2, ref n3, rc0, rc1, rc2, rc3, 3.3871328727963666080e0);
            Step512(ref d0, ref d1, ref d2, ref d3, rc0, rc1, rc2, rc3, 1.0);
            Finish512(z, tails, ref m, i, q0 * (n0 / d0), q0, a0, up0, split1);
            Finish512(z, tails, ref m, i + n, q1 * (n1 / d1), q1, a1, up1, split1);
            Finish512(z, tails, ref m, i + 2 * n, q2 * (n2 / d2), q2, a2, up2, split1);
            Finish512(z, tails, ref m, i + 3 * n, q3 * (n3 / d3), q3, a3, up3, split1);
        }
        for (; i < u.Length; i += n)
        {
            var (arg, rc) = CentralLanes512(u[i..], lowerCdf, upperTail, mass, half, const1, out var q, out var upper);
            Finish512(z, tails, ref m, i, q * (CentralNumerator512(rc) / CentralDenominator512(rc)), q, arg, upper, split1);
        }
        if (m == 0) return;
        // The tail lanes, packed: gathered, computed two vectors at a time, scattered back.
        int padded = (m + 2 * n - 1) / (2 * n) * (2 * n);
        Span<double> args = stackalloc double[padded];
        Span<double> values = stackalloc double[padded];
        for (int k = 0; k < m; k++) args[k] = z[tails[k] & ~upperFlag];
        args[m..].Fill(0.25); // a harmless argument for the unused lanes
        for (int k = 0; k < padded; k += 2 * n)
        {
            var a0 = Vector512.Create((ReadOnlySpan<double>)args[k..]);
            var a1 = Vector512.Create((ReadOnlySpan<double>)args[(k + n)..]);
            if (SamplingMath.AllNormalPositive512(a0) && SamplingMath.AllNormalPositive512(a1))
            {
                var (t0, t1) = TailQuantile512(a0, a1);
                t0.CopyTo(values[k..]);
                t1.CopyTo(values[(k + n)..]);
            }
            else
            {
                for (int l = k; l < k + 2 * n; l++) values[l] = SpecialFunctions.NormalQuantile(args[l]);
            }
        }
        for (int k = 0; k < m; k++)
        {
            int e = tails[k];
            z[e & ~upperFlag] = (e & upperFlag) != 0 ? -values[k] : values[k];
        }
    }

    // SpecialFunctions.NormalQuantile for positive normal p outside the central interval, op for op, two vectors at a time.
    // The far-tail function (r > 5, p < 1.4·10⁻¹¹) is evaluated only when some lane needs it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double>, Vector512<double>) TailQuantile512(Vector512<double> p0, Vector512<double> p1)
    {
        var half = Vector512.Create(0.5);
        var q0 = p0 - half; var q1 = p1 - half;
        var neg0 = Vector512.LessThan(q0, Vector512<double>.Zero); var neg1 = Vector512.LessThan(q1, Vector512<double>.Zero);
        var r0 = Vector512.Sqrt(-SamplingMath.Log512(Vector512.ConditionalSelect(neg0, p0, Vector512<double>.One - p0)));
        var r1 = Vector512.Sqrt(-SamplingMath.Log512(Vector512.ConditionalSelect(neg1, p1, Vector512<double>.One - p1)));
        var const2 = Vector512.Create(SpecialFunctions.As241.Const2);
        var split2 = Vector512.Create(SpecialFunctions.As241.Split2);
        var near0 = r0 - const2; var near1 = r1 - const2;
        var (c0, c1) = HornerC512(near0, near1);
        var (d0, d1) = HornerD512(near0, near1);
        var tail0 = c0 / d0; var tail1 = c1 / d1;
        var isNear0 = Vector512.LessThanOrEqual(r0, split2); var isNear1 = Vector512.LessThanOrEqual(r1, split2);
        if (!Vector512.EqualsAll((isNear0 & isNear1).AsInt64(), Vector512<long>.AllBitsSet))
        {
            var far0 = r0 - split2; var far1 = r1 - split2;
            var (e0, e1) = HornerE512(far0, far1);
            var (f0, f1) = HornerF512(far0, far1);
            tail0 = Vector512.ConditionalSelect(isNear0, tail0, e0 / f0);
            tail1 = Vector512.ConditionalSelect(isNear1, tail1, e1 / f1);
        }
        return (Vector512.ConditionalSelect(neg0, -tail0, tail0), Vector512.ConditionalSelect(neg1, -tail1, tail1));
    }

    // Horner(As241.C, x) for two vectors, the coefficients as constants (the same operations in the same order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double>, Vector512<double>) HornerC512(Vector512<double> x0, Vector512<double> x1)
    {
        var s0 = Vector512.Create(7.74545014278341407640e-4); var s1 = s0;
        s0 = s0 * x0 + Vector512.Create(2.27238449892691845833e-2); s1 = s1 * x1 + Vector512.Create(2.27238449892691845833e-2);
        s0 = s0 * x0 + Vector512.Create(2.41780725177450611770e-1); s1 = s1 * x1 + Vector512.Create(2.41780725177450611770e-1);
        s0 = s0 * x0 + Vector512.Create(1.27045825245236838258e0); s1 = s1 * x1 + Vector512.Create(1.27045825245236838258e0);
        s0 = s0 * x0 + Vector512.Create(3.64784832476320460504e0); s1 = s1 * x1 + Vector512.Create(3.64784832476320460504e0);
        s0 = s0 * x0 + Vector512.Create(5.76949722146069140550e0); s1 = s1 * x1 + Vector512.Create(5.76949722146069140550e0);
        s0 = s0 * x0 + Vector512.Create(4.63033784615654529590e0); s1 = s1 * x1 + Vector512.Create(4.63033784615654529590e0);
        s0 = s0 * x0 + Vector512.Create(1.42343711074968357734e0); s1 = s1 * x1 + Vector512.Create(1.42343711074968357734e0);
        return (s0, s1);
    }

    // Horner(As241.D, x) for two vectors, the coefficients as constants (the same operations in the same order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double>, Vector512<double>) HornerD512(Vector512<double> x0, Vector512<double> x1)
    {
        var s0 = Vector512.Create(1.05075007164441684324e-9); var s1 = s0;
        s0 = s0 * x0 + Vector512.Create(5.47593808499534494600e-4); s1 = s1 * x1 + Vector512.Create(5.47593808499534494600e-4);
        s0 = s0 * x0 + Vector512.Create(1.51986665636164571966e-2); s1 = s1 * x1 + Vector512.Create(1.51986665636164571966e-2);
        s0 = s0 * x0 + Vector512.Create(1.48103976427480074590e-1); s1 = s1 * x1 + Vector512.Create(1.48103976427480074590e-1);
        s0 = s0 * x0 + Vector512.Create(6.89767334985100004550e-1); s1 = s1 * x1 + Vector512.Create(6.89767334985100004550e-1);
        s0 = s0 * x0 + Vector512.Create(1.67638483018380384940e0); s1 = s1 * x1 + Vector512.Create(1.67638483018380384940e0);
        s0 = s0 * x0 + Vector512.Create(2.05319162663775882187e0); s1 = s1 * x1 + Vector512.Create(2.05319162663775882187e0);
        s0 = s0 * x0 + Vector512<double>.One; s1 = s1 * x1 + Vector512<double>.One;
        return (s0, s1);
    }

    // Horner(As241.E, x) for two vectors, the coefficients as constants (the same operations in the same order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double>, Vector512<double>) HornerE512(Vector512<double> x0, Vector512<double> x1)
    {
        var s0 = Vector512.Create(2.01033439929228813265e-7); var s1 = s0;
        s0 = s0 * x0 + Vector512.Create(2.71155556874348757815e-5); s1 = s1 * x1 + Vector512.Create(2.71155556874348757815e-5);
        s0 = s0 * x0 + Vector512.Create(1.24266094738807843860e-3); s1 = s1 * x1 + Vector512.Create(1.24266094738807843860e-3);
        s0 = s0 * x0 + Vector512.Create(2.65321895265761230930e-2); s1 = s1 * x1 + Vector512.Create(2.65321895265761230930e-2);
        s0 = s0 * x0 + Vector512.Create(2.96560571828504891230e-1); s1 = s1 * x1 + Vector512.Create(2.96560571828504891230e-1);
        s0 = s0 * x0 + Vector512.Create(1.78482653991729133580e0); s1 = s1 * x1 + Vector512.Create(1.78482653991729133580e0);
        s0 = s0 * x0 + Vector512.Create(5.46378491116411436990e0); s1 = s1 * x1 + Vector512.Create(5.46378491116411436990e0);
        s0 = s0 * x0 + Vector512.Create(6.65790464350110377720e0); s1 = s1 * x1 + Vector512.Create(6.65790464350110377720e0);
        return (s0, s1);
    }

    // Horner(As241.F, x) for two vectors, the coefficients as constants (the same operations in the same order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double>, Vector512<double>) HornerF512(Vector512<double> x0, Vector512<double> x1)
    {
        var s0 = Vector512.Create(2.04426310338993978564e-15); var s1 = s0;
        s0 = s0 * x0 + Vector512.Create(1.42151175831644588870e-7); s1 = s1 * x1 + Vector512.Create(1.42151175831644588870e-7);
        s0 = s0 * x0 + Vector512.Create(1.84631831751005468180e-5); s1 = s1 * x1 + Vector512.Create(1.84631831751005468180e-5);
        s0 = s0 * x0 + Vector512.Create(7.86869131145613259100e-4); s1 = s1 * x1 + Vector512.Create(7.86869131145613259100e-4);
        s0 = s0 * x0 + Vector512.Create(1.48753612908506148525e-2); s1 = s1 * x1 + Vector512.Create(1.48753612908506148525e-2);
        s0 = s0 * x0 + Vector512.Create(1.36929880922735805310e-1); s1 = s1 * x1 + Vector512.Create(1.36929880922735805310e-1);
        s0 = s0 * x0 + Vector512.Create(5.99832206555887937690e-1); s1 = s1 * x1 + Vector512.Create(5.99832206555887937690e-1);
        s0 = s0 * x0 + Vector512<double>.One; s1 = s1 * x1 + Vector512<double>.One;
        return (s0, s1);
    }

    // p = Φ(α) + u·m, t = Q(β) + (1 − u)·m, the argument (p, or t where p > ½), q = argument − ½ and r = 0.180625 − q².
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double> Arg, Vector512<double> Rc) CentralLanes512(ReadOnlySpan<double> u, Vector512<double> lowerCdf, Vector512<double> upperTail,
        Vector512<double> mass, Vector512<double> half, Vector512<double> const1, out Vector512<double> q, out Vector512<double> upper)
    {
        var uv = Vector512.Create(u);
        var p = lowerCdf + uv * mass;
        var t = upperTail + (Vector512<double>.One - uv) * mass;
        upper = Vector512.GreaterThan(p, half);
        var arg = Vector512.ConditionalSelect(upper, t, p);
        q = arg - half;
        return (arg, const1 - q * q);
    }

    // Stores the central value (negated for upper lanes); lanes outside the central interval keep their argument and are listed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish512(Span<double> z, Span<int> tails, ref int m, int i, Vector512<double> central, Vector512<double> q, Vector512<double> arg,
        Vector512<double> upper, Vector512<double> split1)
    {
        const int upperFlag = 1 << 30;
        var value = Vector512.ConditionalSelect(upper, -central, central);
        var isCentral = Vector512.LessThanOrEqual(Vector512.Abs(q), split1);
        if (Vector512.EqualsAll(isCentral.AsInt64(), Vector512<long>.AllBitsSet))
        {
            value.CopyTo(z[i..]);
            return;
        }
        Vector512.ConditionalSelect(isCentral, value, arg).CopyTo(z[i..]);
        uint outside = ~SignBits512(isCentral) & ((1u << Vector512<double>.Count) - 1), up = SignBits512(upper);
        while (outside != 0)
        {
            int l = BitOperations.TrailingZeroCount(outside);
            outside &= outside - 1;
            tails[m++] = (i + l) | ((up >> l & 1) != 0 ? upperFlag : 0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step512(ref Vector512<double> s0, ref Vector512<double> s1, ref Vector512<double> s2, ref Vector512<double> s3,
        Vector512<double> x0, Vector512<double> x1, Vector512<double> x2, Vector512<double> x3, double c)
    {
        var vc = Vector512.Create(c);
        s0 = s0 * x0 + vc; s1 = s1 * x1 + vc; s2 = s2 * x2 + vc; s3 = s3 * x3 + vc;
    }

    // Horner(As241.A, x) and Horner(As241.B, x) with the coefficients as constants (the same operations in the same order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> CentralNumerator512(Vector512<double> x)
    {
        var s = Vector512.Create(2.5090809287301226727e3);
        s = s * x + Vector512.Create(3.3430575583588128105e4);
        s = s * x + Vector512.Create(6.7265770927008700853e4);
        s = s * x + Vector512.Create(4.5921953931549871457e4);
        s = s * x + Vector512.Create(1.3731693765509461125e4);
        s = s * x + Vector512.Create(1.9715909503065514427e3);
        s = s * x + Vector512.Create(1.3314166789178437745e2);
        return s * x + Vector512.Create(3.3871328727963666080e0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> CentralDenominator512(Vector512<double> x)
    {
        var s = Vector512.Create(5.2264952788528545610e3);
        s = s * x + Vector512.Create(2.8729085735721942674e4);
        s = s * x + Vector512.Create(3.9307895800092710610e4);
        s = s * x + Vector512.Create(2.1213794301586595867e4);
        s = s * x + Vector512.Create(5.3941960214247511077e3);
        s = s * x + Vector512.Create(6.8718700749205790830e2);
        s = s * x + Vector512.Create(4.2313330701600911252e1);
        return s * x + Vector512<double>.One;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SignBits512(Vector512<double> mask) => (uint)mask.ExtractMostSignificantBits();

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
        int n = Vector<uint>.Count, h = Vector<double>.Count;
        Span<double> u = stackalloc double[words.Length];
        Span<double> z = stackalloc double[words.Length];
        var scale = new Vector<double>(TwoPowMinus33);
        for (int i = 0; i < words.Length; i += n)
        {
            Vector.Widen(new Vector<uint>(words[i..]), out var w0, out var w1);
            (Vector.ConvertToDouble((w0 << 1) | Vector<ulong>.One) * scale).CopyTo(u[i..]);
            (Vector.ConvertToDouble((w1 << 1) | Vector<ulong>.One) * scale).CopyTo(u[(i + h)..]);
        }
        plan.Standard(u, z);
        var vMean = new Vector<double>(mean); var vStd = new Vector<double>(stdDev);
        var vLo = new Vector<float>(lo); var vHi = new Vector<float>(hi);
        for (int i = 0; i < words.Length; i += n)
        {
            var x = Vector.Narrow(vMean + vStd * new Vector<double>(z[i..]), vMean + vStd * new Vector<double>(z[(i + h)..]));
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
        Span<double> u = stackalloc double[bits.Length];
        for (int i = 0; i < bits.Length; i += n)
            (Vector.ConvertToDouble(new Vector<ulong>(bits[i..]) | Vector<ulong>.One) * new Vector<double>(TwoPowMinus53)).CopyTo(u[i..]);
        plan.Standard(u, output);
        var vMean = new Vector<double>(mean); var vStd = new Vector<double>(stdDev);
        var vLo = new Vector<double>(lo); var vHi = new Vector<double>(hi);
        for (int i = 0; i < output.Length; i += n)
            Clamp(vMean + vStd * new Vector<double>(output[i..]), vLo, vHi).CopyTo(output[i..]);
    }
}
