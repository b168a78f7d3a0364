using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace WeightInit.Numerics;

/// <summary>The one place that decides which vector widths run in hardware; every vector kernel (sampling, Philox words,
/// 16-bit conversion, GEMM, QR) asks here.</summary>
/// <remarks>
/// Each property reads the runtime's own <c>VectorNNN.IsHardwareAccelerated</c>, which the JIT folds to a constant, so a
/// kernel's dispatch costs nothing and the paths it does not take are removed. The answers follow the runtime's switches:
/// <c>DOTNET_EnableAVX512=0</c> or <c>DOTNET_PreferredVectorBitWidth=256</c> turn 512 off, <c>DOTNET_EnableAVX2=0</c>
/// turns 256 off, <c>DOTNET_EnableHWIntrinsic=0</c> turns every width off (the scalar paths). A kernel that needs an
/// instruction set beyond the width itself (FMA for GEMM, AVX-512DQ for the float64 conversions) adds that check beside
/// this one. Every width gives the same bits; CI runs the SIMD tests under each switch.
/// </remarks>
public static class VectorWidth
{
    /// <summary>Whether 512-bit vectors run in hardware.</summary>
    public static bool Has512 { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector512.IsHardwareAccelerated; }

    /// <summary>Whether 256-bit vectors run in hardware.</summary>
    public static bool Has256 { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector256.IsHardwareAccelerated; }

    /// <summary>Whether 128-bit vectors run in hardware.</summary>
    public static bool Has128 { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector128.IsHardwareAccelerated; }

    /// <summary>Whether <see cref="System.Numerics.Vector{T}"/> runs in hardware, at the runtime's own width (256 bits on
    /// AVX-512 hardware unless <c>DOTNET_MaxVectorTBitWidth=512</c>): the element-wise span kernels that need no width of their
    /// own (LaneMath, the 16-bit conversions without 512-bit vectors) use it.</summary>
    public static bool HasVectorT { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => System.Numerics.Vector.IsHardwareAccelerated; }

    /// <summary>The widest width that runs in hardware, in bits: 512, 256 or 128, or 0 where none does.</summary>
    public static int Bits => Has512 ? 512 : Has256 ? 256 : Has128 ? 128 : 0;
}
