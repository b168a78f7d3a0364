using System.Runtime.InteropServices;

namespace WeightInit.Random;

/// <summary>PyTorch 1.13's CPU generator (<c>torch.Generator()</c> / <c>torch.manual_seed</c>) and its float32/float64
/// <c>uniform_</c> and <c>normal_</c> kernels, reproduced bit for bit, drawing numbers in PyTorch's order.</summary>
/// <remarks>
/// <para>Engine (ATen/core/MT19937RNGEngine.h): the standard MT19937 with its standard tempering, seeded by
/// init_genrand with the low 32 bits of the seed. <see cref="NextUInt32"/> is one draw (<c>random()</c>),
/// <see cref="NextUInt64"/> two draws, the first in the high half (<c>random64()</c>).</para>
/// <para>uniform_ (cpu/DistributionTemplates.h, TransformationHelper.h): float32 takes one draw r per element and
/// returns fma((r &amp; 0xFFFFFF)·2⁻²⁴, to − from, from) in float32, with from and to first rounded to float32; float64
/// takes one <c>random64()</c> and uses its low 53 bits the same way in double.</para>
/// <para>normal_ (cpu/DistributionTemplates.h, DistributionsHelper.h) has three paths:
/// float32 with at least 16 elements: fill every element with a 24-bit uniform, then Box–Muller on each block of
/// 16 pairing element j with j + 8, through the Cephes single-precision log and sincos of avx_mathfun.h, compiled
/// with FMA contraction (emulated here operation by operation); when the count is not a multiple of 16, 16 more
/// uniforms overwrite the last 16 elements and that block is transformed again.
/// float64 with at least 16 elements: the same structure with 53-bit uniforms and the C library's log, cos, sin.
/// Fewer than 16 elements (either type): <c>normal_distribution&lt;double&gt;</c>, two 53-bit uniforms per pair,
/// r = √(−2·log(1 − u₂)) (1.13 has log(1 − u₂); later releases switched to log1p), θ = 2π·u₁, returning r·cos θ and caching r·sin θ in the generator for the next element,
/// even across calls (<see cref="ManualSeed"/> clears the cache, as torch.manual_seed does).</para>
/// <para>The float32 ≥ 16 path is PyTorch's AVX2 kernel, the one x86-64 builds use on AVX2 machines; the paths that
/// call log, cos and sin use the platform C library (glibc on Linux) exactly as PyTorch does, so they match
/// PyTorch running on the same C library. This generator is sequential by nature: every element depends on how
/// many numbers were drawn before it and the tail block redraws, so it cannot be sharded, split across threads or
/// skipped ahead; use the counter-based <see cref="Philox4x32"/> streams for that.</para>
/// </remarks>
public sealed class TorchCpuGenerator
{
    /// <summary>The seed of a new <c>torch.Generator()</c> (c10::default_rng_seed_val).</summary>
    public const ulong DefaultSeed = 67280421310721;

    private const int StateSize = 624;
    private const int Shift = 397;
    private const uint MatrixA = 0x9908B0DF;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7FFFFFFF;
    /// <summary>Element counts below this take the scalar normal_distribution&lt;double&gt; path.</summary>
    public const int VectorizedNormalMinCount = 16;

    private readonly uint[] _state = new uint[StateSize];
    private int _next;
    private double? _cachedNormal;

    /// <summary>A generator in the state of a new <c>torch.Generator()</c>.</summary>
    public TorchCpuGenerator() : this(DefaultSeed) { }

    /// <summary>A generator in the state <c>torch.manual_seed(seed)</c> leaves the default CPU generator in.</summary>
    public TorchCpuGenerator(ulong seed) => ManualSeed(seed);

    /// <summary>The seed last given (only its low 32 bits reach the engine).</summary>
    public ulong InitialSeed { get; private set; }

