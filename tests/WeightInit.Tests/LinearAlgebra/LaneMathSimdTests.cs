using WeightInit.LinearAlgebra;

namespace WeightInit.Tests.LinearAlgebra;

[Trait("Category", "Simd")]
public class LaneMathSimdTests
{
    private static readonly SimdPath[] Paths = [SimdPath.Scalar, SimdPath.Vector128, SimdPath.Vector256, SimdPath.Vector512];

    [Fact]
    public void FixedOrderDot_EveryPathEveryLengthWithOffsets_EqualsDocumentedOrderBitForBit()
    {
        var rng = new System.Random(404);
        float[] x = new float[300], y = new float[300];
        for (int i = 0; i < x.Length; i++) { x[i] = (float)(rng.NextDouble() - 0.5) * 8; y[i] = (float)(rng.NextDouble() - 0.5) * 8; }
        double[] xd = Array.ConvertAll(x, v => (double)v * 1.000000001), yd = Array.ConvertAll(y, v => (double)v);
        for (int length = 0; length <= 256; length++)
            foreach (int offset in new[] { 0, 1, 7 })
            {
                float expected = DocumentedOrder(x.AsSpan(offset, length), y.AsSpan(offset + 3, length), 16);
                double expectedDouble = DocumentedOrder(xd.AsSpan(offset, length), yd.AsSpan(offset + 3, length), 8);
                foreach (var path in Paths)
                {
                    float actual = LaneMath.FixedOrderDot<float>(x.AsSpan(offset, length), y.AsSpan(offset + 3, length), path);
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
                        $"{path} float length {length} offset {offset}: {actual:R} vs {expected:R}");
                    double actualDouble = LaneMath.FixedOrderDot<double>(xd.AsSpan(offset, length), yd.AsSpan(offset + 3, length), path);
                    Assert.True(BitConverter.DoubleToInt64Bits(expectedDouble) == BitConverter.DoubleToInt64Bits(actualDouble),
                        $"{path} double length {length} offset {offset}: {actualDouble:R} vs {expectedDouble:R}");
                }
            }
    }

    /// <summary>The order written in the summary of <see cref="LaneMath.FixedOrderDot{T}"/>, computed with plain scalar arithmetic.</summary>
    private static T DocumentedOrder<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, int width) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        var sums = new T[width];
        Array.Fill(sums, T.Zero);
        for (int i = 0; i < x.Length; i++) sums[i % width] = T.FusedMultiplyAdd(x[i], y[i], sums[i % width]);
        for (int h = width / 2; h >= 1; h /= 2)
            for (int l = 0; l < h; l++) sums[l] += sums[l + h];
        return sums[0];
    }
}
