using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;
using WeightInit.Numerics;

namespace WeightInit.LinearAlgebra;

/// <summary>
/// General matrix multiply, C ← α·op(A)·op(B) + β·C, over row-major spans, for <see cref="float"/> and <see cref="double"/>:
/// blocked, packed, SIMD (Vector512 / Vector256 / Vector128 with fused multiply-add) and multithreaded over C tiles,
/// with a result that is bit-for-bit the same at every thread count and on every instruction-set path.
/// </summary>
/// <remarks>
/// <para><b>Exact definition of the result.</b> For every i &lt; m, j &lt; n:
/// c ← β·C[i,j] (with β = 0 meaning c ← +0, C not read; β = 1 meaning C[i,j] unchanged), then for p = 0, 1, …, k−1 in
/// that order: c ← fma(α·op(A)[i,p], op(B)[p,j], c), each fma rounded once (IEEE 754 fusedMultiplyAdd) and each α·a rounded
/// to the element type; finally C[i,j] ← c. With α = 0 or k = 0 only the β step happens (BLAS convention: A and B are
/// not read). Every path evaluates exactly this: SIMD lanes run along j, so each lane holds one C element's chain;
/// the k loop is never split across threads or reassociated, and the blocking over k only stores and reloads the
/// running value c, which is exact. Hence the bits depend neither on the thread count, nor on the tiling, nor on
/// whether AVX-512, AVX2, SSE/AdvSimd or no SIMD is used.</para>
/// <para><b>Layout.</b> Row-major: element (r, c) of a stored matrix X is X[r·ldx + c]. A is stored m×k
/// (<see cref="Transpose.None"/>) or k×m (<see cref="Transpose.Transposed"/>), B is stored k×n or n×k, C is m×n.
/// A leading dimension must be at least the stored row's width (and at least 1).</para>
/// <para><b>Method.</b> Goto &amp; van de Geijn (2008), "Anatomy of high-performance matrix multiplication", ACM TOMS 34(3):
/// panels of A and B are copied into pooled (ArrayPool) buffers in micro-kernel order, and an 8×32 (f32) / 8×16 (f64)
/// register tile is updated with one broadcast and two vector FMAs per row and depth step on AVX-512 (6-row tiles on narrower paths).
/// The serial path allocates nothing besides those pooled buffers; the parallel path adds only the Parallel.For bookkeeping.</para>
/// <para>Equivalent to BLAS <c>sgemm</c>/<c>dgemm</c> with CblasRowMajor, and to <c>torch.addmm(C, op(A), op(B), beta=β, alpha=α)</c>
/// up to rounding (those do not fix the summation order).</para>
/// </remarks>
public static class Gemm
{
    /// <summary>The path the hardware runs fastest: Vector512 with AVX-512F, else Vector256 with AVX2+FMA, else Vector128 with FMA or Arm AdvSimd, else scalar.</summary>
    internal static SimdPath FastestPath { get; } = DetectFastestPath();

    private static SimdPath DetectFastestPath()
    {
        if (VectorWidth.Has512 && Avx512F.IsSupported) return SimdPath.Vector512;
        if (VectorWidth.Has256 && Fma.IsSupported) return SimdPath.Vector256;
        if (VectorWidth.Has128 && (Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported)) return SimdPath.Vector128;
        return SimdPath.Scalar;
    }

    /// <summary>Computes C ← α·op(A)·op(B) + β·C in single precision; see the type remarks for the exact, reproducible definition.</summary>
    /// <param name="transposeA">Whether A is stored m×k (<see cref="Transpose.None"/>) or k×m (<see cref="Transpose.Transposed"/>).</param>
    /// <param name="transposeB">Whether B is stored k×n (<see cref="Transpose.None"/>) or n×k (<see cref="Transpose.Transposed"/>).</param>
    /// <param name="m">Rows of op(A) and of C (≥ 0).</param>
    /// <param name="n">Columns of op(B) and of C (≥ 0).</param>
    /// <param name="k">Columns of op(A) and rows of op(B) (≥ 0).</param>
    /// <param name="alpha">Scale α of the product.</param>
    /// <param name="a">A, row-major with leading dimension <paramref name="lda"/>.</param>
    /// <param name="lda">Stride between A's stored rows, in elements.</param>
    /// <param name="b">B, row-major with leading dimension <paramref name="ldb"/>.</param>
    /// <param name="ldb">Stride between B's stored rows, in elements.</param>
    /// <param name="beta">Scale β of the previous C; 0 means C is overwritten without being read.</param>
    /// <param name="c">C (m×n), row-major with leading dimension <paramref name="ldc"/>; must not overlap A or B.</param>
    /// <param name="ldc">Stride between C's rows, in elements.</param>
    /// <param name="maxDegreeOfParallelism">Most threads to use; −1 for <see cref="Environment.ProcessorCount"/>. Does not change the result.</param>
    public static void Multiply(
        Transpose transposeA, Transpose transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int maxDegreeOfParallelism = -1)
        => Multiply(FastestPath, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, maxDegreeOfParallelism);

