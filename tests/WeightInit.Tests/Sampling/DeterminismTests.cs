using WeightInit.Sampling;

namespace WeightInit.Tests.Sampling;

/// <summary>Element i is a pure function of (key, i): the same bits on every vector path, thread count and range start.</summary>
[Trait("Category", "Simd")]
public class DeterminismTests
{
    private static readonly SamplingOptions Scalar = new() { ForceScalar = true, MaxThreads = 1 };

    private static T[] Whole<T>(Func<T[], T[]> fill, int length) => fill(new T[length]);

    [Theory]
    [MemberData(nameof(SamplingCases.Names), MemberType = typeof(SamplingCases))]
    public void VectorPath_EveryLengthAndStart_EqualsScalarReference(string name)
    {
        var d = SamplingCases.All[name];
        var key = SamplingCases.Key;
        for (int start = 0; start < 19; start += 3)
        {
            for (int length = 0; length <= 256; length += start == 0 ? 1 : 7)
            {
                var f1 = new float[length]; var f2 = new float[length];
                d.Fill(key, f1, start); d.Fill(key, f2, start, Scalar);
                AssertBits(f1, f2, name, start, length);
                var d1 = new double[length]; var d2 = new double[length];
                d.Fill(key, d1, start); d.Fill(key, d2, start, Scalar);
                AssertBits(d1, d2, name, start, length);
                var h1 = new Half[length]; var h2 = new Half[length];
                d.Fill(key, h1, start); d.Fill(key, h2, start, Scalar);
                AssertBits(h1, h2, name, start, length);
                var b1 = new ushort[length]; var b2 = new ushort[length];
                d.FillBFloat16Bits(key, b1, start); d.FillBFloat16Bits(key, b2, start, Scalar);
                Assert.Equal(b2, b1);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SamplingCases.Names), MemberType = typeof(SamplingCases))]
    public void PartialFill_AnyRange_EqualsSliceOfWholeFill(string name)
    {
        var d = SamplingCases.All[name];
        var key = SamplingCases.Key;
        const int n = 200_003; // spans several parallel chunks, odd tail
        var whole32 = new float[n]; d.Fill(key, whole32);
        var whole64 = new double[n]; d.Fill(key, whole64);
        foreach (var (a, b) in new[] { (0, 1), (1, 17), (15, 16), (65_535, 65_537), (100_001, 200_003), (7, 131_090) })
        {
            var part32 = new float[b - a]; d.Fill(key, part32, a);
            AssertBits(whole32.AsSpan(a, b - a).ToArray(), part32, name, a, b - a);
            var part64 = new double[b - a]; d.Fill(key, part64, a);
            AssertBits(whole64.AsSpan(a, b - a).ToArray(), part64, name, a, b - a);
        }
    }

    [Theory]
    [MemberData(nameof(SamplingCases.Names), MemberType = typeof(SamplingCases))]
    public void Fill_AnyThreadCount_SameBits(string name)
    {
        var d = SamplingCases.All[name];
        const int n = 300_001;
        var reference = new float[n];
        d.Fill(SamplingCases.Key, reference, 5, new SamplingOptions { MaxThreads = 1 });
        foreach (int threads in new[] { 2, 3, 8 })
        {
            var other = new float[n];
            d.Fill(SamplingCases.Key, other, 5, new SamplingOptions { MaxThreads = threads });
            AssertBits(reference, other, name, threads, n);
        }
    }

    [Fact]
    public void Fill_DifferentKeysOrNames_DifferentStreams()
    {
        var d = new NormalDistribution(0, 1);
        var root = WeightInit.Random.PhiloxKey.FromSeed(1);
        var a = new float[64]; d.Fill(root.Fold("layer1.weight"), a);
        var b = new float[64]; d.Fill(root.Fold("layer2.weight"), b);
        var c = new float[64]; d.Fill(WeightInit.Random.PhiloxKey.FromSeed(2).Fold("layer1.weight"), c);
        Assert.True(a.Zip(b).Count(p => p.First == p.Second) <= 1);
        Assert.True(a.Zip(c).Count(p => p.First == p.Second) <= 1);
    }

    private static void AssertBits(float[] expected, float[] actual, string name, int start, int length)
    {
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{name}: float32 element {i} (start {start}, length {length}): {expected[i]:R} vs {actual[i]:R}");
    }

    private static void AssertBits(double[] expected, double[] actual, string name, int start, int length)
    {
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
                Assert.Fail($"{name}: float64 element {i} (start {start}, length {length}): {expected[i]:R} vs {actual[i]:R}");
    }

    private static void AssertBits(Half[] expected, Half[] actual, string name, int start, int length)
    {
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.HalfToInt16Bits(expected[i]) != BitConverter.HalfToInt16Bits(actual[i]))
                Assert.Fail($"{name}: float16 element {i} (start {start}, length {length}): {expected[i]} vs {actual[i]}");
    }
}
