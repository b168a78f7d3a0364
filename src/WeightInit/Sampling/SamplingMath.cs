using System.Runtime.CompilerServices;
using WeightInit.Numerics;

namespace WeightInit.Sampling;

/// <summary>
/// The elementary functions the samplers need, each written twice — scalar, and once for every vector width through <see cref="IFloatLanes{TSelf}"/> / <see cref="IDoubleLanes{TSelf}"/> — with the same
/// IEEE operations in the same order, so that both give the same bits. No C library call and no fused multiply–add
/// (the JIT never contracts a*b+c), hence the same bits on every machine.
/// </summary>
internal static class SamplingMath
{
    // Cephes logf (S. L. Moshier), valid for positive normal floats.
    private const float SqrtHalfF = 0.707106781186547524f;
    private const float LogP0 = 7.0376836292E-2f, LogP1 = -1.1514610310E-1f, LogP2 = 1.1676998740E-1f, LogP3 = -1.2420140846E-1f,
        LogP4 = 1.4249322787E-1f, LogP5 = -1.6668057665E-1f, LogP6 = 2.0000714765E-1f, LogP7 = -2.4999993993E-1f, LogP8 = 3.3333331174E-1f;
    private const float Ln2LoF = -2.12194440e-4f, Ln2HiF = 0.693359375f;

    // Cephes sinf/cosf polynomials on [−π/4, π/4].
    private const float SinF1 = -1.6666654611E-1f, SinF2 = 8.3321608736E-3f, SinF3 = -1.9515295891E-4f;
    private const float CosF1 = 4.166664568298827E-2f, CosF2 = -1.388731625493765E-3f, CosF3 = 2.443315711809948E-5f;

    // FreeBSD msun k_sin.c / k_cos.c (fdlibm lineage) on [−π/4, π/4].
    private const double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03, S3 = -1.98412698298579493134e-04,
        S4 = 2.75573137070700676789e-06, S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
    private const double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03, C3 = 2.48015872894767294178e-05,
        C4 = -2.75573143513906633035e-07, C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;

    /// <summary>π/2 rounded to float.</summary>
    public const float HalfPiF = 1.57079632679489661923f;
    /// <summary>π/2 rounded to double.</summary>
    public const double HalfPi = 1.57079632679489661923;

    /// <summary>ln x for a positive normal float (Cephes logf, about 1 ulp).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LogF(float x)
    {
        int bits = BitConverter.SingleToInt32Bits(x);
        int e = ((bits >> 23) & 0xFF) - 126;
        float m = BitConverter.Int32BitsToSingle((bits & unchecked((int)0x807FFFFF)) | 0x3F000000); // [0.5, 1)
        if (m < SqrtHalfF) { e -= 1; m = m + m - 1f; }
        else m = m - 1f;
        float z = m * m;
        float y = LogP0;
        y = y * m + LogP1; y = y * m + LogP2; y = y * m + LogP3; y = y * m + LogP4;
        y = y * m + LogP5; y = y * m + LogP6; y = y * m + LogP7; y = y * m + LogP8;
        y = y * m * z;
        float fe = e;
        y = y + Ln2LoF * fe;
        y = y + -0.5f * z;
        float r = m + y;
        return r + Ln2HiF * fe;
    }

    /// <inheritdoc cref="LogF(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL LogF<TL>(TL x) where TL : struct, IFloatLanes<TL>
    {
        var (fe, m) = TL.Frexp(x); // m ∈ [0.5, 1)
        var small = TL.LessThan(m, TL.Create(SqrtHalfF));
        fe = fe - (small & TL.Create(1f)); // e − 1 where m < √½ (exact)
        m = TL.Select(small, m + m - TL.Create(1f), m - TL.Create(1f));
        var z = m * m;
        var y = TL.Create(LogP0);
        y = y * m + TL.Create(LogP1); y = y * m + TL.Create(LogP2); y = y * m + TL.Create(LogP3);
        y = y * m + TL.Create(LogP4); y = y * m + TL.Create(LogP5); y = y * m + TL.Create(LogP6);
        y = y * m + TL.Create(LogP7); y = y * m + TL.Create(LogP8);
        y = y * m * z;
        y = y + TL.Create(Ln2LoF) * fe;
        y = y + TL.Create(-0.5f) * z;
        var r = m + y;
        return r + TL.Create(Ln2HiF) * fe;
    }