    /// <summary>Reseeds as <c>torch.manual_seed(seed)</c>: MT19937 init_genrand(seed &amp; 0xFFFFFFFF), and the cached normal is dropped.</summary>
    public void ManualSeed(ulong seed)
    {
        InitialSeed = seed;
        _state[0] = (uint)seed;
        for (int i = 1; i < StateSize; i++)
            _state[i] = 1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30)) + (uint)i;
        _next = StateSize;
        _cachedNormal = null;
    }

    /// <summary>The next 32-bit output of MT19937 (PyTorch's <c>random()</c>).</summary>
    public uint NextUInt32()
    {
        if (_next >= StateSize)
            Twist();
        uint y = _state[_next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680;
        y ^= (y << 15) & 0xEFC60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>Two draws, the first as the high half (PyTorch's <c>random64()</c>).</summary>
    public ulong NextUInt64()
    {
        ulong hi = NextUInt32();
        ulong lo = NextUInt32();
        return (hi << 32) | lo;
    }

    private void Twist()
    {
        for (int i = 0; i < StateSize; i++)
        {
            uint y = (_state[i] & UpperMask) | (_state[(i + 1) % StateSize] & LowerMask);
            _state[i] = _state[(i + Shift) % StateSize] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0);
        }
        _next = 0;
    }

    // uniform_real_distribution<float>(0, 1): the low 24 bits of one draw, times 2^-24.
    private float NextUnitSingle() => (NextUInt32() & 0xFFFFFF) * (1.0f / (1 << 24));

    // uniform_real_distribution<double>(0, 1): the low 53 bits of random64(), times 2^-53.
    private double NextUnitDouble() => (NextUInt64() & ((1UL << 53) - 1)) * (1.0 / (1UL << 53));

    /// <summary>Runs <paramref name="call"/> on <paramref name="tensor"/>: its <c>uniform_</c>, <c>normal_</c> or <c>fill_</c>, then <c>zero_</c> where the call says so.</summary>
    public void Apply(TorchCall call, Span<float> tensor)
    {
        switch (call.Kind)
        {
            case TorchCallKind.Uniform: Uniform(tensor, call.A, call.B); break;
            case TorchCallKind.Normal: Normal(tensor, call.A, call.B); break;
            default: tensor.Fill((float)call.A); break;
        }
        if (call.ThenZero) tensor.Clear();
    }

    /// <summary>Runs <paramref name="call"/> on a float64 <paramref name="tensor"/>, as <see cref="Apply(TorchCall, Span{float})"/>.</summary>
    public void Apply(TorchCall call, Span<double> tensor)
    {
        switch (call.Kind)
        {
            case TorchCallKind.Uniform: Uniform(tensor, call.A, call.B); break;
            case TorchCallKind.Normal: Normal(tensor, call.A, call.B); break;
            default: tensor.Fill(call.A); break;
        }
        if (call.ThenZero) tensor.Clear();
    }

    /// <summary><c>tensor.uniform_(from, to)</c> on a contiguous float32 tensor.</summary>
    /// <exception cref="ArgumentException"><paramref name="from"/> &gt; <paramref name="to"/>, a bound not finite, or to − from past the float32 range.</exception>
    public void Uniform(Span<float> tensor, double from, double to)
    {
        CheckUniform(from, to, float.MaxValue);
        float lo = (float)from, hi = (float)to;
        float width = hi - lo;
        for (int i = 0; i < tensor.Length; i++)
            tensor[i] = MathF.FusedMultiplyAdd(NextUnitSingle(), width, lo);
    }

    /// <summary><c>tensor.uniform_(from, to)</c> on a contiguous float64 tensor.</summary>
    /// <exception cref="ArgumentException"><paramref name="from"/> &gt; <paramref name="to"/>, a bound not finite, or to − from past the float64 range.</exception>
    public void Uniform(Span<double> tensor, double from, double to)
    {
        CheckUniform(from, to, double.MaxValue);
        double width = to - from;
        for (int i = 0; i < tensor.Length; i++)
            tensor[i] = Math.FusedMultiplyAdd(NextUnitDouble(), width, from);
    }

    /// <summary><c>tensor.normal_(mean, std)</c> on a contiguous float32 tensor.</summary>
    /// <exception cref="ArgumentException"><paramref name="std"/> negative or not finite, or <paramref name="mean"/> not finite.</exception>
    public void Normal(Span<float> tensor, double mean, double std)
    {
        CheckNormal(mean, std);
        if (tensor.Length < VectorizedNormalMinCount)
        {
            for (int i = 0; i < tensor.Length; i++)
                tensor[i] = (float)NextScalarNormal(mean, std);
            return;
        }
        float m = (float)mean, s = (float)std;
        for (int i = 0; i < tensor.Length; i++)
            tensor[i] = NextUnitSingle();
        for (int i = 0; i + 16 <= tensor.Length; i += 16)
            CephesBoxMuller16(tensor.Slice(i, 16), m, s);
        if (tensor.Length % 16 != 0)
        {
            var tail = tensor[^16..];
            for (int i = 0; i < 16; i++)
                tail[i] = NextUnitSingle();
            CephesBoxMuller16(tail, m, s);
        }
    }

    /// <summary><c>tensor.normal_(mean, std)</c> on a contiguous float64 tensor.</summary>
    /// <exception cref="ArgumentException"><paramref name="std"/> negative or not finite, or <paramref name="mean"/> not finite.</exception>
    public void Normal(Span<double> tensor, double mean, double std)
    {
        CheckNormal(mean, std);
        if (tensor.Length < VectorizedNormalMinCount)
        {
            for (int i = 0; i < tensor.Length; i++)
                tensor[i] = NextScalarNormal(mean, std);
            return;
        }
        for (int i = 0; i < tensor.Length; i++)
            tensor[i] = NextUnitDouble();
        for (int i = 0; i + 16 <= tensor.Length; i += 16)
            LibmBoxMuller16(tensor.Slice(i, 16), mean, std);
        if (tensor.Length % 16 != 0)
        {
            var tail = tensor[^16..];
            for (int i = 0; i < 16; i++)
                tail[i] = NextUnitDouble();
            LibmBoxMuller16(tail, mean, std);
        }
    }

    // at::normal_distribution<double>::operator(): a cached second value first, else a fresh Box–Muller pair.
    private double NextScalarNormal(double mean, double std)
    {
        if (_cachedNormal is double cached)
        {
            _cachedNormal = null;
            return Math.FusedMultiplyAdd(cached, std, mean);
        }
        double u1 = NextUnitDouble();
        double u2 = NextUnitDouble();
        double r = Math.Sqrt(-2.0 * CLibrary.Log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        _cachedNormal = r * CLibrary.Sin(theta);
        return Math.FusedMultiplyAdd(r * CLibrary.Cos(theta), std, mean);
    }

    // normal_fill_16<double>: pairs (j, j + 8), u1 = 1 − d[j] so log never sees 0.
    private static void LibmBoxMuller16(Span<double> data, double mean, double std)
    {
        const double TwoPi = 2.0 * Math.PI;
        for (int j = 0; j < 8; j++)
        {
            double u1 = 1 - data[j];
            double u2 = data[j + 8];
            double radius = Math.Sqrt(-2 * CLibrary.Log(u1));
            double theta = TwoPi * u2;
            data[j] = Math.FusedMultiplyAdd(radius * CLibrary.Cos(theta), std, mean);
            data[j + 8] = Math.FusedMultiplyAdd(radius * CLibrary.Sin(theta), std, mean);
        }
    }

    // normal_fill_16_AVX2, one lane at a time.
    private static void CephesBoxMuller16(Span<float> data, float mean, float std)
    {
        for (int j = 0; j < 8; j++)
        {
            float u1 = 1.0f - data[j];
            float u2 = data[j + 8];
            float radius = MathF.Sqrt(-2.0f * CephesSingle.Log(u1));
            float theta = CephesSingle.TwoPi * u2;
            var (sin, cos) = CephesSingle.SinCos(theta);
            data[j] = MathF.FusedMultiplyAdd(radius * cos, std, mean);
            data[j + 8] = MathF.FusedMultiplyAdd(radius * sin, std, mean);
        }
    }

    private static void CheckUniform(double from, double to, double max)
    {
        if (!double.IsFinite(from) || !double.IsFinite(to))
            throw new ArgumentException($"uniform_ needs finite bounds; got from={from:R}, to={to:R}.", nameof(from));
        if (from > to)
            throw new ArgumentException($"uniform_ expects a [from, to) range with from <= to, but found from={from:R} > to={to:R}.", nameof(from));
        if (to - from > max)
            throw new ArgumentException($"uniform_ expects to - from <= {max:R} for the element type, but found to={to:R} and from={from:R}.", nameof(to));
    }

    private static void CheckNormal(double mean, double std)
    {
        if (!double.IsFinite(mean))
            throw new ArgumentException($"normal_ needs a finite mean; got {mean:R}.", nameof(mean));
        if (!(std >= 0.0) || !double.IsFinite(std))
            throw new ArgumentException($"normal_ expects a finite std >= 0.0, but found std {std:R}.", nameof(std));
    }
}

/// <summary>The Cephes single-precision log and sincos of PyTorch's avx_mathfun.h (log256_ps, sincos256_ps), one lane,
/// with the fused multiply-adds GCC's default contraction produces in PyTorch's build.</summary>
internal static class CephesSingle
{
    /// <summary>_mm256_set1_ps(2.0f * c10::pi&lt;double&gt;): 2π in double, rounded to float.</summary>
    public const float TwoPi = (float)(2.0 * Math.PI);

    // Each constant is the C double literal converted to float, as _PS256_CONST does.
    private const float Sqrthf = (float)0.707106781186547524;
    private const float LogP0 = (float)7.0376836292E-2, LogP1 = (float)-1.1514610310E-1, LogP2 = (float)1.1676998740E-1;
    private const float LogP3 = (float)-1.2420140846E-1, LogP4 = (float)+1.4249322787E-1, LogP5 = (float)-1.6668057665E-1;
    private const float LogP6 = (float)+2.0000714765E-1, LogP7 = (float)-2.4999993993E-1, LogP8 = (float)+3.3333331174E-1;
    private const float LogQ1 = (float)-2.12194440e-4, LogQ2 = (float)0.693359375;
    private const float FourOverPi = (float)1.27323954473516;
    private const float MinusDp1 = (float)-0.78515625, MinusDp2 = (float)-2.4187564849853515625e-4, MinusDp3 = (float)-3.77489497744594108e-8;
    private const float SinP0 = (float)-1.9515295891E-4, SinP1 = (float)8.3321608736E-3, SinP2 = (float)-1.6666654611E-1;
    private const float CosP0 = (float)2.443315711809948E-005, CosP1 = (float)-1.388731625493765E-003, CosP2 = (float)4.166664568298827E-002;
    private const uint MinNormPos = 0x00800000, InvMantMask = ~0x7F800000u, SignMask = 0x80000000;

    /// <summary>log256_ps for one lane (NaN for x ≤ 0, as the invalid mask makes it).</summary>
    public static float Log(float x)
    {
        bool invalid = x <= 0;
        x = MathF.Max(x, BitConverter.UInt32BitsToSingle(MinNormPos));
        uint bits = BitConverter.SingleToUInt32Bits(x);
        int exponent = (int)(bits >> 23);
        x = BitConverter.UInt32BitsToSingle((bits & InvMantMask) | BitConverter.SingleToUInt32Bits(0.5f));
        float e = exponent - 0x7F;
        e += 1.0f;
        bool small = x < Sqrthf;
        float tmp = small ? x : 0f;
        x -= 1.0f;
        e -= small ? 1.0f : 0f;
        x += tmp;
        float z = x * x;
        float y = MathF.FusedMultiplyAdd(LogP0, x, LogP1);
        y = MathF.FusedMultiplyAdd(y, x, LogP2);
        y = MathF.FusedMultiplyAdd(y, x, LogP3);
        y = MathF.FusedMultiplyAdd(y, x, LogP4);
        y = MathF.FusedMultiplyAdd(y, x, LogP5);
        y = MathF.FusedMultiplyAdd(y, x, LogP6);
        y = MathF.FusedMultiplyAdd(y, x, LogP7);
        y = MathF.FusedMultiplyAdd(y, x, LogP8);
        y *= x;
        y = MathF.FusedMultiplyAdd(y, z, e * LogQ1);
        y = MathF.FusedMultiplyAdd(-z, 0.5f, y);
        x = MathF.FusedMultiplyAdd(e, LogQ2, x + y);
        return invalid ? float.NaN : x;
    }

    /// <summary>sincos256_ps for one lane.</summary>
    public static (float Sin, float Cos) SinCos(float x)
    {
        uint signSin = BitConverter.SingleToUInt32Bits(x) & SignMask;
        x = MathF.Abs(x);
        float y = x * FourOverPi;
        int j = (int)y; // cvttps: truncation
        j = (j + 1) & ~1;
        y = j;
        uint swapSignSin = (uint)(j & 4) << 29;
        bool sinPolynomial = (j & 2) == 0;
        x = MathF.FusedMultiplyAdd(y, MinusDp1, x);
        x = MathF.FusedMultiplyAdd(y, MinusDp2, x);
        x = MathF.FusedMultiplyAdd(y, MinusDp3, x);
        uint signCos = (uint)(~(j - 2) & 4) << 29;
        signSin ^= swapSignSin;

        float z = x * x;
        float c = MathF.FusedMultiplyAdd(CosP0, z, CosP1);
        c = MathF.FusedMultiplyAdd(c, z, CosP2);
        c *= z;
        c = MathF.FusedMultiplyAdd(c, z, -(z * 0.5f));
        c += 1.0f;

        float s = MathF.FusedMultiplyAdd(SinP0, z, SinP1);
        s = MathF.FusedMultiplyAdd(s, z, SinP2);
        s *= z;
        s = MathF.FusedMultiplyAdd(s, x, x);

        // The masked selection of the original, kept literally so signed zeros come out the same.
        float sinPart2 = sinPolynomial ? s : 0f;
        float sinPart1 = sinPolynomial ? 0f : c;
        s -= sinPart2;
        c -= sinPart1;
        float sin = sinPart1 + sinPart2;
        float cos = c + s;
        return (BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(sin) ^ signSin),
                BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(cos) ^ signCos));
    }
}

