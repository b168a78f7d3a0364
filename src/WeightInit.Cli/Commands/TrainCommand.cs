using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using WeightInit.Training.Data;
using WeightInit.Training.Experiments;

namespace WeightInit.Cli.Commands;

/// <summary><c>weightinit train</c>: runs a convergence experiment (Glorot's Table 1, He's deep ReLU nets, depth sweep, LSUV), caching each run.</summary>
internal sealed class TrainCommand : CliCommand
{
    /// <inheritdoc/>
    protected override Command Create(CliContext context)
    {
        var exp = new Option<string?>("--exp") { Description = $"The experiment: {string.Join(", ", TrainingExperiment.All.Select(e => e.Name))}." };
        var data = new Option<string>("--data") { Description = "shapeset (the embedded Shapeset-3×2 stream), fashion-mnist (Debian's dataset-fashion-mnist), or a directory of MNIST-format IDX files.", DefaultValueFactory = _ => "shapeset" };
        var updates = new Option<int?>("--updates") { Description = "SGD updates per run (default: the experiment's)." };
        var width = new Option<int?>("--width") { Description = "Units per hidden layer (default: the experiment's)." };
        var depths = new Option<string?>("--depths") { Description = "Comma-separated depths in weight layers, for he-depth, depth-sweep, lsuv and orthogonal." };
        var seed = new Option<ulong>("--seed") { Description = "Root seed of data order, Shapeset stream and initial weights.", DefaultValueFactory = _ => 0 };
        var lr = new Option<double?>("--lr") { Description = "Base learning rate (default: the experiment's)." };
        var schedule = new Option<string?>("--schedule") { Description = $"Learning-rate schedule: {string.Join(", ", WeightInit.Training.Optimization.LearningRateSchedule.Forms)} (default constant)." };
        var batch = new Option<int?>("--batch") { Description = "Minibatch size (default: the experiment's)." };
        var testExamples = new Option<int>("--test-examples") { Description = "Test examples evaluated at each curve point.", DefaultValueFactory = _ => 2000 };
        var threads = new Option<int>("--threads") { Description = "Most threads (0: all processors); results do not depend on it.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output directory; results go to OUT/EXPERIMENT/ (runs/*.json cache, summary.md, summary.json, curves.csv, *.svg).", DefaultValueFactory = _ => "training" };
        var arch = new Option<string?>("--arch") { Description = "he-depth only: mlp (default) or conv (3×3 convolutions with --width channels, default 8, and a dense head)." };
        var activation = new Option<string?>("--activation") { Description = "he-depth only: relu (default) or prelu (learnable channel-wise PReLU; He's init uses its slope 0.25)." };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per configuration (--seed, --seed+1, …): curves and tables give the mean ± spread over them.", DefaultValueFactory = _ => TrainingSettings.DefaultSeeds };
        var list = new Option<bool>("--list") { Description = "List the experiments and exit." };
        var benchStep = new Option<bool>("--bench-step") { Description = "Time one SGD step of the 1024-1000x5-9 tanh MLP at batch 10 and 128 (or --batch), here and in PyTorch CPU with the same thread count." };
        var repetitions = new Option<int>("--repetitions") { Description = "Timed steps per batch size for --bench-step (the median is reported).", DefaultValueFactory = _ => 20 };
        var python = new Option<string>("--python") { Description = "Python interpreter with PyTorch for --bench-step.", DefaultValueFactory = _ => Benchmarking.PythonComparison.DefaultPython };
        var command = new Command("train", "Train networks from different initializations and compare how they converge (Glorot & Bengio Table 1, He et al. deep ReLU nets, mean-field depth sweep, LSUV).")
        {
            exp, data, updates, width, depths, seed, lr, schedule, batch, testExamples, threads, output, list, benchStep, repetitions, python, arch, activation, seeds,
        };
        SetAction(command, context, parsed =>
        {
            if (parsed.GetValue(list))
            {
                foreach (var e in TrainingExperiment.All) context.Output.WriteLine($"{e.Name,-14} {e.Title}");
                return ExitCodes.Success;
            }
            if (parsed.GetValue(benchStep))
            {
                int n = parsed.GetValue(threads) is > 0 and var t ? t : Environment.ProcessorCount;
                int reps = parsed.GetValue(repetitions);
                if (reps < 1) throw new UsageException($"--repetitions must be positive; got {reps}.");
                if (parsed.GetValue(batch) is < 1) throw new UsageException($"--batch must be positive; got {parsed.GetValue(batch)}.");
                BenchStep(context, parsed.GetValue(batch) is { } b ? [b] : [10, 128], n, reps, parsed.GetValue(python)!);
                return ExitCodes.Success;
            }
            string name = parsed.GetValue(exp) ?? throw new UsageException($"train needs --exp NAME; valid: {string.Join(", ", TrainingExperiment.All.Select(e => e.Name))}.");
            var experiment = TrainingExperiment.Find(name);
            if (experiment.Name != "he-depth" && (parsed.GetValue(arch) is not null || parsed.GetValue(activation) is not null))
                throw new UsageException($"--arch and --activation apply to --exp he-depth only; got --exp {experiment.Name}.");
            var settings = new TrainingSettings(parsed.GetValue(data)!, parsed.GetValue(seed), parsed.GetValue(updates), parsed.GetValue(width),
                ParseDepths(parsed.GetValue(depths)), parsed.GetValue(lr), parsed.GetValue(batch), parsed.GetValue(testExamples), parsed.GetValue(threads), parsed.GetValue(schedule),
                parsed.GetValue(arch), parsed.GetValue(activation), parsed.GetValue(seeds));
            settings.Validate();
            string directory = Path.Combine(parsed.GetValue(output)!, experiment.Name);
            string? created = OutputDirectory.Prepare(directory);
            var clock = Stopwatch.StartNew();
            WeightInit.Analysis.Experiments.ExperimentResult outcome;
            try
            {
                outcome = experiment.RunAndWrite(settings, directory, context.Error);
            }
            catch (Exception e)
            {
                // A run refused before it trained (too large, unreadable data) leaves no directory it created behind.
                WeightInit.IO.CreatedDirectory.RemoveIfNoFiles(created);
                if (e is FileNotFoundException && settings.Data == "fashion-mnist") throw new UsageException(e.Message);
                throw;
            }
            context.Output.Write(WeightInit.Analysis.Experiments.ReportBuilder.Page(outcome));
            context.Output.WriteLine($"wrote {directory} in {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            return ExitCodes.Success;
        });
        return command;
    }

    private static void BenchStep(CliContext context, int[] batches, int threads, int repetitions, string python)
    {
        var ours = Benchmarking.TrainStepBench.Measure(batches, threads, repetitions);
        var (version, note, torch) = Benchmarking.TrainStepBench.MeasureTorch(python, batches, threads, repetitions);
        static string Ms(double s) => (1000 * s).ToString("F2", CultureInfo.InvariantCulture);
        context.Output.WriteLine($"One SGD step (forward, softmax cross-entropy, backward, momentum update) of the 1024-1000x5-9 tanh MLP, float32, {threads} threads, median of {repetitions} steps after 3 warm-up steps.");
        context.Output.WriteLine(version is null ? $"PyTorch: not measured ({note})." : $"PyTorch {version} CPU ({python}).");
        context.Output.WriteLine();
        context.Output.WriteLine("| batch | weightinit ms/step (best) | PyTorch ms/step (best) | weightinit throughput / PyTorch |");
        context.Output.WriteLine("|---|---|---|---|");
        foreach (var o in ours)
        {
            var t = torch.FirstOrDefault(r => r.Batch == o.Batch);
            string torchText = t is null ? "—" : $"{Ms(t.Median)} ({Ms(t.Best)})";
            string ratio = t is null ? "—" : (t.Median / o.Median).ToString("F2", CultureInfo.InvariantCulture) + "×";
            context.Output.WriteLine($"| {o.Batch} | {Ms(o.Median)} ({Ms(o.Best)}) | {torchText} | {ratio} |");
        }
    }

    private static IReadOnlyList<int>? ParseDepths(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var depths = new List<int>();
        foreach (var p in parts)
            depths.Add(int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int d) && d > 0
                ? d : throw new UsageException($"--depths: '{p}' is not a positive integer; give depths like 10,20,40."));
        return depths.Count > 0 ? depths : throw new UsageException("--depths is empty; give depths like 10,20,40.");
    }
}
