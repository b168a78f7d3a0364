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

    /// <summary>The vector path; must equal <see cref="Scalar"/> bit for bit. Runs <see cref="Run{TL}"/> at the widest float width there is.</summary>
    public virtual void Vectorized(ReadOnlySpan<uint> words, Span<float> output)
    {
        switch (FloatWidth.Lanes)
        {
            case 16: Run<F512>(words, output); break;
            case 8: Run<F256>(words, output); break;
            case 4: Run<F128>(words, output); break;
            default: Scalar(words, output); break;
        }
    }

    /// <summary>The vector path on one width (a generic virtual call once per batch of words).</summary>
    protected virtual void Run<TL>(ReadOnlySpan<uint> words, Span<float> output) where TL : struct, IFloatLanes<TL> => Scalar(words, output);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static float Clamp(float x, float lo, float hi) => x < lo ? lo : (x > hi ? hi : x);
}

/// <summary>Turns random words into float64 values: each 32-word half-group gives 16 values from U_j = (w_j · 2²¹) | (w_{j+16} ≫ 11), a 53-bit integer.</summary>
internal abstract class DoubleKernel
{
    /// <summary>The scalar reference over whole groups (16 words, 8 outputs each).</summary>
    public abstract void Scalar(ReadOnlySpan<uint> words, Span<double> output);

    /// <summary>The vector path; must equal <see cref="Scalar"/> bit for bit. Runs <see cref="Run{TL}"/> at the widest double width there is.</summary>
    public virtual void Vectorized(ReadOnlySpan<uint> words, Span<double> output)
    {
        switch (DoubleWidth.Lanes)
        {
            case 8: Run<D512>(words, output); break;
            case 4: Run<D256>(words, output); break;
            case 2: Run<D128>(words, output); break;
            default: Scalar(words, output); break;
        }
    }

    /// <summary>The vector path on one width (a generic virtual call once per batch of words).</summary>
    protected virtual void Run<TL>(ReadOnlySpan<uint> words, Span<double> output) where TL : struct, IDoubleLanes<TL> => Scalar(words, output);

    /// <summary>The 53-bit integer U_j of element j of the half-group starting at <paramref name="words"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static ulong Bits53(ReadOnlySpan<uint> words, int j) => ((ulong)words[j] << 21) | (words[j + 16] >> 11);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static double Clamp(double x, double lo, double hi) => x < lo ? lo : (x > hi ? hi : x);
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

    protected override void Run<TL>(ReadOnlySpan<uint> words, Span<float> output)
    {
        ref uint w = ref MemoryMarshal.GetReference(words);
        ref float o = ref MemoryMarshal.GetReference(output);
        TL vLow = TL.Create(low), vSpan = TL.Create(span), vLo = TL.Create(lo), vHi = TL.Create(hi), scale = TL.Create(TwoPowMinus24);
        for (nuint i = 0; i < (nuint)words.Length; i += (nuint)TL.Count)
            TL.Store(Lanes.Clamp(vLow + vSpan * (TL.Words(ref w, i, 8) * scale), vLo, vHi), ref o, i);
    }
}

/// <summary>Normal float32 by Box–Muller: words (w_j, w_{j+16}) of each 32-word half-group give elements j (cosine) and j + 16 (sine), j &lt; 16.</summary>
/// <remarks>
/// u₁ = float(w_j ≫ 1)·2⁻³¹ + 2⁻³² ∈ (0, 1], so the radius √(−2 ln u₁) is at most √(64 ln 2) ≈ 6.66.
/// The angle is 2π·k/2²⁴ with k = w_{j+16} ≫ 8, reduced exactly to a quadrant q and f ∈ [−½, ½),
/// so sin and cos are only evaluated on [−π/4, π/4].
/// </remarks>
internal sealed class NormalSingleKernel(float mean, float stdDev) : SingleKernel
{
    private const float TwoPowMinus31 = 4.656612873077392578125E-10f;
    private const float TwoPowMinus32 = 2.3283064365386962890625E-10f;
    private const float TwoPowMinus22 = 2.384185791015625E-7f;
    private const float TwoPow21 = 2097152f;
    private const float TwoPow22 = 4194304f;

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

