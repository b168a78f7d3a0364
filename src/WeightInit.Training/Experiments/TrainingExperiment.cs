using System.Globalization;
using System.Text;
using WeightInit.Reporting;
using WeightInit.Training.Data;

namespace WeightInit.Training.Experiments;

/// <summary>What an experiment produced: a Markdown summary and SVG figures, written beside the cached runs.</summary>
/// <param name="Markdown">The summary: settings, table(s), what to compare with.</param>
/// <param name="Figures">File name → chart.</param>
/// <param name="Table">The summary table as rows of column → value (also in summary.json).</param>
public sealed record ExperimentOutcome(string Markdown, IReadOnlyDictionary<string, SvgChart> Figures, IReadOnlyList<IReadOnlyDictionary<string, string>> Table);

/// <summary>A convergence experiment: a plan of training runs and a summary of their results.</summary>
public abstract class TrainingExperiment
{
    /// <summary>The name used on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>A one-line description.</summary>
    public abstract string Title { get; }

    /// <summary>The runs for these settings and data.</summary>
    public abstract IReadOnlyList<PlannedRun> Plan(TrainingSettings settings, TrainingData data);

    /// <summary>Summarises the finished runs.</summary>
    public abstract ExperimentOutcome Summarize(IReadOnlyList<RunRecord> runs, TrainingSettings settings, TrainingData data);

    /// <summary>Every experiment, in help order.</summary>
    public static IReadOnlyList<TrainingExperiment> All { get; } =
        [new GlorotTableExperiment(), new HeDepthExperiment(), new DepthSweepExperiment(), new InitComparisonExperiment("lsuv", "relu"), new InitComparisonExperiment("orthogonal", "tanh")];

    /// <summary>The experiment named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such experiment; the message lists the names.</exception>
    public static TrainingExperiment Find(string name) =>
        All.FirstOrDefault(e => e.Name == name) ?? throw new ArgumentException(WeightInit.Naming.Vocabulary.Unknown("experiment", name, All.Select(e => e.Name)));

    /// <summary>Runs (resuming from the cache) and writes runs/*.json, summary.md, summary.json (with the ids of its runs), curves.csv and the figures into <paramref name="directory"/>.</summary>
    public ExperimentOutcome RunAndWrite(TrainingSettings settings, string directory, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var data = settings.OpenData();
        var plan = Plan(settings, data);
        var records = TrainingRunner.Run(plan, data, settings, directory, log);
        var outcome = Summarize(records, settings, data);
        TrainingRunner.WriteText(Path.Combine(directory, "summary.md"), outcome.Markdown);
        TrainingRunner.WriteJson(Path.Combine(directory, "summary.json"), new { experiment = Name, data = data.Name, settings.Seed, table = outcome.Table, runs = records.Select(r => r.Id).ToArray() });
        TrainingRunner.WriteText(Path.Combine(directory, "curves.csv"), CurvesCsv(records));
        foreach (var (file, chart) in outcome.Figures)
            TrainingRunner.WriteText(Path.Combine(directory, file), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + chart.ToSvg());
        return outcome;
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

    /// <summary>Test error against updates, one line per run.</summary>
    protected internal static SvgChart ErrorChart(string title, IEnumerable<RunRecord> runs, bool loss = false)
    {
        var chart = new SvgChart { Title = title, XAxis = AxisOptions.Linear("updates"), YAxis = AxisOptions.Linear(loss ? "training loss (mean over the interval)" : "test error") };
        foreach (var r in runs)
        {
            var points = r.Result.Curve.Where(p => loss ? double.IsFinite(p.TrainLoss) : double.IsFinite(p.TestError)).ToList();
            if (points.Count == 0) continue;
            chart.AddLine(r.Label, points.Select(p => (double)p.Update).ToList(), points.Select(p => loss ? p.TrainLoss : p.TestError).ToList());
        }
        return chart;
    }

    /// <summary>Glorot &amp; Bengio's Figures 3 and 10: per layer, the 98th percentile (markers) and standard deviation (dashed) of the activations over training.</summary>
    protected static SvgChart ActivationChart(RunRecord run)
    {
        var chart = new SvgChart { Title = $"{run.Label}: activations, p98 (markers), std (dashed)", XAxis = AxisOptions.Linear("updates"), YAxis = AxisOptions.Linear("activation") };
        foreach (var layer in run.Result.Activations.GroupBy(a => a.Layer))
        {
            var x = layer.Select(a => (double)a.Update).ToList();
            chart.AddLine($"{layer.Key} p98", x, layer.Select(a => a.P98).ToList(), markers: true);
            chart.AddLine($"{layer.Key} std", x, layer.Select(a => a.StandardDeviation).ToList(), dash: LineDash.Dashed);
        }
        return chart;
    }

    /// <summary>A Markdown table.</summary>
    protected static string MarkdownTable(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var sb = new StringBuilder();
        sb.Append("| ").AppendJoin(" | ", columns).Append(" |\n|").AppendJoin("|", columns.Select(_ => "---")).Append("|\n");
        foreach (var row in rows) sb.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        return sb.ToString();
    }

    /// <summary>Rows as dictionaries for summary.json.</summary>
    protected static IReadOnlyList<IReadOnlyDictionary<string, string>> TableRows(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows) =>
        rows.Select(r => (IReadOnlyDictionary<string, string>)columns.Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();

    /// <summary>The common header of every summary.</summary>
    protected string Header(TrainingSettings settings, TrainingData data, IReadOnlyList<RunRecord> runs) =>
        $"# {Title}\n\nData: {data.Name} ({data.TestSet.Labels.Length} test examples); seed {settings.Seed}; {runs.Count} runs, " +
        $"{runs.Sum(r => r.Seconds).ToString("F0", CultureInfo.InvariantCulture)} s of training in all; learning-rate schedule {settings.Schedule ?? "constant"}.\n\n";

    /// <summary>A run's final test error as a percentage, marked when the run diverged.</summary>
    protected static string TestError(TrainingResult r) => TrainingRunner.Percent(r.FinalTestError) + (r.Diverged ? " (diverged)" : "");

    /// <summary>The outcome of an experiment whose figures are the training-loss and test-error curves of every run.</summary>
    protected static ExperimentOutcome LossAndErrorOutcome(string markdown, IReadOnlyList<RunRecord> runs, IReadOnlyList<string> columns,
        IReadOnlyList<IReadOnlyList<string>> rows) =>
        new(markdown, new Dictionary<string, SvgChart>
        {
            ["loss.svg"] = ErrorChart("Training loss", runs, loss: true),
            ["error.svg"] = ErrorChart("Test error", runs),
        }, TableRows(columns, rows));

    /// <summary>A number with three decimals, or "—".</summary>
    protected static string F3(double x) => double.IsFinite(x) ? x.ToString("F3", CultureInfo.InvariantCulture) : "—";

    /// <summary>Evaluation interval for a run of <paramref name="updates"/> updates: 20 points.</summary>
    protected static int Every(int updates) => Math.Max(1, updates / 20);

    /// <summary>Tags as a dictionary.</summary>
    protected static IReadOnlyDictionary<string, string> Tags(params (string Key, string Value)[] tags) => tags.ToDictionary(t => t.Key, t => t.Value);
}