    /// <inheritdoc cref="SinCosF(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TL Sin, TL Cos) SinCosF<TL>(TL x) where TL : struct, IFloatLanes<TL>
    {
        var z = x * x;
        var s = ((TL.Create(SinF3) * z + TL.Create(SinF2)) * z + TL.Create(SinF1)) * z * x + x;
        var c = ((TL.Create(CosF3) * z + TL.Create(CosF2)) * z + TL.Create(CosF1)) * z * z
                - TL.Create(0.5f) * z + TL.Create(1f);
        return (s, c);
    }

    /// <summary>sin x and cos x for |x| ≤ π/4 in float (Cephes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (float Sin, float Cos) SinCosF(float x)
    {
        float z = x * x;
        float s = ((SinF3 * z + SinF2) * z + SinF1) * z * x + x;
        float c = ((CosF3 * z + CosF2) * z + CosF1) * z * z - 0.5f * z + 1f;
        return (s, c);
    }

    /// <summary>sin x and cos x for |x| ≤ π/4 in double (msun kernels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Sin, double Cos) SinCos(double x)
    {
        double z = x * x, w = z * z;
        double rs = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
        double s = x + z * x * (S1 + z * rs);
        double rc = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
        double hz = 0.5 * z, one = 1.0 - hz;
        double c = one + (((1.0 - one) - hz) + z * rc);
        return (s, c);
    }

    /// <inheritdoc cref="SinCos(double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TL Sin, TL Cos) SinCos<TL>(TL x) where TL : struct, IDoubleLanes<TL>
    {
        var z = x * x;
        var w = z * z;
        var rs = TL.Create(S2) + z * (TL.Create(S3) + z * TL.Create(S4)) + z * w * (TL.Create(S5) + z * TL.Create(S6));
        var s = x + z * x * (TL.Create(S1) + z * rs);
        var rc = z * (TL.Create(C1) + z * (TL.Create(C2) + z * TL.Create(C3)))
                 + w * w * (TL.Create(C4) + z * (TL.Create(C5) + z * TL.Create(C6)));
        var hz = TL.Create(0.5) * z;
        var one = TL.Create(1.0) - hz;
        var c = one + (((TL.Create(1.0) - one) - hz) + z * rc);
        return (s, c);
    }

    /// <summary>The lane-wise <see cref="DeterministicMath.Log"/> for positive normal finite doubles (the scalar function's main path, op for op), at any width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Log<TL>(TL x) where TL : struct, IDoubleLanes<TL>
    {
        var (e, m) = TL.Split(x);
        var big = TL.GreaterThan(m, TL.Create(DeterministicMath.Sqrt2));
        m = TL.Select(big, m * TL.Create(0.5), m);
        var dk = e + (big & TL.Create(1.0)); // the exponent, one more where the significand was halved (exact)
        var f = m - TL.Create(1.0);
        var s = f / (TL.Create(2.0) + f);
        var z = s * s;
        var w = z * z;
        var t1 = w * (TL.Create(DeterministicMath.Lg2) + w * (TL.Create(DeterministicMath.Lg4) + w * TL.Create(DeterministicMath.Lg6)));
        var t2 = z * (TL.Create(DeterministicMath.Lg1) + w * (TL.Create(DeterministicMath.Lg3)
                 + w * (TL.Create(DeterministicMath.Lg5) + w * TL.Create(DeterministicMath.Lg7))));
        var r = t2 + t1;
        var hfsq = TL.Create(0.5) * f * f;
        return dk * TL.Create(DeterministicMath.Ln2Hi)
               - ((hfsq - (s * (hfsq + r) + dk * TL.Create(DeterministicMath.Ln2Lo))) - f);
    }
}
