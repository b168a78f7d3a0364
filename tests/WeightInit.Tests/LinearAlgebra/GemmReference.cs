using WeightInit.LinearAlgebra;

namespace WeightInit.Tests.LinearAlgebra;

/// <summary>Independent, naive implementations the GEMM tests compare against.</summary>
internal static class GemmReference
{
    public static float OpA(float[] a, bool t, int lda, int i, int p) => t ? a[p * lda + i] : a[i * lda + p];

    public static double OpA(double[] a, bool t, int lda, int i, int p) => t ? a[p * lda + i] : a[i * lda + p];

    public static float OpB(float[] b, bool t, int ldb, int p, int j) => t ? b[j * ldb + p] : b[p * ldb + j];

    public static double OpB(double[] b, bool t, int ldb, int p, int j) => t ? b[j * ldb + p] : b[p * ldb + j];

    /// <summary>The documented definition, element by element: c = β·c₀, then c = fma(α·a, b, c) for p = 0..k−1.</summary>
    public static float[] FmaChain(bool ta, bool tb, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        var result = (float[])c.Clone();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = beta == 0 ? 0f : beta == 1 ? c[i * ldc + j] : beta * c[i * ldc + j];
                if (alpha != 0)
                    for (int p = 0; p < k; p++) s = MathF.FusedMultiplyAdd(alpha * OpA(a, ta, lda, i, p), OpB(b, tb, ldb, p, j), s);
                result[i * ldc + j] = s;
            }
        return result;
    }

    /// <inheritdoc cref="FmaChain(bool, bool, int, int, int, float, float[], int, float[], int, float, float[], int)"/>
    public static double[] FmaChain(bool ta, bool tb, int m, int n, int k, double alpha, double[] a, int lda, double[] b, int ldb, double beta, double[] c, int ldc)
    {
        var result = (double[])c.Clone();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = beta == 0 ? 0.0 : beta == 1 ? c[i * ldc + j] : beta * c[i * ldc + j];
                if (alpha != 0)
                    for (int p = 0; p < k; p++) s = Math.FusedMultiplyAdd(alpha * OpA(a, ta, lda, i, p), OpB(b, tb, ldb, p, j), s);
                result[i * ldc + j] = s;
            }
        return result;
    }

    public static float[] RandomMatrix(System.Random rng, int rows, int ld)
    {
        var x = new float[Math.Max(0, rows * ld)];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(2 * rng.NextDouble() - 1);
        return x;
    }

    public static double[] RandomMatrixDouble(System.Random rng, int rows, int ld)
    {
        var x = new double[Math.Max(0, rows * ld)];
        for (int i = 0; i < x.Length; i++) x[i] = 2 * rng.NextDouble() - 1;
        return x;
    }

    public static bool IsTransposed(Transpose t) => t == Transpose.Transposed;
}
