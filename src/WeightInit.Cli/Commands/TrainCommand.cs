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
        var batch = new Option<int?>("--batch") { Description = "Minibatch size (default: the experiment's)." };
        var testExamples = new Option<int>("--test-examples") { Description = "Test examples evaluated at each curve point.", DefaultValueFactory = _ => 2000 };
        var threads = new Option<int>("--threads") { Description = "Most threads (0: all processors); results do not depend on it.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output directory; results go to OUT/EXPERIMENT/ (runs/*.json cache, summary.md, summary.json, curves.csv, *.svg).", DefaultValueFactory = _ => "training" };
        var list = new Option<bool>("--list") { Description = "List the experiments and exit." };
        var command = new Command("train", "Train networks from different initializations and compare how they converge (Glorot & Bengio Table 1, He et al. deep ReLU nets, mean-field depth sweep, LSUV).")
        {
            exp, data, updates, width, depths, seed, lr, batch, testExamples, threads, output, list,
        };
        SetAction(command, context, parsed =>
        {
            if (parsed.GetValue(list))
            {
                foreach (var e in TrainingExperiment.All) context.Output.WriteLine($"{e.Name,-14} {e.Title}");
                return ExitCodes.Success;
            }
            string name = parsed.GetValue(exp) ?? throw new UsageException($"train needs --exp NAME; valid: {string.Join(", ", TrainingExperiment.All.Select(e => e.Name))}.");
            var experiment = TrainingExperiment.Find(name);
            var settings = new TrainingSettings(parsed.GetValue(data)!, parsed.GetValue(seed), parsed.GetValue(updates), parsed.GetValue(width),
                ParseDepths(parsed.GetValue(depths)), parsed.GetValue(lr), parsed.GetValue(batch), parsed.GetValue(testExamples), parsed.GetValue(threads));
            settings.Validate();
            string directory = Path.Combine(parsed.GetValue(output)!, experiment.Name);
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--out: cannot create '{directory}': {e.Message}");
            }
            var clock = Stopwatch.StartNew();
            ExperimentOutcome outcome;
            try
            {
                outcome = experiment.RunAndWrite(settings, directory, context.Error);
            }
            catch (FileNotFoundException e) when (settings.Data == "fashion-mnist")
            {
                throw new UsageException(e.Message);
            }
            context.Output.Write(outcome.Markdown);
            context.Output.WriteLine($"wrote {directory} in {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            return ExitCodes.Success;
        });
        return command;
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