    /// <summary>Computes C ← α·op(A)·op(B) + β·C in double precision; see the type remarks for the exact, reproducible definition.</summary>
    /// <param name="transposeA">Whether A is stored m×k (<see cref="Transpose.None"/>) or k×m (<see cref="Transpose.Transposed"/>).</param>
    /// <param name="transposeB">Whether B is stored k×n (<see cref="Transpose.None"/>) or n×k (<see cref="Transpose.Transposed"/>).</param>
    /// <param name="m">Rows of op(A) and of C (≥ 0).</param>
    /// <param name="n">Columns of op(B) and of C (≥ 0).</param>
    /// <param name="k">Columns of op(A) and rows of op(B) (≥ 0).</param>
    /// <param name="alpha">Scale α of the product.</param>
    /// <param name="a">A, row-major with leading dimension <paramref name="lda"/>.</param>
    /// <param name="lda">Stride between A's stored rows, in elements.</param>
    /// <param name="b">B, row-major with leading dimension <paramref name="ldb"/>.</param>
    /// <param name="ldb">Stride between B's stored rows, in elements.</param>
    /// <param name="beta">Scale β of the previous C; 0 means C is overwritten without being read.</param>
    /// <param name="c">C (m×n), row-major with leading dimension <paramref name="ldc"/>; must not overlap A or B.</param>
    /// <param name="ldc">Stride between C's rows, in elements.</param>
    /// <param name="maxDegreeOfParallelism">Most threads to use; −1 for <see cref="Environment.ProcessorCount"/>. Does not change the result.</param>
    public static void Multiply(
        Transpose transposeA, Transpose transposeB, int m, int n, int k,
        double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb,
        double beta, Span<double> c, int ldc, int maxDegreeOfParallelism = -1)
        => Multiply(FastestPath, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, maxDegreeOfParallelism);