/// <summary>The C library's log, sin and cos, which PyTorch's double-precision paths call.</summary>
/// <remarks>On Linux these are glibc's libm (libm.so.6); elsewhere the platform's C runtime. They are bound
/// explicitly rather than through Math.Log/Sin/Cos so that the match with PyTorch does not rest on how the .NET
/// runtime happens to implement those.</remarks>
internal static unsafe class CLibrary
{
    private static readonly delegate* unmanaged[Cdecl]<double, double> LogFunction;
    private static readonly delegate* unmanaged[Cdecl]<double, double> SinFunction;
    private static readonly delegate* unmanaged[Cdecl]<double, double> CosFunction;

    static CLibrary()
    {
        IntPtr library = IntPtr.Zero;
        foreach (string candidate in new[] { "libm.so.6", "libm.dylib", "libSystem.dylib", "ucrtbase.dll" })
            if (NativeLibrary.TryLoad(candidate, out library))
                break;
        if (library == IntPtr.Zero)
            throw new PlatformNotSupportedException("No C math library (libm.so.6, libm.dylib, libSystem.dylib or ucrtbase.dll) could be loaded; PyTorch's double-precision normal_ needs its log, sin and cos.");
        LogFunction = (delegate* unmanaged[Cdecl]<double, double>)NativeLibrary.GetExport(library, "log");
        SinFunction = (delegate* unmanaged[Cdecl]<double, double>)NativeLibrary.GetExport(library, "sin");
        CosFunction = (delegate* unmanaged[Cdecl]<double, double>)NativeLibrary.GetExport(library, "cos");
    }

    public static double Log(double x) => LogFunction(x);
    public static double Sin(double x) => SinFunction(x);
    public static double Cos(double x) => CosFunction(x);
}
