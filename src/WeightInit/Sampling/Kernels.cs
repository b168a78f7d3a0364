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
        switch (DoubleWidth.Lanes)
        {
            case 8: Run<D512>(words, output); break;
            case 4: Run<D256>(words, output); break;
            case 2: Run<D128>(words, output); break;
            default: Scalar(words, output); break;
        }
    }

    private void Run<TL>(ReadOnlySpan<uint> words, Span<double> output) where TL : struct, IDoubleLanes<TL>
    {
        ref uint w = ref MemoryMarshal.GetReference(words);
        ref double o = ref MemoryMarshal.GetReference(output);
        TL vLow = TL.Create(low), vSpan = TL.Create(span), vLo = TL.Create(lo), vHi = TL.Create(hi), scale = TL.Create(TwoPowMinus53);
        for (int e = 0; e < output.Length; e += TL.Count)
        {
            var x = vLow + vSpan * (DoubleLanes.Bits53<TL>(ref w, e, 0) * scale);
            x = TL.Select(TL.LessThan(x, vLo), vLo, x);
            TL.Store(TL.Select(TL.GreaterThan(x, vHi), vHi, x), ref o, (nuint)e);
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

    public override void Vectorized(ReadOnlySpan<uint> words, Span<double> output)
    {
        switch (DoubleWidth.Lanes)
        {
            case 8: Run<D512>(words, output); break;
            case 4: Run<D256>(words, output); break;
            case 2: Run<D128>(words, output); break;
            default: Scalar(words, output); break;
        }
    }

    // Pair on lanes. The quadrant arithmetic is done in doubles, exactly: U < 2⁵³ is exact, q = ⌊(U + 2⁵⁰)/2⁵¹⌋ ∈ {0, …, 4}
    // (rounding U + 2⁵⁰ above 2⁵³ cannot cross a multiple of 2⁵¹), and U − q·2⁵¹ is the exact integer f.
    private void Run<TL>(ReadOnlySpan<uint> words, Span<double> output) where TL : struct, IDoubleLanes<TL>
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
