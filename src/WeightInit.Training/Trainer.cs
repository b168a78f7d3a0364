using WeightInit.Analysis.Measurement;
using WeightInit.Models;
using WeightInit.Training.Data;
using WeightInit.Training.Optimization;

namespace WeightInit.Training;

/// <summary>How long to train and how often to measure.</summary>
/// <param name="Updates">SGD updates to run (≥ 0).</param>
/// <param name="BatchSize">Examples per minibatch (positive); Glorot &amp; Bengio used 10.</param>
/// <param name="EvaluateEvery">Updates between test-set evaluations (positive); the run is also measured before the first and after the last update.</param>
/// <param name="StatisticsExamples">Test examples whose activations are summarised per layer at each evaluation (Glorot &amp; Bengio: a fixed set of 300).</param>
/// <param name="Threads">Most threads for the GEMM and data generation (0: all processors); results do not depend on it.</param>
public sealed record TrainerOptions(int Updates, int BatchSize, int EvaluateEvery, int StatisticsExamples = 300, int Threads = 0)
{
    /// <summary>Throws when a field is out of range.</summary>
    public void Validate()
    {
        if (Updates < 0) throw new ArgumentException($"The number of updates must be ≥ 0; got {Updates}.");
        if (BatchSize <= 0) throw new ArgumentException($"The batch size must be positive; got {BatchSize}.");
        if (EvaluateEvery <= 0) throw new ArgumentException($"The evaluation interval must be positive; got {EvaluateEvery}.");
        if (StatisticsExamples < 0) throw new ArgumentException($"The number of statistics examples must be ≥ 0; got {StatisticsExamples}.");
        if (Threads < 0) throw new ArgumentException($"The thread count must be ≥ 0; got {Threads}.");
    }
}

/// <summary>One point of the learning curves.</summary>
/// <param name="Update">Updates done when measured.</param>
/// <param name="LearningRate">The learning rate of the next update.</param>
/// <param name="TrainLoss">Mean minibatch loss over the updates since the previous point (NaN at update 0).</param>
/// <param name="TrainError">Fraction of misclassified training examples over those updates (NaN at update 0).</param>
/// <param name="TestLoss">Mean cross-entropy on the test set.</param>
/// <param name="TestError">Fraction of misclassified test examples (an example with a non-finite output counts as misclassified).</param>
public sealed record CurvePoint(long Update, double LearningRate, double TrainLoss, double TrainError, double TestLoss, double TestError);

/// <summary>Statistics of one activation layer's outputs on the fixed statistics examples, at one point of training.</summary>
/// <param name="Update">Updates done.</param>
/// <param name="Layer">The layer name.</param>
/// <param name="Mean">Mean activation.</param>
/// <param name="StandardDeviation">Standard deviation of the activations.</param>
/// <param name="P98">98th percentile of the activations (Glorot &amp; Bengio's Figures 3 and 10).</param>
public sealed record LayerActivationPoint(long Update, string Layer, double Mean, double StandardDeviation, double P98);

/// <summary>What a training run measured.</summary>
/// <param name="Curve">Loss and error over time.</param>
/// <param name="Activations">Per-layer activation statistics over time.</param>
/// <param name="Diverged">True when the training loss became non-finite; training stopped there.</param>
/// <param name="UpdatesDone">Updates actually run.</param>
public sealed record TrainingResult(IReadOnlyList<CurvePoint> Curve, IReadOnlyList<LayerActivationPoint> Activations, bool Diverged, long UpdatesDone)
{
    /// <summary>The last measured test error.</summary>
    public double FinalTestError => Curve[^1].TestError;

    /// <summary>The last measured test loss.</summary>
    public double FinalTestLoss => Curve[^1].TestLoss;

    /// <summary>The mean training loss over the last curve segment with updates (NaN when none).</summary>
    public double FinalTrainLoss => Curve.LastOrDefault(p => !double.IsNaN(p.TrainLoss))?.TrainLoss ?? double.NaN;
}

/// <summary>Trains a <see cref="Network"/> with softmax cross-entropy and <see cref="Sgd"/> on minibatches of a <see cref="TrainingData"/>.</summary>
/// <remarks>
/// Minibatch t is <see cref="TrainingData.TrainBatch"/>(t): the data order, like the initial weights, is a function of keys, and the
/// GEMM is deterministic at any thread count, so two runs with the same keys give the same bits.
/// </remarks>
public sealed class Trainer
{
    private const int EvaluationChunk = 500;

    /// <summary>Creates a trainer.</summary>
    public Trainer(Network network, TrainingData data, SgdOptions optimizer, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (network.InputSize != data.InputSize)
            throw new ArgumentException($"The network takes {network.InputSize} inputs but {data.Name} examples have {data.InputSize}.");
        if (network.OutputSize != data.ClassCount)
            throw new ArgumentException($"The network has {network.OutputSize} outputs but {data.Name} has {data.ClassCount} classes.");
        Network = network;
        Data = data;
        Options = options;
        Optimizer = new Sgd(network.Parameters, optimizer);
    }

