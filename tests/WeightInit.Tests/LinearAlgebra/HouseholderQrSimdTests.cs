using WeightInit.LinearAlgebra;

namespace WeightInit.Tests.LinearAlgebra;

/// <summary>The QR must give the same bits on the scalar path as on the fastest one (which CI varies with the SIMD switches).</summary>
[Trait("Category", "Simd")]
public class HouseholderQrSimdTests
{
    [Theory]
    [InlineData(90, 70)]
    [InlineData(33, 80)]
    public void Decompose_ScalarAndFastestPath_BitIdentical(int m, int n)
    {
        int k = Math.Min(m, n);
        float[] a = Array.ConvertAll(HouseholderQrTests.Gaussian(m * n, m + n), x => (float)x);
        float[] qScalar = new float[m * k], rScalar = new float[k * n], qFast = new float[m * k], rFast = new float[k * n];
        HouseholderQr.Decompose<float>(SimdPath.Scalar, a, m, n, qScalar, rScalar, [], 2);
        HouseholderQr.Decompose<float>(Gemm.FastestPath, a, m, n, qFast, rFast, [], 2);
        Assert.Equal(qScalar, qFast);
        Assert.Equal(rScalar, rFast);

        double[] ad = HouseholderQrTests.Gaussian(m * n, m * n);
        double[] qdScalar = new double[m * k], qdFast = new double[m * k];
        HouseholderQr.Decompose<double>(SimdPath.Scalar, ad, m, n, qdScalar, [], [], 2);
        HouseholderQr.Decompose<double>(Gemm.FastestPath, ad, m, n, qdFast, [], [], 2);
        Assert.Equal(qdScalar, qdFast);
    }
}
