using WeightInit.Models;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Training.Data;
using WeightInit.Training.Optimization;

namespace WeightInit.Training.Tests;

public class TrainerTests
{
    /// <summary>Three classes in 6-D: the label is the index of the largest of three fixed linear scores, with examples within a margin of a tie dropped, so a linear classifier reaches zero error.</summary>
    private sealed class SeparableData : TrainingData
    {
        private const int Dimensions = 6, Classes = 3;
        private static readonly float[,] Directions = { { 1, 0, 0, 1, 0, -1 }, { 0, 1, 0, -1, 1, 0 }, { 0, 0, 1, 0, -1, 1 } };
        private readonly PhiloxKey _key;
        private readonly (float[], int[]) _test;

        public SeparableData(PhiloxKey key)
        {
            _key = key;
            var x = new float[400 * Dimensions];
            var y = new int[400];
            Draw(key.Fold("test"), 0, x, y);
            _test = (x, y);
        }

        public override string Name => "separable";
        public override int InputSize => Dimensions;
        public override int ClassCount => Classes;
        public override (float[] Inputs, int[] Labels) TestSet => _test;

        public override void TrainBatch(long batchIndex, int batchSize, float[] inputs, int[] labels) =>
            Draw(_key.Fold("train").Fold((ulong)batchIndex), 0, inputs.AsSpan(0, batchSize * Dimensions), labels.AsSpan(0, batchSize));

        private static void Draw(PhiloxKey key, ulong attempt, Span<float> inputs, Span<int> labels)
        {
            var candidate = new float[Dimensions];
            var score = new double[Classes];
            for (int j = 0; j < labels.Length;)
            {
                new NormalDistribution(0, 1).Fill(key.Fold(attempt++), candidate);
                Array.Clear(score);
                for (int c = 0; c < Classes; c++)
                    for (int d = 0; d < Dimensions; d++) score[c] += Directions[c, d] * candidate[d];
                int best = 0;
                for (int c = 1; c < Classes; c++) if (score[c] > score[best]) best = c;
                bool clear = true;
                for (int c = 0; c < Classes; c++) if (c != best && score[best] - score[c] < 0.5) clear = false;
                if (!clear) continue;
                candidate.CopyTo(inputs.Slice(j * Dimensions, Dimensions));
                labels[j++] = best;
            }
        }
    }

    private static TrainingResult Train(int threads, int seed = 1, int updates = 300)
    {
        var key = PhiloxKey.FromSeed((ulong)seed);
        var net = Network.Build(TrainingModels.Mlp(6, 1, 16, "tanh", 3, "glorot_uniform"), key.Fold("model"), threads);
        var trainer = new Trainer(net, new SeparableData(key.Fold("data")), new SgdOptions(0.1, Momentum: 0.9),
            new TrainerOptions(updates, 16, 100, StatisticsExamples: 50, Threads: threads));
        return trainer.Run();
    }

    [Fact]
    public void Run_SeparableProblem_LearnedToNearZeroError()
    {
        var result = Train(threads: 1);
        Assert.False(result.Diverged);
        Assert.True(result.Curve[0].TestError > 0.3, $"before training the error is near chance (2/3); got {result.Curve[0].TestError}");
        // 400 test examples: 1% is 4 mistakes; a margin-separable problem leaves essentially none after 300 momentum updates.
        Assert.True(result.FinalTestError <= 0.01, $"final test error {result.FinalTestError}");
        Assert.True(result.FinalTestLoss < 0.1 * result.Curve[0].TestLoss, $"test loss {result.Curve[0].TestLoss} → {result.FinalTestLoss}");
    }

    [Fact]
    public void Run_TwiceSameKeys_BitForBitIdentical()
    {
        var a = Train(threads: 2, updates: 120);
        var b = Train(threads: 2, updates: 120);
        Assert.Equal(a.Curve, b.Curve);
        Assert.Equal(a.Activations, b.Activations);
    }

    [Fact]
    public void Run_OtherThreadCount_SameBits()
    {
        var a = Train(threads: 1, updates: 120);
        var b = Train(threads: 3, updates: 120);
        Assert.Equal(a.Curve, b.Curve);
    }

    [Fact]
    public void Run_OtherSeed_DifferentCurve()
    {
        var a = Train(threads: 1, seed: 1, updates: 50);
        var b = Train(threads: 1, seed: 2, updates: 50);
        Assert.NotEqual(a.Curve, b.Curve);
    }

    [Fact]
    public void Run_RecordsCurveAndActivationStatisticsAtEachEvaluation()
    {
        var result = Train(threads: 1, updates: 250);
        Assert.Equal([0L, 100, 200, 250], result.Curve.Select(p => p.Update));
        Assert.True(double.IsNaN(result.Curve[0].TrainLoss));
        Assert.All(result.Curve.Skip(1), p => Assert.True(p.TrainLoss > 0 && p.TrainError >= 0));
        // one tanh layer (layer1), measured at the four points; tanh values lie in (−1, 1).
        Assert.Equal(4, result.Activations.Count);
        Assert.All(result.Activations, s => { Assert.Equal("layer1", s.Layer); Assert.InRange(s.P98, -1, 1); Assert.True(s.StandardDeviation > 0); });
    }

    [Fact]
    public void Run_HugeLearningRate_ReportsDivergence()
    {
        var key = PhiloxKey.FromSeed(3);
        var net = Network.Build(TrainingModels.Mlp(6, 2, 16, "relu", 3, "he_normal"), key, 1);
        var trainer = new Trainer(net, new SeparableData(key), new SgdOptions(1e6), new TrainerOptions(50, 16, 10, 0, 1));
        var result = trainer.Run();
        Assert.True(result.Diverged);
        Assert.True(result.UpdatesDone < 50);
        Assert.Equal(1.0, result.FinalTestError);
    }

    [Fact]
    public void Constructor_DataDoesNotFitNetwork_NamesBothSizes()
    {
        var net = Network.Build(TrainingModels.Mlp(5, 1, 4, "tanh", 3, "glorot_uniform"), PhiloxKey.FromSeed(1), 1);
        var e = Assert.Throws<ArgumentException>(() => new Trainer(net, new SeparableData(PhiloxKey.FromSeed(1)), new SgdOptions(0.1), new TrainerOptions(1, 1, 1)));
        Assert.Contains("5 inputs", e.Message, StringComparison.Ordinal);
        Assert.Contains("6", e.Message, StringComparison.Ordinal);
    }
}
