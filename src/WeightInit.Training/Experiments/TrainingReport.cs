using System.Globalization;
using System.Text.Json;
using WeightInit.Analysis.Experiments;
using WeightInit.Reporting;

namespace WeightInit.Training.Experiments;

/// <summary>Reads what <c>weightinit train --out DIR</c> left in DIR (summary.json and the cached runs of each experiment) as report sections.</summary>
/// <remarks>
/// An experiment is found when DIR/NAME/summary.json exists for a NAME of <see cref="TrainingExperiment.All"/>; its sections come in that
/// order. Each gives the summary table of test errors, a test-error chart and a training-loss chart against updates, and for results.json
/// the table and every run's curve (run wall times are left out, so the same runs give the same bytes).
/// </remarks>
public static class TrainingReport
{
    /// <summary>One report section per training experiment found in <paramref name="directory"/>.</summary>
    /// <param name="directory">A <c>train --out</c> directory.</param>
    /// <exception cref="ArgumentException">The directory is missing, holds no experiment, or a summary or run file is missing or unreadable;
    /// the message names the file and how to regenerate it.</exception>
    public static IReadOnlyList<ExperimentResult> Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
            throw new ArgumentException($"--training: '{directory}' is not a directory; give the --out directory of `weightinit train`.");
        var results = new List<ExperimentResult>();
        foreach (var experiment in TrainingExperiment.All)
        {
            string expDir = Path.Combine(directory, experiment.Name);
            string summaryPath = Path.Combine(expDir, "summary.json");
            if (!File.Exists(summaryPath)) continue;
            results.Add(LoadExperiment(experiment, expDir, summaryPath));
        }
        if (results.Count == 0 && File.Exists(Path.Combine(directory, "summary.json")))
            throw new ArgumentException($"--training: '{directory}' is one experiment's directory; give its parent, the --out directory of `weightinit train`.");
        if (results.Count == 0)
            throw new ArgumentException($"--training: '{directory}' holds no training experiment (looked for NAME/summary.json with NAME one of " +
                $"{string.Join(", ", TrainingExperiment.All.Select(e => e.Name))}); run `weightinit train --exp NAME --out {directory}` first.");
        return results;
    }

    /// <summary>The scaled-down training set of <c>weightinit report --full</c>: <c>he-depth</c> and <c>glorot-table</c> on Shapeset-3×2.</summary>
    /// <remarks>The sizes of the CI convergence tests: he-depth at depth 30, width 64, 200 updates (4 runs); glorot-table at width 100,
    /// 300 updates (6 runs); 1000 test examples. About 25 s on 2 cores.</remarks>
    /// <param name="seed">Root seed of data order and initial weights.</param>
    /// <param name="threads">Most threads (0: all processors).</param>
    public static IReadOnlyList<(TrainingExperiment Experiment, TrainingSettings Settings)> FullSet(ulong seed, int threads) =>
    [
        (TrainingExperiment.Find("he-depth"), new TrainingSettings("shapeset", seed, Updates: 200, Width: 64, Depths: [30], TestExamples: 1000, Threads: threads)),
        (TrainingExperiment.Find("glorot-table"), new TrainingSettings("shapeset", seed, Updates: 300, Width: 100, TestExamples: 1000, Threads: threads)),
    ];

    /// <summary>Trains <see cref="FullSet"/> into <paramref name="directory"/> (reusing cached runs) and loads it as report sections.</summary>
    /// <param name="directory">Where each experiment's files go, as <c>train --out</c> would write them.</param>
    /// <param name="seed">Root seed.</param>
    /// <param name="threads">Most threads (0: all processors).</param>
    /// <param name="log">Progress lines, or null.</param>
    public static IReadOnlyList<ExperimentResult> RunFull(string directory, ulong seed, int threads, TextWriter? log = null)
    {
        foreach (var (experiment, settings) in FullSet(seed, threads))
            experiment.RunAndWrite(settings, Path.Combine(directory, experiment.Name), log);
        return Load(directory);
    }

    private static ExperimentResult LoadExperiment(TrainingExperiment experiment, string expDir, string summaryPath)
    {
        string rerun = $"rerun `weightinit train --exp {experiment.Name}` with the same --out (finished runs are cached)";
        string data;
        ulong seed;
        List<List<KeyValuePair<string, string>>> table;
        List<string> ids;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(summaryPath));
            var root = doc.RootElement;
            data = root.GetProperty("data").GetString() ?? throw new JsonException("data is null");
            seed = root.GetProperty("seed").GetUInt64();
            table = root.GetProperty("table").EnumerateArray()
                .Select(row => row.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString() ?? "")).ToList()).ToList();
            if (!root.TryGetProperty("runs", out var runs))
                throw new ArgumentException($"--training: {summaryPath} lists no runs (written by an older version); {rerun}.");
            ids = runs.EnumerateArray().Select(r => r.GetString() ?? throw new JsonException("run id is null")).ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"--training: {summaryPath} is not a summary written by `weightinit train` ({e.Message}); {rerun}.");
        }
        if (ids.Count == 0) throw new ArgumentException($"--training: {summaryPath} lists no runs; {rerun}.");

        var records = new List<RunRecord>();
        foreach (string id in ids)
        {
            string path = TrainingRunner.RunPath(expDir, id);
            if (!File.Exists(path)) throw new ArgumentException($"--training: run file {path} named by {summaryPath} is missing; {rerun}.");
            RunRecord? record;
            try
            {
                record = JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(path), TrainingRunner.Json);
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"--training: run file {path} is not valid ({e.Message}); {rerun}.");
            }
            if (record?.Result?.Curve is not { Count: > 0 } || record.Id != id || record.Label is null)
                throw new ArgumentException($"--training: run file {path} holds no curve for run '{id}'; {rerun}.");
            records.Add(record);
        }

        var result = new ExperimentResult("training-" + experiment.Name, "Training: " + experiment.Title);
        long updates = records.Max(r => r.Result.UpdatesDone);
        result.Paragraphs.Add($"Read from {expDir} (`weightinit train --exp {experiment.Name}`): data {data}, seed {seed}, {records.Count} runs of up to " +
            $"{updates.ToString(CultureInfo.InvariantCulture)} SGD updates. The test error is measured on held-out examples at 20 points of each run; " +
            "the full-size settings and the papers' numbers to compare with are in docs/training.md.");
        var best = records.Where(r => double.IsFinite(r.Result.FinalTestError)).OrderBy(r => r.Result.FinalTestError).FirstOrDefault();
        result.Headline = best is null ? "every run diverged" : $"lowest final test error {TrainingRunner.Percent(best.Result.FinalTestError)} ({best.Label})";
        if (records.Count(r => r.Result.Diverged) is > 0 and var diverged)
            result.Paragraphs.Add($"{diverged} of {records.Count} runs diverged (loss not finite); their curves stop there.");
        if (table.Count > 0)
        {
            var columns = table[0].Select(p => p.Key).ToArray();
            var reportTable = new ReportTable(columns);
            foreach (var row in table)
            {
                var cells = columns.Select(c => (object?)(row.FirstOrDefault(p => p.Key == c).Value ?? "")).ToArray();
                reportTable.AddRow(cells);
            }
            result.Tables.Add((reportTable, "Summary table of the experiment (summary.md)."));
        }
        result.Figures.Add((TrainingExperiment.ErrorChart($"{experiment.Name}: test error", records), "Test error against SGD updates, one line per run."));
        result.Figures.Add((TrainingExperiment.ErrorChart($"{experiment.Name}: training loss", records, loss: true),
            "Mean training loss over each evaluation interval against SGD updates."));

        result.AddData("data", data);
        result.AddData("seed", seed.ToString(CultureInfo.InvariantCulture));
        result.AddData("table", table.Select(row => row.ToDictionary(p => p.Key, p => p.Value)).ToList());
        result.AddData("runs", records.Select(r => new Dictionary<string, object>
        {
            ["id"] = r.Id,
            ["label"] = r.Label,
            ["diverged"] = r.Result.Diverged,
            ["final_test_error"] = r.Result.FinalTestError,
            ["update"] = r.Result.Curve.Select(p => p.Update).ToList(),
            ["train_loss"] = r.Result.Curve.Select(p => p.TrainLoss).ToList(),
            ["test_error"] = r.Result.Curve.Select(p => p.TestError).ToList(),
        }).ToList());
        return result;
    }
}
