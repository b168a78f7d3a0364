using WeightInit.Random;

namespace WeightInit.Training.Data;

/// <summary>Where a training run draws its minibatches and its fixed test set; every draw is a function of a key and an index.</summary>
public abstract class TrainingData
{
    /// <summary>A readable name, such as "Shapeset-3×2" or "Fashion-MNIST".</summary>
    public abstract string Name { get; }

    /// <summary>Input values per example.</summary>
    public abstract int InputSize { get; }

    /// <summary>Number of classes.</summary>
    public abstract int ClassCount { get; }

    /// <summary>Writes minibatch <paramref name="batchIndex"/> (examples batchIndex·batchSize to (batchIndex+1)·batchSize − 1 of the training stream).</summary>
    /// <param name="batchIndex">The minibatch number, from 0.</param>
    /// <param name="batchSize">Examples per minibatch.</param>
    /// <param name="inputs">Destination [batchSize, InputSize].</param>
    /// <param name="labels">Destination [batchSize].</param>
    public abstract void TrainBatch(long batchIndex, int batchSize, float[] inputs, int[] labels);

    /// <summary>The held-out test examples: inputs [Count, InputSize] and labels [Count].</summary>
    public abstract (float[] Inputs, int[] Labels) TestSet { get; }

    /// <summary>The Shapeset-3×2 stream: training examples from <c>key.Fold("train")</c>, <paramref name="testCount"/> test examples from <c>key.Fold("test")</c>.</summary>
    public static TrainingData Shapeset(PhiloxKey key, int testCount, int threads = 0) => new ShapesetData(key, testCount, threads);

    /// <summary>A finite dataset, shuffled afresh each epoch with a permutation keyed by <c>key.Fold("epoch").Fold(epoch)</c>; the first <paramref name="testCount"/> test examples (all when ≤ 0).</summary>
    public static TrainingData Finite(string name, TrainTestSplit split, PhiloxKey key, int testCount = 0) => new FiniteData(name, split, key, testCount);

    /// <summary>A uniformly random permutation of 0 … n−1 (Fisher–Yates), each draw from one Philox word of <paramref name="key"/>.</summary>
    /// <remarks>Position i swaps with j = ⌊u·(i+1)/2³²⌋, u the 32-bit word i of the stream; the bias of this multiply-shift map is below n/2³² (under 2·10⁻⁵ for 60,000 examples).</remarks>
    public static int[] Permutation(PhiloxKey key, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            var block = key.Block((ulong)i);
            int j = (int)(((ulong)block.X0 * (ulong)(i + 1)) >> 32);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    private sealed class ShapesetData(PhiloxKey key, int testCount, int threads) : TrainingData
    {
        private readonly Shapeset3x2 _train = new(key.Fold("train"));
        private readonly Lazy<(float[], int[])> _test = new(() =>
        {
            var x = new float[(long)testCount * Shapeset3x2.PixelCount];
            var y = new int[testCount];
            new Shapeset3x2(key.Fold("test")).Fill(0, x, y, threads > 0 ? threads : -1);
            return (x, y);
        });

        public override string Name => "Shapeset-3×2";
        public override int InputSize => Shapeset3x2.PixelCount;
        public override int ClassCount => Shapeset3x2.ClassCount;
        public override (float[] Inputs, int[] Labels) TestSet => _test.Value;

        public override void TrainBatch(long batchIndex, int batchSize, float[] inputs, int[] labels) =>
            _train.Fill(batchIndex * batchSize, inputs.AsSpan(0, batchSize * InputSize), labels.AsSpan(0, batchSize), threads > 0 ? threads : -1);
    }

    private sealed class FiniteData : TrainingData
    {
        private readonly ImageDataset _train;
        private readonly PhiloxKey _key;
        private readonly (float[], int[]) _test;
        private long _epoch = -1;
        private int[] _order = [];

        public FiniteData(string name, TrainTestSplit split, PhiloxKey key, int testCount)
        {
            Name = name;
            _train = split.Train;
            _key = key.Fold("epoch");
            ClassCount = split.Train.ClassNames.Count;
            int n = testCount <= 0 ? split.Test.Count : Math.Min(testCount, split.Test.Count);
            _test = (split.Test.Pixels[..(n * split.Test.PixelsPerImage)].ToArray(), split.Test.Labels[..n].ToArray());
        }

        public override string Name { get; }
        public override int InputSize => _train.PixelsPerImage;
        public override int ClassCount { get; }
        public override (float[] Inputs, int[] Labels) TestSet => _test;

        public override void TrainBatch(long batchIndex, int batchSize, float[] inputs, int[] labels)
        {
            var pixels = _train.Pixels.Span;
            var all = _train.Labels.Span;
            for (int j = 0; j < batchSize; j++)
            {
                long position = batchIndex * batchSize + j;
                long epoch = position / _train.Count;
                if (epoch != _epoch)
                {
                    _order = Permutation(_key.Fold((ulong)epoch), _train.Count);
                    _epoch = epoch;
                }
                int index = _order[(int)(position % _train.Count)];
                pixels.Slice(index * InputSize, InputSize).CopyTo(inputs.AsSpan(j * InputSize, InputSize));
                labels[j] = all[index];
            }
        }
    }
}
