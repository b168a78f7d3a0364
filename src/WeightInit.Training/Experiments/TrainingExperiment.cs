using System.Globalization;
using System.Text;
using WeightInit.Analysis.Experiments;
using WeightInit.Analysis.Measurement;
using WeightInit.Reporting;
using WeightInit.Training.Data;

namespace WeightInit.Training.Experiments;

/// <summary>What a training summary needs to know of the data (so a summary can be rebuilt from the cached runs without the data).</summary>
/// <param name="Name">The data's readable name.</param>
/// <param name="ClassCount">Number of classes.</param>
/// <param name="TestExamples">Test examples each curve point is measured on.</param>
public sealed record DataFacts(string Name, int ClassCount, int TestExamples)
{
    /// <summary>The facts of <paramref name="data"/>.</summary>
    public static DataFacts Of(TrainingData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new(data.Name, data.ClassCount, data.TestSet.Labels.Length);
    }
}

/// <summary>One configuration of an experiment (a planned run) with its runs, one per seed.</summary>
/// <param name="Id">The configuration's id: the id of its first seed's run.</param>
/// <param name="Label">Its readable label.</param>
/// <param name="Tags">Its grouping values.</param>
/// <param name="Runs">Its runs, in seed order.</param>
public sealed record RunGroup(string Id, string Label, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<RunRecord> Runs)
{
    /// <summary>The runs grouped by configuration (<see cref="RunRecord.Configuration"/>, else the run's id), in order of first appearance.</summary>
    public static IReadOnlyList<RunGroup> Of(IReadOnlyList<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return runs.GroupBy(r => r.Configuration ?? r.Id).Select(g => new RunGroup(g.Key, g.First().Label, g.First().Tags, g.ToList())).ToList();
    }

    /// <summary>Mean and sample standard deviation over the seeds of one number per run (mean +∞ when a run's number is not finite).</summary>
    public (double Mean, double Spread) Final(Func<TrainingResult, double> metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var (mean, spread) = RunSpread.MeanAndSpread(Runs.Select(r => new[] { metric(r.Result) }).ToList());
        return (mean[0], spread[0]);
    }

    /// <summary>Runs that diverged.</summary>
    public int Diverged => Runs.Count(r => r.Result.Diverged);

    /// <summary>The curve of one quantity over the seeds: the update counts where every run has a finite value, and there the
    /// mean and sample standard deviation over the runs.</summary>
    public (double[] Updates, double[] Mean, double[] Spread) Curve(Func<CurvePoint, double> metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        int length = Runs.Min(r => r.Result.Curve.Count);
        var keep = Enumerable.Range(0, length).Where(i => Runs.All(r => double.IsFinite(metric(r.Result.Curve[i])) && r.Result.Curve[i].Update == Runs[0].Result.Curve[i].Update)).ToList();
        if (keep.Count == 0) return ([], [], []);
        var (mean, spread) = RunSpread.MeanAndSpread(Runs.Select(r => keep.Select(i => metric(r.Result.Curve[i])).ToArray()).ToList());
        return (keep.Select(i => (double)Runs[0].Result.Curve[i].Update).ToArray(), mean, spread);
    }
}

/// <summary>A convergence experiment: a plan of training runs, each trained for several seeds, and a summary of their results.</summary>
/// <remarks>The summary is an <see cref="ExperimentResult"/>, the result type of the report's experiments too: <c>train</c> writes
/// it as summary.md through <see cref="ReportBuilder.Page"/>, and the report renders it as a section like any other.</remarks>
public abstract class TrainingExperiment
{
    /// <summary>The name used on the command line (<c>train --exp</c>) and as the experiment's directory.</summary>
    public abstract string Name { get; }

    /// <summary>The name of its result, unique among all experiments of the report: "training-" + <see cref="Name"/>.</summary>
    public string ResultName => ResultPrefix + Name;

    /// <summary>The prefix of <see cref="ResultName"/>.</summary>
    public const string ResultPrefix = "training-";

    /// <summary>A one-line description.</summary>
    public abstract string Title { get; }

    /// <summary>The runs (configurations) for these settings and data; each is trained for <see cref="TrainingSettings.Seeds"/> seeds.</summary>
    public abstract IReadOnlyList<PlannedRun> Plan(TrainingSettings settings, TrainingData data);

    /// <summary>Summarises the finished runs (every seed of every configuration) as a result: paragraphs, the table, the figures
    /// (named by their file, see <see cref="ExperimentResult.AddFigure"/>) and the data of results.json.</summary>
    public abstract ExperimentResult Summarize(IReadOnlyList<RunRecord> runs, TrainingSettings settings, DataFacts data);

    /// <summary>Every experiment, in help order.</summary>
    public static IReadOnlyList<TrainingExperiment> All { get; } =
        [new GlorotTableExperiment(), new HeDepthTrainingExperiment(), new DepthSweepExperiment(), new InitComparisonExperiment("lsuv", "relu"), new InitComparisonExperiment("orthogonal", "tanh")];

