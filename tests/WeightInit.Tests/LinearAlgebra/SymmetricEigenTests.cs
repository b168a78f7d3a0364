using System.Globalization;
using WeightInit.LinearAlgebra;
using WeightInit.Tests.Oracles;

namespace WeightInit.Tests.LinearAlgebra;

public class SymmetricEigenTests
{
    private static double[] RandomSymmetric(int n, int seed)
    {
        var g = HouseholderQrTests.Gaussian(n * n, seed);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i * n + j] = g[Math.Min(i, j) * n + Math.Max(i, j)];
        return a;
    }

    /// <summary>The Sylvester–Hadamard matrix of order 2^k divided by √(2^k): orthogonal.</summary>
    private static double[] Hadamard(int n)
    {
        var h = new double[n * n];
        double scale = 1 / Math.Sqrt(n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) h[i * n + j] = (System.Numerics.BitOperations.PopCount((uint)(i & j)) % 2 == 0 ? 1 : -1) * scale;
        return h;
    }

    [Fact]
    public void Eigenvalues_SecondDifferenceMatrix_MatchTheClosedForm()
    {
        // tridiag(−1, 2, −1) of order n has eigenvalues 2 − 2cos(kπ/(n + 1)), k = 1..n.
        const int n = 50;
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            a[i * n + i] = 2;
            if (i + 1 < n) a[i * n + i + 1] = a[(i + 1) * n + i] = -1;
        }
        var values = SymmetricEigen.Eigenvalues(a, n);
        for (int k = 1; k <= n; k++)
            Assert.Equal(2 - 2 * Math.Cos(k * Math.PI / (n + 1)), values[k - 1], 13);
    }

    [Fact]
    public void Decompose_RandomSymmetric_VectorsAreOrthonormalAndSatisfyAvEqualsLambdaV()
    {
        const int n = 40;
        var a = RandomSymmetric(n, 3);
        var (values, vectors) = SymmetricEigen.Decompose(a, n);
        Assert.NotNull(vectors);
        double norm = Math.Sqrt(a.Sum(x => x * x));
        for (int j = 0; j < n; j++)
        {
            if (j > 0) Assert.True(values[j] >= values[j - 1]);
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int k = 0; k < n; k++) av += a[i * n + k] * vectors![k * n + j];
                Assert.True(Math.Abs(av - values[j] * vectors![i * n + j]) <= 1e-12 * norm, $"residual at ({i}, {j})");
            }
            for (int l = 0; l <= j; l++)
            {
                double dot = 0;
                for (int k = 0; k < n; k++) dot += vectors![k * n + j] * vectors[k * n + l];
                Assert.Equal(l == j ? 1.0 : 0.0, dot, 12);
            }
        }
        // The trace is the sum of the eigenvalues.
        double trace = Enumerable.Range(0, n).Sum(i => a[i * n + i]);
        Assert.Equal(trace, values.Sum(), 11);
    }

    [Fact]
    public void Eigenvalues_Diagonal_AreTheSortedDiagonalExactly()
    {
        var a = new double[] { 3, 0, 0, 0, -1, 0, 0, 0, 2 };
        Assert.Equal([-1.0, 2.0, 3.0], SymmetricEigen.Eigenvalues(a, 3));
    }

    [Theory]
    [InlineData(64, 64)]
    [InlineData(64, 20)]
    [InlineData(20, 64)]
    public void SingularValues_OrthogonalTimesDiagonal_AreTheDiagonal(int rows, int columns)
    {
        // A = Q·diag(s) with Q the first k columns of an orthogonal Hadamard matrix has singular values |s|.
        int n = Math.Max(rows, columns), k = Math.Min(rows, columns);
        var h = Hadamard(n);
        var s = Enumerable.Range(0, k).Select(i => 0.1 + 0.37 * i * (i % 3 == 0 ? -1 : 1)).ToArray();
        var a = new double[rows * columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                a[r * columns + c] = rows >= columns ? h[r * n + c] * s[c] : s[r] * h[c * n + r];
        var sigma = SymmetricEigen.SingularValues(a, rows, columns);
        var expected = s.Select(Math.Abs).OrderDescending().ToArray();
        Assert.Equal(k, sigma.Length);
        for (int i = 0; i < k; i++) Assert.Equal(expected[i], sigma[i], 11);
    }

    [Fact]
    public void Decompose_BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Eigenvalues([1, 2, 3, 1], 2));
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Eigenvalues([1, double.NaN, double.NaN, 1], 2));
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Eigenvalues([1, 2, 3], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => SymmetricEigen.Eigenvalues([], 0));
    }

    [OracleFact(Oracle.Numpy)]
    public void SingularValuesAndEigenvalues_AgreeWithNumpy()
    {
        const int rows = 37, columns = 23, n = 30;
        var a = HouseholderQrTests.Gaussian(rows * columns, 11);
        var s = RandomSymmetric(n, 12);
        string List(double[] x) => string.Join(",", x.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        string output = Python.Run($"""
            import numpy as np
            a = np.array([{List(a)}], dtype=np.float64).reshape({rows}, {columns})
            s = np.array([{List(s)}], dtype=np.float64).reshape({n}, {n})
            print(" ".join(repr(float(v)) for v in np.linalg.svd(a, compute_uv=False)))
            print(" ".join(repr(float(v)) for v in np.linalg.eigvalsh(s)))
            """);
        var lines = output.Trim().Split('\n');
        var svd = lines[0].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var eig = lines[1].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var sigma = SymmetricEigen.SingularValues(a, rows, columns);
        var lambda = SymmetricEigen.Eigenvalues(s, n);
        // Singular values through AᵀA: absolute error about ε·σ_max²/σ (here σ ≥ 1, so ≤ 1e-13 relative).
        for (int i = 0; i < columns; i++) Assert.True(Math.Abs(sigma[i] - svd[i]) <= 1e-12 * svd[0], $"σ{i}: {sigma[i]:R} vs numpy {svd[i]:R}");
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(lambda[i] - eig[i]) <= 1e-12 * Math.Abs(eig[^1]), $"λ{i}: {lambda[i]:R} vs numpy {eig[i]:R}");
    }
}
