using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using WeightInit.Analysis.Experiments;
using WeightInit.Training.Experiments;

namespace WeightInit.Cli.Commands;

/// <summary><c>weightinit report</c>: runs every experiment on embedded defaults and writes index.html, report.md and results.json.</summary>
internal sealed class ReportCommand : CliCommand
{
    /// <inheritdoc/>
    protected override Command Create(CliContext context)
    {
        var output = new Option<string>("--out") { Description = "Output directory (created if needed).", DefaultValueFactory = _ => "report" };
        var quick = new Option<bool>("--quick") { Description = "Smaller sizes and fewer repetitions: the same experiments in a fraction of the time." };
        var seed = new Option<ulong>("--seed") { Description = "Root seed of every random draw; the same seed gives a byte-identical results.json.", DefaultValueFactory = _ => 0 };
        var only = new Option<string[]>("--only") { Description = "Run only these experiments (names as listed by --list; repeat the option, or separate names by spaces or commas).", AllowMultipleArgumentsPerToken = true };
        var list = new Option<bool>("--list") { Description = "List the experiments and exit." };
        var threads = new Option<int>("--threads") { Description = "Most threads to use (0: all processors); results do not depend on it.", DefaultValueFactory = _ => 0 };
        var training = new Option<string?>("--training") { Description = "A `weightinit train --out` directory: add a section per training experiment found there (test-error table, error and loss curves)." };
        var full = new Option<bool>("--full") { Description = "Also train a scaled-down set (he-depth and glorot-table on Shapeset, 3 seeds each, about a minute on 2 cores) into OUT/training, reusing cached runs, and add it as with --training." };
        var command = new Command("report", "Predict and measure activation and gradient variance layer by layer for every experiment of the seed documents; write an HTML report.")
        {
            output, quick, seed, only, list, threads, training, full,
        };
        SetAction(command, context, parsed =>
        {
            if (parsed.GetValue(list))
            {
                foreach (var e in ReportRunner.Experiments) context.Output.WriteLine($"{e.Name,-20} {e.Title}");
                return ExitCodes.Success;
            }
            int threadCount = parsed.GetValue(threads);
            if (threadCount < 0) throw new UsageException($"--threads must be ≥ 0; got {threadCount}.");
            var selected = ReportRunner.Select(parsed.GetValue(only)?.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray());
            if (parsed.GetValue(full) && parsed.GetValue(training) is not null)
                throw new UsageException("--full trains into OUT/training and reports that; give either --full or --training DIR, not both.");
            string directory = parsed.GetValue(output)!;
            // Read the training results first: a missing or garbled cache stops the command before the long run,
            // and before --out is created.
            var loaded = parsed.GetValue(training) is { } trainingDir ? TrainingReport.Load(trainingDir) : [];
            OutputDirectory.Prepare(directory);
            // --full adds the scaled-down training experiments; they run under the same contract as the others.
            var experiments = parsed.GetValue(full)
                ? [.. selected, .. TrainingReport.Full(Path.Combine(directory, "training"), context.ErrorIsTerminal ? null : context.Error)]
                : selected;
            var settings = new ExperimentSettings(parsed.GetValue(seed), parsed.GetValue(quick), threadCount);
            var clock = Stopwatch.StartNew();
            var results = Run(context, experiments, settings);
            int ran = results.Count;
            // One list, whatever produced each result: the report renders them alike.
            results.AddRange(loaded);
            var files = ReportRunner.Write(results, settings, Version, directory);
            var console = context.CreateConsole();
            // The report's summary in short: the worst relative error beside its own sampling error, so noise and a wrong theory differ.
            var table = new Table().Border(TableBorder.Rounded).AddColumn("experiment").AddColumn("finding")
                .AddColumn(new TableColumn("worst rel. error").RightAligned()).AddColumn(new TableColumn("its sampling error, z").RightAligned());
            foreach (var r in results)
            {
                var worst = ReportBuilder.WorstComparison(r);
                table.AddRow(new Text(r.Name), new Text(r.Headline), new Text(worst is null ? "—" : ReportBuilder.FormatPercent(worst.RelativeError)),
                    new Text(worst is null ? "—" : ReportBuilder.ExpectedError(worst)));
            }
            console.Write(table);
            foreach (var f in files) context.Output.WriteLine($"wrote {f}");
            context.Output.WriteLine($"{ran} experiments in {clock.Elapsed.TotalSeconds:F1} s");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Version => typeof(ReportRunner).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static List<ExperimentResult> Run(CliContext context, IReadOnlyList<IExperiment> experiments, ExperimentSettings settings)
    {
        var results = new List<ExperimentResult>();
        if (!context.ErrorIsTerminal)
        {
            foreach (var e in experiments)
            {
                var clock = Stopwatch.StartNew();
                results.Add(e.Run(settings));
                context.Error.WriteLine($"{e.Name}: done in {clock.Elapsed.TotalSeconds:F1} s");
            }
            return results;
        }
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) })
            .Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var tasks = experiments.Select(e => ctx.AddTask(e.Name, autoStart: false, maxValue: 1.0)).ToList();
                for (int i = 0; i < experiments.Count; i++)
                {
                    var task = tasks[i];
                    task.StartTask();
                    results.Add(experiments[i].Run(settings, new Progress<double>(p => task.Value = Math.Min(p, 1.0))));
                    task.Value = 1.0;
                    task.StopTask();
                }
            });
        return results;
    }
}
