using WeightInit.LinearAlgebra;

namespace WeightInit.Tests.LinearAlgebra;

public class HouseholderQrTests
{
    private const double UnitRoundoffSingle = 5.9604644775390625e-8; // 2⁻²⁴
    private const double UnitRoundoffDouble = 1.1102230246251565e-16; // 2⁻⁵³

    public static TheoryData<int, int> Shapes() => new()
    {
        { 1, 1 }, { 2, 2 }, { 5, 5 }, { 67, 67 }, // square, including a second panel (width 64)
        { 100, 37 }, { 140, 66 }, { 9, 1 },        // tall
        { 20, 45 }, { 66, 140 }, { 1, 7 },         // wide
    };

    internal static double[] Gaussian(int count, int seed)
    {
        // Box–Muller on System.Random(seed): a fixed, reproducible test input.
        var rng = new System.Random(seed);
        var x = new double[count];
        for (int i = 0; i < count; i += 2)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double radius = Math.Sqrt(-2 * Math.Log(u1));
            x[i] = radius * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < count) x[i + 1] = radius * Math.Sin(2 * Math.PI * u2);
        }
        return x;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Decompose_GaussianDouble_OrthonormalQAndExactReconstructionAndPositiveDiagonal(int m, int n)
    {
        double[] a = Gaussian(m * n, 31 * m + n);
        int k = Math.Min(m, n);
        double[] q = new double[m * k], r = new double[k * n], signs = new double[k];
        HouseholderQr.Decompose(a, m, n, q, r, signs);
        CheckFactorization(a, m, n, q, r, signs, UnitRoundoffDouble);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Decompose_GaussianSingle_OrthonormalQAndExactReconstructionAndPositiveDiagonal(int m, int n)
    {
        float[] a = Array.ConvertAll(Gaussian(m * n, 17 * m + n), x => (float)x);
        int k = Math.Min(m, n);
        float[] q = new float[m * k], r = new float[k * n], signs = new float[k];
        HouseholderQr.Decompose(a, m, n, q, r, signs);
        CheckFactorization(Array.ConvertAll(a, x => (double)x), m, n, Array.ConvertAll(q, x => (double)x),
            Array.ConvertAll(r, x => (double)x), Array.ConvertAll(signs, x => (double)x), UnitRoundoffSingle);
    }

    /// <summary>
    /// Householder QR is backward stable: ‖QᵀQ − I‖ and ‖QR − A‖/‖A‖ are O(m·u) (Higham 2002, Thm 19.4). The thresholds
    /// are 10·m·u elementwise, loose enough for the constant and tight enough to catch any wrong reflector or sign.
    /// </summary>
    private static void CheckFactorization(double[] a, int m, int n, double[] q, double[] r, double[] signs, double u)
    {
        int k = Math.Min(m, n);
        double tolerance = 10 * Math.Max(m, n) * u;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double dot = 0;
                for (int p = 0; p < m; p++) dot += q[p * k + i] * q[p * k + j];
                double expected = i == j ? 1 : 0;
                Assert.True(Math.Abs(dot - expected) <= tolerance, $"(QᵀQ)[{i},{j}] = {dot:R}, tolerance {tolerance:R}");
            }
        double scale = 0;
        for (int j = 0; j < n; j++)
        {
            double column = 0;
            for (int p = 0; p < m; p++) column += a[p * n + j] * a[p * n + j];
            scale = Math.Max(scale, Math.Sqrt(column));
        }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double qr = 0;
                for (int p = 0; p < k; p++) qr += q[i * k + p] * r[p * n + j];
                Assert.True(Math.Abs(qr - a[i * n + j]) <= tolerance * scale, $"(QR − A)[{i},{j}] = {qr - a[i * n + j]:R}");
            }
        for (int i = 0; i < k; i++)
        {
            Assert.True(r[i * n + i] >= 0, $"R[{i},{i}] = {r[i * n + i]:R} after the sign fix");
            Assert.True(signs[i] == 1 || signs[i] == -1, $"sign {i} = {signs[i]}");
            for (int j = 0; j < i; j++) Assert.Equal(0.0, r[i * n + j]);
        }
    }

    [Fact]
    public void Decompose_ThreeFourColumn_UnitVectorAndNorm()
    {
        double[] q = new double[2], r = new double[1];
        HouseholderQr.Decompose([3.0, 4.0], 2, 1, q, r, []);
        Assert.Equal(0.6, q[0], 1e-15);
        Assert.Equal(0.8, q[1], 1e-15);
        Assert.Equal(5.0, r[0], 1e-15);
    }

    [Fact]
    public void Decompose_NegativeOneByOne_SignMovesIntoQ()
    {
        float[] q = new float[1], r = new float[1], signs = new float[1];
        HouseholderQr.Decompose([-2f], 1, 1, q, r, signs);
        Assert.Equal(-1f, q[0]);
        Assert.Equal(2f, r[0]);
        Assert.Equal(-1f, signs[0]);
    }

    [Fact]
    public void Decompose_WidePermutationLike_KnownFactors()
    {
        // A = [0 3 1; 4 0 2]: q₁ = e₂ (r₁₁ = 4), q₂ = e₁ (r₂₂ = 3); R = [4 0 2; 0 3 1], Q = [0 1; 1 0].
        double[] q = new double[4], r = new double[6];
        HouseholderQr.Decompose([0, 3, 1, 4, 0, 2], 2, 3, q, r, []);
        double[] expectedQ = [0, 1, 1, 0], expectedR = [4, 0, 2, 0, 3, 1];
        for (int i = 0; i < 4; i++) Assert.Equal(expectedQ[i], q[i], 1e-15);
        for (int i = 0; i < 6; i++) Assert.Equal(expectedR[i], r[i], 1e-15);
    }

    [Fact]
    public void Decompose_ZeroLeadingColumn_SignOfZeroIsPlus()
    {
        // The first column is zero, so H₀ = I and R₀₀ = 0; sign(0) = +1 keeps Q = I and R = A.
        double[] q = new double[4], r = new double[4], signs = new double[2];
        HouseholderQr.Decompose([0, 1, 0, 1], 2, 2, q, r, signs);
        Assert.Equal([1.0, 0, 0, 1], q);
        Assert.Equal([0.0, 1, 0, 1], r);
        Assert.Equal([1.0, 1], signs);
    }

    [Fact]
    public void Decompose_HaarGaussianFourByFour_EntryMeansNearZero()
    {
        // Under Haar measure every entry of Q has mean 0 and variance 1/n. Without the sign fix, Householder's
        // β = −sign(α)‖x‖ makes Q[0,0] = −|a₀₀|/‖a₀‖ always negative, so its mean would be about −0.4.
        const int n = 4, samples = 4000;
        double[] sums = new double[n * n];
        double[] q = new double[n * n];
        for (int s = 0; s < samples; s++)
        {
            HouseholderQr.Decompose(Gaussian(n * n, 1_000_000 + s), n, n, q, [], []);
            for (int i = 0; i < n * n; i++) sums[i] += q[i];
        }
        double bound = 5 * Math.Sqrt(1.0 / n / samples); // five standard errors of a mean of `samples` draws with variance 1/n
        for (int i = 0; i < n * n; i++)
            Assert.True(Math.Abs(sums[i] / samples) <= bound, $"mean of Q[{i / n},{i % n}] = {sums[i] / samples:R}, bound {bound:R}");
    }

    [Fact]
    public void Decompose_ThreadCounts_BitIdentical()
    {
        const int m = 300, n = 200;
        float[] a = Array.ConvertAll(Gaussian(m * n, 5), x => (float)x);
        float[] q1 = new float[m * n], r1 = new float[n * n];
        HouseholderQr.Decompose(a, m, n, q1, r1, [], 1);
        foreach (int threads in new[] { 2, 3 })
        {
            float[] q = new float[m * n], r = new float[n * n];
            HouseholderQr.Decompose(a, m, n, q, r, [], threads);
            Assert.Equal(q1, q);
            Assert.Equal(r1, r);
        }
    }

    [Theory]
    [InlineData(0, 3, "rows")]
    [InlineData(3, 0, "columns")]
    public void Decompose_EmptyDimension_ThrowsWithClearMessage(int m, int n, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => HouseholderQr.Decompose(new float[9], m, n, new float[9], [], []));
        Assert.Equal(parameter, ex.ParamName);
        Assert.Contains("at least one row and one column", ex.Message);
    }

    [Fact]
    public void Decompose_QTooShort_ThrowsNamingTheShape()
    {
        var ex = Assert.Throws<ArgumentException>(() => HouseholderQr.Decompose(new double[12], 4, 3, new double[11], [], []));
        Assert.Equal("q", ex.ParamName);
        Assert.Contains("4×3", ex.Message);
    }
}
