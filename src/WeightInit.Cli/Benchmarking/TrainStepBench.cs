using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using WeightInit.Models;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Training;
using WeightInit.Training.Optimization;

namespace WeightInit.Cli.Benchmarking;

/// <summary>Median and best seconds of one SGD step at one batch size.</summary>
/// <param name="Batch">Examples per step.</param>
/// <param name="Median">Median seconds per step.</param>
/// <param name="Best">Fastest step in seconds.</param>
internal sealed record StepTiming(int Batch, double Median, double Best);

/// <summary>Times one SGD step (forward, softmax cross-entropy, backward, momentum update) of Glorot &amp; Bengio's 1024-1000×5-9 tanh MLP, here and in PyTorch.</summary>
internal static class TrainStepBench
{
    /// <summary>Warm-up steps before timing.</summary>
    private const int WarmUp = 3;

    /// <summary>Times our engine: the same network, optimizer (SGD lr 0.01, momentum 0.9) and loss as train_step.py.</summary>
    public static IReadOnlyList<StepTiming> Measure(IReadOnlyList<int> batches, int threads, int repetitions)
    {
        var key = PhiloxKey.FromSeed(0);
        var network = Network.Build(TrainingModels.Mlp(1024, 5, 1000, "tanh", 9, "glorot_uniform"), key, threads);
        var sgd = new Sgd(network.Parameters, new SgdOptions(0.01, Momentum: 0.9));
        var results = new List<StepTiming>();
        foreach (int batch in batches)
        {
            var x = new float[batch * 1024];
            new UniformDistribution(0, 1).Fill(key.Fold("x"), x);
            var y = Enumerable.Range(0, batch).Select(i => i % 9).ToArray();
            void Step()
            {
                var logits = network.Forward(x, batch);
                network.Backward(Network.SoftmaxCrossEntropy(logits, y, batch).Gradient);
                sgd.Step();
            }
            for (int i = 0; i < WarmUp; i++) Step();
            var times = new double[repetitions];
            for (int i = 0; i < repetitions; i++)
            {
                long start = Stopwatch.GetTimestamp();
                Step();
                times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
            Array.Sort(times);
            results.Add(new StepTiming(batch, times[repetitions / 2], times[0]));
        }
        return results;
    }

    /// <summary>Runs the embedded train_step.py under <paramref name="python"/>; the version (null with a note when PyTorch is missing) and timings.</summary>
    public static (string? Version, string? Note, IReadOnlyList<StepTiming> Results) MeasureTorch(string python, IReadOnlyList<int> batches, int threads, int repetitions)
    {
        string count = threads.ToString(CultureInfo.InvariantCulture);
        var run = PythonScript.Run(python, PythonScript.Embedded("train_step.py"),
            [count, repetitions.ToString(CultureInfo.InvariantCulture), .. batches.Select(b => b.ToString(CultureInfo.InvariantCulture))],
            new Dictionary<string, string> { ["OMP_NUM_THREADS"] = count }, TimeSpan.FromMinutes(10));
        if (run.Output is null) return (null, run.Problem, []);
        using var doc = JsonDocument.Parse(run.Output);
        var root = doc.RootElement;
        var results = root.GetProperty("results").EnumerateArray()
            .Select(r => new StepTiming(r.GetProperty("batch").GetInt32(), r.GetProperty("median").GetDouble(), r.GetProperty("best").GetDouble())).ToList();
        string? version = root.GetProperty("version").ValueKind == JsonValueKind.String ? root.GetProperty("version").GetString() : null;
        string? note = root.GetProperty("note").ValueKind == JsonValueKind.String ? root.GetProperty("note").GetString() : null;
        return (version, note, results);
    }
}