    /// <summary>The experiment named <paramref name="name"/> (its <see cref="Name"/> or its <see cref="ResultName"/>).</summary>
    /// <exception cref="ArgumentException">No such experiment; the message lists the names.</exception>
    public static TrainingExperiment Find(string name) =>
        All.FirstOrDefault(e => e.Name == name || e.ResultName == name) ?? throw new ArgumentException(WeightInit.Naming.Vocabulary.Unknown("experiment", name, All.Select(e => e.Name)));

    /// <summary>Runs every configuration for every seed (resuming from the cache) and writes runs/*.json, summary.md, summary.json
    /// (with the settings and the ids of its runs), curves.csv and the figures into <paramref name="directory"/>.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="directory">The experiment's directory.</param>
    /// <param name="log">Progress lines with ETA, or null.</param>
    /// <param name="progress">Receives the completed fraction of the training work in [0, 1], or null.</param>
    public ExperimentResult RunAndWrite(TrainingSettings settings, string directory, TextWriter? log = null, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var data = settings.OpenData();
        var plan = Plan(settings, data);
        TrainingRunner.CheckFits(plan);
        var records = TrainingRunner.RunSeeds(plan, data, settings, directory, log, progress);
        var facts = DataFacts.Of(data);
        var result = Summarize(records, settings, facts);
        TrainingRunner.WriteText(Path.Combine(directory, "summary.md"), ReportBuilder.Page(result));
        TrainingRunner.WriteJson(Path.Combine(directory, "summary.json"), new
        {
            experiment = Name, data = data.Name, settings.Seed, settings.Seeds, classes = facts.ClassCount, test_examples = facts.TestExamples,
            table = TableRows(result), runs = records.Select(r => r.Id).ToArray(), settings,
        });
        TrainingRunner.WriteText(Path.Combine(directory, "curves.csv"), CurvesCsv(records));
        foreach (var (chart, _) in result.Figures)
            if (result.FigureFile(chart) is { } file)
                TrainingRunner.WriteText(Path.Combine(directory, file), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + chart.ToSvg());
        return result;
    }

    /// <summary>Every curve point of every run as CSV: run, update, learning rate, train loss/error, test loss/error.</summary>
    public static string CurvesCsv(IReadOnlyList<RunRecord> runs)
    {
        var sb = new StringBuilder("run,update,learning_rate,train_loss,train_error,test_loss,test_error\n");
        foreach (var r in runs)
            foreach (var p in r.Result.Curve)
                sb.Append(CultureInfo.InvariantCulture, $"{r.Id},{p.Update},{p.LearningRate:R},{p.TrainLoss:R},{p.TrainError:R},{p.TestLoss:R},{p.TestError:R}\n");
        return sb.ToString();
    }