    /// <summary>The network being trained.</summary>
    public Network Network { get; }

    /// <summary>The data.</summary>
    public TrainingData Data { get; }

    /// <summary>The optimizer.</summary>
    public Sgd Optimizer { get; }

    /// <summary>The settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Runs <see cref="TrainerOptions.Updates"/> updates, measuring as configured.</summary>
    /// <param name="progress">Receives the number of updates done after each update (may be null).</param>
    /// <param name="cancellation">Stops between updates.</param>
    public TrainingResult Run(IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        var curve = new List<CurvePoint>();
        var activations = new List<LayerActivationPoint>();
        int batch = Options.BatchSize;
        var x = new float[batch * Data.InputSize];
        var y = new int[batch];
        double lossSum = 0;
        long wrong = 0, seen = 0, segmentUpdates = 0;
        bool diverged = false;
        long t = 0;
        Measure(0, double.NaN, double.NaN, curve, activations);
        for (; t < Options.Updates; t++)
        {
            cancellation.ThrowIfCancellationRequested();
            Data.TrainBatch(t, batch, x, y);
            var logits = Network.Forward(x, batch);
            var (loss, gradient) = Network.SoftmaxCrossEntropy(logits, y, batch);
            if (!double.IsFinite(loss)) { diverged = true; lossSum += loss; segmentUpdates++; break; }
            wrong += Misclassified(logits, y, batch, Data.ClassCount);
            seen += batch;
            lossSum += loss;
            segmentUpdates++;
            Network.Backward(gradient);
            Optimizer.Step();
            progress?.Report(t + 1);
            if ((t + 1) % Options.EvaluateEvery == 0 && t + 1 < Options.Updates)
            {
                Measure(t + 1, lossSum / segmentUpdates, (double)wrong / seen, curve, activations);
                lossSum = 0; wrong = 0; seen = 0; segmentUpdates = 0;
            }
        }
        if (segmentUpdates > 0 || curve.Count == 0 || curve[^1].Update != t)
            Measure(t, segmentUpdates > 0 ? lossSum / segmentUpdates : double.NaN, seen > 0 ? (double)wrong / seen : double.NaN, curve, activations);
        return new TrainingResult(curve, activations, diverged, t);
    }

    /// <summary>Mean cross-entropy and error of the network on <paramref name="inputs"/>, in chunks.</summary>
    public static (double Loss, double Error) Evaluate(Network network, float[] inputs, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        int n = labels.Length, size = network.InputSize, classes = network.OutputSize;
        if (n == 0) return (double.NaN, double.NaN);
        double loss = 0;
        long wrong = 0;
        for (int start = 0; start < n; start += EvaluationChunk)
        {
            int count = Math.Min(EvaluationChunk, n - start);
            var logits = network.Forward(inputs.AsSpan(start * size, count * size).ToArray(), count);
            var chunkLabels = labels.AsSpan(start, count).ToArray();
            loss += Network.SoftmaxCrossEntropy(logits, chunkLabels, count).Loss * count;
            wrong += Misclassified(logits, chunkLabels, count, classes);
        }
        return (loss / n, (double)wrong / n);
    }

    /// <summary>Counts rows whose largest logit is not at the label (ties go to the lowest index; a row with a non-finite logit counts as wrong).</summary>
    public static long Misclassified(float[] logits, int[] labels, int batch, int classes)
    {
        long wrong = 0;
        for (int b = 0; b < batch; b++)
        {
            var row = logits.AsSpan(b * classes, classes);
            int best = 0;
            bool finite = true;
            for (int c = 0; c < classes; c++)
            {
                if (!float.IsFinite(row[c])) finite = false;
                if (row[c] > row[best]) best = c;
            }
            if (!finite || best != labels[b]) wrong++;
        }
        return wrong;
    }

    private void Measure(long update, double trainLoss, double trainError, List<CurvePoint> curve, List<LayerActivationPoint> activations)
    {
        var (inputs, labels) = Data.TestSet;
        var (testLoss, testError) = Evaluate(Network, inputs, labels);
        curve.Add(new CurvePoint(update, Optimizer.CurrentLearningRate, trainLoss, trainError, testLoss, testError));
        int n = Math.Min(Options.StatisticsExamples, labels.Length);
        if (n == 0) return;
        Network.Forward(inputs.AsSpan(0, n * Data.InputSize).ToArray(), n);
        for (int i = 0; i < Network.Layers.Count; i++)
        {
            if (Network.Layers[i] is not (ActivationFunctionLayer or PReluLayer)) continue;
            var s = TensorStatistics.Of(Network.Activations[i]);
            activations.Add(new LayerActivationPoint(update, Network.Layers[i].Name, s.Mean, s.StandardDeviation, s.P98));
        }
    }
}
