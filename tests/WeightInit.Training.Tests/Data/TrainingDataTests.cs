using WeightInit.Random;
using WeightInit.Training.Data;

namespace WeightInit.Training.Tests.Data;

public class TrainingDataTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1000)]
    public void Permutation_IsAPermutation(int n)
    {
        var p = TrainingData.Permutation(PhiloxKey.FromSeed(9), n);
        Assert.Equal(Enumerable.Range(0, n), p.Order());
    }

    [Fact]
    public void Permutation_SameKeySameOrder_OtherKeyOtherOrder()
    {
        var key = PhiloxKey.FromSeed(9);
        Assert.Equal(TrainingData.Permutation(key, 500), TrainingData.Permutation(key, 500));
        Assert.NotEqual(TrainingData.Permutation(key, 500), TrainingData.Permutation(key.Fold(1UL), 500));
    }

    [Fact]
    public void Permutation_FirstPositionUniform()
    {
        // 9000 permutations of 3: each of the 3 values should land first 3000 times; σ = √(9000·(1/3)(2/3)) ≈ 44.7, so ±5σ ≈ ±224.
        var counts = new int[3];
        var key = PhiloxKey.FromSeed(11);
        for (ulong i = 0; i < 9000; i++) counts[TrainingData.Permutation(key.Fold(i), 3)[0]]++;
        Assert.All(counts, c => Assert.InRange(c, 3000 - 224, 3000 + 224));
    }

    [Fact]
    public void Shapeset_TrainBatch_IsTheStreamAtBatchOffset()
    {
        var key = PhiloxKey.FromSeed(4);
        var data = TrainingData.Shapeset(key, testCount: 3, threads: 1);
        var x = new float[5 * Shapeset3x2.PixelCount];
        var y = new int[5];
        data.TrainBatch(2, 5, x, y);
        var expected = new Shapeset3x2(key.Fold("train")).Get(12);
        Assert.Equal(expected.Label, y[2]);
        Assert.Equal(expected.Pixels.ToArray(), x.AsSpan(2 * Shapeset3x2.PixelCount, Shapeset3x2.PixelCount).ToArray());
        Assert.Equal(new Shapeset3x2(key.Fold("test")).Get(1).Label, data.TestSet.Labels[1]);
    }
}