    /// <summary>Test error (or training loss) against updates: per configuration the mean over its seeds (line) ± one sample
    /// standard deviation (band).</summary>
    public static SvgChart CurveChart(string title, IReadOnlyList<RunGroup> groups, bool loss = false)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var chart = new SvgChart { Title = title, XAxis = AxisOptions.Linear("updates"), YAxis = AxisOptions.Linear(loss ? "training loss (mean over the interval)" : "test error") };
        foreach (var g in groups)
        {
            var (x, mean, spread) = g.Curve(p => loss ? p.TrainLoss : p.TestError);
            if (x.Length == 0) continue;
            chart.AddMeanWithSpread(g.Label, x, mean, spread);
        }
        return chart;
    }

    /// <summary>Glorot &amp; Bengio's Figures 3 and 10: per layer, the 98th percentile (markers) and standard deviation (dashed) of the activations over training.</summary>
    protected static SvgChart ActivationChart(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var chart = new SvgChart { Title = $"{run.Label}: activations, p98 (markers), std (dashed)", XAxis = AxisOptions.Linear("updates"), YAxis = AxisOptions.Linear("activation") };
        foreach (var layer in run.Result.Activations.GroupBy(a => a.Layer))
        {
            var x = layer.Select(a => (double)a.Update).ToList();
            chart.AddLine($"{layer.Key} p98", x, layer.Select(a => a.P98).ToList(), markers: true);
            chart.AddLine($"{layer.Key} std", x, layer.Select(a => a.StandardDeviation).ToList(), dash: LineDash.Dashed);
        }
        return chart;
    }

    /// <summary>The result with the common header: data, seeds, runs, training time, schedule.</summary>
    protected ExperimentResult NewResult(TrainingSettings settings, DataFacts data, IReadOnlyList<RunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(runs);
        var result = new ExperimentResult(ResultName, "Training: " + Title) { Kind = ExperimentKind.Training };
        int configurations = RunGroup.Of(runs).Count;
        int seeds = runs.Count / Math.Max(1, configurations);
        string seedText = seeds == 1 ? $"seed {settings.Seed}" : $"seeds {settings.Seed} to {unchecked(settings.Seed + (ulong)(seeds - 1))} ({seeds} runs per configuration)";
        result.Paragraphs.Add($"Data: {data.Name} ({data.TestExamples} test examples); {seedText}; {runs.Count} runs, " +
            $"{runs.Sum(r => r.Seconds).ToString("F0", CultureInfo.InvariantCulture)} s of training in all; learning-rate schedule {settings.Schedule ?? "constant"}.");
        return result;
    }

    /// <summary>Adds the table, the training-loss and test-error figures (loss.svg, error.svg), the headline and the data of
    /// results.json (the table and every run's curve; no wall times, so the same runs give the same bytes).</summary>
    protected void Finish(ExperimentResult result, IReadOnlyList<RunRecord> runs, TrainingSettings settings, DataFacts data, ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(table);
        var groups = RunGroup.Of(runs);
        int seeds = groups.Max(g => g.Runs.Count);
        string over = seeds == 1 ? "one seed (no spread)" : $"the {seeds} seeds of each configuration: mean (line) ± one sample standard deviation (band)";
        result.Tables.Insert(0, (table, seeds == 1 ? "Final values of each run." : $"Final values: mean ± sample standard deviation over the {seeds} seeds of each configuration."));
        result.AddFigure(CurveChart($"{Name}: training loss", groups, loss: true), $"Mean training loss over each evaluation interval against SGD updates, over {over}.", "loss.svg");
        result.AddFigure(CurveChart($"{Name}: test error", groups), $"Test error against SGD updates, over {over}.", "error.svg");
        var best = groups.Select(g => (Group: g, Error: g.Final(r => r.FinalTestError))).Where(g => double.IsFinite(g.Error.Mean)).MinBy(g => g.Error.Mean);
        result.Headline = best.Group is null ? "every configuration diverged" : $"lowest {(seeds == 1 ? "" : "mean ")}final test error {MeanPercent(best.Error, seeds)} ({best.Group.Label})";
        if (runs.Count(r => r.Result.Diverged) is > 0 and var diverged)
            result.Paragraphs.Add($"{diverged} of {runs.Count} runs diverged (loss not finite); their curves stop there, and the means leave them out from there.");
        result.AddData("data", data.Name);
        result.AddData("seed", settings.Seed.ToString(CultureInfo.InvariantCulture));
        result.AddData("seeds", seeds);
        result.AddData("table", TableRows(result));
        result.AddData("runs", runs.Select(r => new Dictionary<string, object>
        {
            ["id"] = r.Id,
            ["label"] = r.Label,
            ["seed"] = (r.Seed ?? settings.Seed).ToString(CultureInfo.InvariantCulture),
            ["diverged"] = r.Result.Diverged,
            ["final_test_error"] = r.Result.FinalTestError,
            ["update"] = r.Result.Curve.Select(p => p.Update).ToList(),
            ["train_loss"] = r.Result.Curve.Select(p => p.TrainLoss).ToList(),
            ["test_error"] = r.Result.Curve.Select(p => p.TestError).ToList(),
        }).ToList());
    }

    /// <summary>The first table's rows as column → value (summary.json and results.json).</summary>
    protected static IReadOnlyList<IReadOnlyDictionary<string, string>> TableRows(ExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Tables.Count == 0) return [];
        var table = result.Tables[0].Table;
        return table.Rows.Select(r => (IReadOnlyDictionary<string, string>)table.Header.Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    /// <summary>A configuration's final test error: its mean as a percentage ± the sample standard deviation (one seed: the
    /// value), with how many runs diverged.</summary>
    protected static string TestError(RunGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        string text = MeanPercent(group.Final(r => r.FinalTestError), group.Runs.Count);
        return group.Diverged == 0 ? text : text + (group.Runs.Count == 1 ? " (diverged)" : $" ({group.Diverged} of {group.Runs.Count} diverged)");
    }

    /// <summary>"45.3% ± 2.1%" (or "45.3%" for one run); "—" when not finite.</summary>
    protected static string MeanPercent((double Mean, double Spread) value, int runs = 2) =>
        !double.IsFinite(value.Mean) ? "—" : runs == 1 ? TrainingRunner.Percent(value.Mean) : $"{TrainingRunner.Percent(value.Mean)} ± {TrainingRunner.Percent(value.Spread)}";

    /// <summary>"2.197 ± 0.012" (or "2.197" for one run); "—" when not finite.</summary>
    protected static string MeanF3(RunGroup group, Func<TrainingResult, double> metric)
    {
        ArgumentNullException.ThrowIfNull(group);
        var (mean, spread) = group.Final(metric);
        return !double.IsFinite(mean) ? "—" : group.Runs.Count == 1 ? F3(mean) : $"{F3(mean)} ± {F3(spread)}";
    }

    /// <summary>A number with three decimals, or "—".</summary>
    protected static string F3(double x) => double.IsFinite(x) ? x.ToString("F3", CultureInfo.InvariantCulture) : "—";

    /// <summary>Evaluation interval for a run of <paramref name="updates"/> updates: 20 points.</summary>
    protected static int Every(int updates) => Math.Max(1, updates / 20);

    /// <summary>Tags as a dictionary.</summary>
    protected static IReadOnlyDictionary<string, string> Tags(params (string Key, string Value)[] tags) => tags.ToDictionary(t => t.Key, t => t.Value);
}