    /// <summary>GEMM for a generic element type (<see cref="float"/> or <see cref="double"/>) on a chosen path.</summary>
    internal static void Multiply<T>(
        SimdPath path, Transpose transposeA, Transpose transposeB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        T beta, Span<T> c, int ldc, int maxDegreeOfParallelism) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            Multiply(path, transposeA, transposeB, m, n, k, Unsafe.As<T, float>(ref alpha), MemoryMarshal.Cast<T, float>(a), lda,
                MemoryMarshal.Cast<T, float>(b), ldb, Unsafe.As<T, float>(ref beta), MemoryMarshal.Cast<T, float>(c), ldc, maxDegreeOfParallelism);
        else if (typeof(T) == typeof(double))
            Multiply(path, transposeA, transposeB, m, n, k, Unsafe.As<T, double>(ref alpha), MemoryMarshal.Cast<T, double>(a), lda,
                MemoryMarshal.Cast<T, double>(b), ldb, Unsafe.As<T, double>(ref beta), MemoryMarshal.Cast<T, double>(c), ldc, maxDegreeOfParallelism);
        else
            throw new NotSupportedException($"GEMM supports float and double, not {typeof(T).Name}.");
    }

    /// <summary>Single-precision GEMM on a chosen path (tests force each path; a path the hardware lacks runs in software, slowly but with the same bits).</summary>
    internal static unsafe void Multiply(
        SimdPath path, Transpose transposeA, Transpose transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int maxDegreeOfParallelism)
    {
        int dop = Validate(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, maxDegreeOfParallelism);
        bool ta = transposeA == Transpose.Transposed, tb = transposeB == Transpose.Transposed;
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            switch (path)
            {
                case SimdPath.Vector512:
                    GemmDriver.Run<float, Vector512<float>, Lanes512Single>(ta, tb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, dop);
                    break;
                case SimdPath.Vector256:
                    GemmDriver.Run<float, Vector256<float>, Lanes256Single>(ta, tb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, dop);
                    break;
                case SimdPath.Vector128:
                    GemmDriver.Run<float, Vector128<float>, Lanes128Single>(ta, tb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, dop);
                    break;
                default:
                    GemmDriver.Run<float, float, ScalarLanes<float>>(ta, tb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, dop);
                    break;
            }
        }
    }

    /// <summary>Double-precision GEMM on a chosen path (tests force each path; a path the hardware lacks runs in software, slowly but with the same bits).</summary>
    internal static unsafe void Multiply(
        SimdPath path, Transpose transposeA, Transpose transposeB, int m, int n, int k,
        double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb,
        double beta, Span<double> c, int ldc, int maxDegreeOfParallelism)
    {
        int dop = Validate(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, maxDegreeOfParallelism);
        bool ta = transposeA == Transpose.Transposed, tb = transposeB == Transpose.Transposed;
        fixed (double* pa = a)
        fixed (double* pb = b)
        fixed (double* pc = c)
        {
            switch (path)
            {
                case SimdPath.Vector512:
                    GemmDriver.Run<double, Vector512<double>, Lanes512Double>(ta, tb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, dop);
                    break;
                case SimdPath.Vector256:
                    GemmDriver.Run<double, Vector256<double>, Lanes256Double>(ta, tb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, dop);
                    break;
                case SimdPath.Vector128:
                    GemmDriver.Run<double, Vector128<double>, Lanes128Double>(ta, tb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, dop);
                    break;
                default:
                    GemmDriver.Run<double, double, ScalarLanes<double>>(ta, tb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, dop);
                    break;
            }
        }
    }

    /// <summary>Checks shapes, strides, lengths and aliasing; returns the thread count to use.</summary>
    private static int Validate<T>(
        Transpose transposeA, Transpose transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, int maxDegreeOfParallelism)
    {
        CheckTranspose(transposeA, nameof(transposeA));
        CheckTranspose(transposeB, nameof(transposeB));
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, "The row count m of op(A) and C must be zero or positive.");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "The column count n of op(B) and C must be zero or positive.");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "The inner dimension k must be zero or positive.");
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism,
                "The maximum degree of parallelism must be a positive thread count, or -1 for all processors.");

        bool ta = transposeA == Transpose.Transposed, tb = transposeB == Transpose.Transposed;
        CheckOperand(a.Length, ta ? k : m, ta ? m : k, lda, "A", nameof(a), nameof(lda), ta ? "k×m (transposed)" : "m×k");
        CheckOperand(b.Length, tb ? n : k, tb ? k : n, ldb, "B", nameof(b), nameof(ldb), tb ? "n×k (transposed)" : "k×n");
        CheckOperand(c.Length, m, n, ldc, "C", nameof(c), nameof(ldc), "m×n");
        // Only the touched ranges matter: an empty operand (k = 0) is never read.
        if (m > 0 && n > 0 && k > 0)
        {
            if (c.Overlaps(a)) throw new ArgumentException("C must not overlap A: the product reads A while C is being written.", nameof(c));
            if (c.Overlaps(b)) throw new ArgumentException("C must not overlap B: the product reads B while C is being written.", nameof(c));
        }
        int dop = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        return Math.Max(1, dop);
    }

    private static void CheckTranspose(Transpose value, string parameter)
    {
        if (value != Transpose.None && value != Transpose.Transposed)
            throw new ArgumentOutOfRangeException(parameter, value, "Expected Transpose.None or Transpose.Transposed.");
    }

    private static void CheckOperand(int length, int rows, int cols, int ld, string matrix, string spanName, string ldName, string shape)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentOutOfRangeException(ldName, ld,
                $"The leading dimension of {matrix} (stored {shape}, {rows}×{cols}) must be at least max(1, {cols}), the width of a stored row.");
        if (rows == 0 || cols == 0) return;
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException(
                $"{matrix} is stored {shape} = {rows}×{cols} with leading dimension {ld}, which needs at least {needed} elements, but the span holds {length}.",
                spanName);
    }
}