    // Pair on lanes. The quadrant arithmetic is done in floats, exactly: k < 2²⁴ is exact, q = ⌊(k + 2²¹)/2²²⌋ ∈ {0, …, 4}
    // (rounding k + 2²¹ above 2²⁴ cannot cross a multiple of 2²²), and k − q·2²² is the exact integer f.
    protected override void Run<TL>(ReadOnlySpan<uint> words, Span<float> output)
    {
        ref uint w = ref MemoryMarshal.GetReference(words);
        ref float o = ref MemoryMarshal.GetReference(output);
        TL vMean = TL.Create(mean), vStd = TL.Create(stdDev);
        TL one = TL.Create(1f), two = TL.Create(2f), three = TL.Create(3f);
        for (nuint g = 0; g < (nuint)words.Length; g += 32)
        {
            for (nuint j = 0; j < 16; j += (nuint)TL.Count)
            {
                var u1 = TL.Words(ref w, g + j, 1) * TL.Create(TwoPowMinus31) + TL.Create(TwoPowMinus32);
                var r = TL.Sqrt(TL.Create(-2f) * SamplingMath.LogF(u1));
                var k = TL.Words(ref w, g + j + 16, 8);
                var q = TL.Floor((k + TL.Create(TwoPow21)) * TL.Create(TwoPowMinus22));
                var x = (k - q * TL.Create(TwoPow22)) * TL.Create(TwoPowMinus22) * TL.Create(SamplingMath.HalfPiF);
                var (s, c) = SamplingMath.SinCosF(x);
                var q1 = TL.Equal(q, one); var q2 = TL.Equal(q, two); var q3 = TL.Equal(q, three);
                var swap = q1 | q3;
                var a = TL.Select(swap, s, c);
                var b = TL.Select(swap, c, s);
                a = TL.Select(q1 | q2, -a, a);
                b = TL.Select(q2 | q3, -b, b);
                TL.Store(vMean + vStd * (r * a), ref o, g + j);
                TL.Store(vMean + vStd * (r * b), ref o, g + j + 16);
            }
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

    protected override void Run<TL>(ReadOnlySpan<uint> words, Span<double> output)
    {
        ref uint w = ref MemoryMarshal.GetReference(words);
        ref double o = ref MemoryMarshal.GetReference(output);
        TL vLow = TL.Create(low), vSpan = TL.Create(span), vLo = TL.Create(lo), vHi = TL.Create(hi), scale = TL.Create(TwoPowMinus53);
        for (int e = 0; e < output.Length; e += TL.Count)
        {
            TL.Store(Lanes.Clamp(vLow + vSpan * (DoubleLanes.Bits53<TL>(ref w, e, 0) * scale), vLo, vHi), ref o, (nuint)e);
        }
    }
}

/// <summary>Normal float64 by Box–Muller: U_j and U_{j+16} of a 64-word group give elements j (cosine) and j + 16 (sine), j &lt; 16.</summary>
/// <remarks>u₁ = U_j·2⁻⁵³ + 2⁻⁵⁴ ∈ (0, 1) (radius at most √(108 ln 2) ≈ 8.65); the angle 2π·U_{j+4}/2⁵³, reduced exactly to a quadrant q and f ∈ [−½, ½).</remarks>
internal sealed class NormalDoubleKernel(double mean, double stdDev) : DoubleKernel
{
    private const double TwoPowMinus53 = 1.1102230246251565404236316680908203125E-16;
    private const double TwoPowMinus54 = 5.5511151231257827021181583404541015625E-17;
    private const double TwoPowMinus51 = 4.44089209850062616169452667236328125E-16;
    private const double TwoPow50 = 1125899906842624.0;
    private const double TwoPow51 = 2251799813685248.0;

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

    // Pair on lanes. The quadrant arithmetic is done in doubles, exactly: U < 2⁵³ is exact, q = ⌊(U + 2⁵⁰)/2⁵¹⌋ ∈ {0, …, 4}
    // (rounding U + 2⁵⁰ above 2⁵³ cannot cross a multiple of 2⁵¹), and U − q·2⁵¹ is the exact integer f.
    protected override void Run<TL>(ReadOnlySpan<uint> words, Span<double> output)
    {
        ref uint w = ref MemoryMarshal.GetReference(words);
        ref double o = ref MemoryMarshal.GetReference(output);
        TL vMean = TL.Create(mean), vStd = TL.Create(stdDev);
        TL one = TL.Create(1.0), two = TL.Create(2.0), three = TL.Create(3.0);
        for (int g = 0; g < output.Length; g += 32)
        {
            for (int j = 0; j < 16; j += TL.Count)
            {
                var ua = DoubleLanes.Bits53<TL>(ref w, g + j, 0);
                var ub = DoubleLanes.Bits53<TL>(ref w, g + 16 + j, 0);
                var u1 = ua * TL.Create(TwoPowMinus53) + TL.Create(TwoPowMinus54);
                var r = TL.Sqrt(TL.Create(-2.0) * SamplingMath.Log(u1));
                var q = TL.Floor((ub + TL.Create(TwoPow50)) * TL.Create(TwoPowMinus51));
                var x = (ub - q * TL.Create(TwoPow51)) * TL.Create(TwoPowMinus51) * TL.Create(SamplingMath.HalfPi);
                var (s, c) = SamplingMath.SinCos(x);
                var q1 = TL.Equal(q, one); var q2 = TL.Equal(q, two); var q3 = TL.Equal(q, three);
                var swap = q1 | q3;
                var a = TL.Select(swap, s, c);
                var b = TL.Select(swap, c, s);
                a = TL.Select(q1 | q2, -a, a);
                b = TL.Select(q2 | q3, -b, b);
                TL.Store(vMean + vStd * (r * a), ref o, (nuint)(g + j));
                TL.Store(vMean + vStd * (r * b), ref o, (nuint)(g + j + 16));
            }
        }
    }
}
