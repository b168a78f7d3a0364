using System.Text.Json;
using WeightInit.Analysis.Experiments;

namespace WeightInit.Training.Experiments;

/// <summary>Reads what <c>weightinit train --out DIR</c> left in DIR (summary.json and the cached runs of each experiment) as report sections.</summary>
/// <remarks>
/// An experiment is found when DIR/NAME/summary.json exists for a NAME of <see cref="TrainingExperiment.All"/>; its sections come in that
/// order. Each is the <see cref="ExperimentResult"/> <c>train</c> wrote as summary.md, rebuilt by the experiment's
/// <see cref="TrainingExperiment.Summarize"/> from the cached runs and the settings in summary.json: the table (mean ± spread over the
/// seeds), the training-loss and test-error curves with their bands and the experiment's own figures, and for results.json the
/// table and every run's curve (run wall times are left out, so the same runs give the same bytes).
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

    /// <summary>The scaled-down training set of <c>weightinit report --full</c>: <c>glorot-table</c> and <c>he-depth</c> on Shapeset-3×2,
    /// each configuration for <see cref="TrainingSettings.DefaultSeeds"/> seeds.</summary>
    /// <remarks>glorot-table at width 64, 200 updates (6 configurations); he-depth at depth 30, width 48, 150 updates (4 configurations);
    /// 500 test examples; 30 runs in all, about a minute on 2 cores.</remarks>
    /// <param name="seed">Root seed of data order and initial weights (the first of the seeds).</param>
    /// <param name="threads">Most threads (0: all processors).</param>
    public static IReadOnlyList<(TrainingExperiment Experiment, TrainingSettings Settings)> FullSet(ulong seed, int threads) =>
    [
        (TrainingExperiment.Find("glorot-table"), new TrainingSettings("shapeset", seed, Updates: 200, Width: 64, TestExamples: 500, Threads: threads)),
        (TrainingExperiment.Find("he-depth"), new TrainingSettings("shapeset", seed, Updates: 150, Width: 48, Depths: [30], TestExamples: 500, Threads: threads)),
    ];

    /// <summary>The experiments of <c>weightinit report --full</c> under the report's contract (<see cref="IExperiment"/>), in
    /// <see cref="FullSet"/> order: each trains its <see cref="FullSet"/> sizes, with the seed and threads of the report's
    /// <see cref="ExperimentSettings"/>, into <paramref name="directory"/>/NAME as <c>train --out</c> would (reusing cached runs),
    /// and returns the result <see cref="Load"/> would read back.</summary>
    /// <param name="directory">The training directory (the report's OUT/training).</param>
    /// <param name="log">Progress lines of the training runs, or null.</param>
    public static IReadOnlyList<IExperiment> Full(string directory, TextWriter? log = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return FullSet(0, 0).Select(f => (IExperiment)new ScaledTraining(f.Experiment, f.Settings, directory, log)).ToList();
    }

    private sealed class ScaledTraining(TrainingExperiment experiment, TrainingSettings sizes, string directory, TextWriter? log) : IExperiment
    {
        public string Name => experiment.ResultName;

        public string Title => "Training: " + experiment.Title;

        public ExperimentResult Run(ExperimentSettings settings, IProgress<double>? progress = null)
        {
            ArgumentNullException.ThrowIfNull(settings);
            string expDir = Path.Combine(directory, experiment.Name);
            return WithSource(experiment.RunAndWrite(sizes with { Seed = settings.Seed, Threads = settings.Threads }, expDir, log, progress), experiment, expDir);
        }
    }

    // The report says where the runs are (summary.md, beside them, need not).
    private static ExperimentResult WithSource(ExperimentResult result, TrainingExperiment experiment, string expDir)
    {
        result.Paragraphs.Insert(0, $"The runs are in {expDir} (`weightinit train --exp {experiment.Name}`). The test error is measured on held-out examples at 20 points of each run; " +
            "the full-size settings and the papers' numbers to compare with are in docs/training.md.");
        return result;
    }

    private static ExperimentResult LoadExperiment(TrainingExperiment experiment, string expDir, string summaryPath)
    {
        string rerun = $"rerun `weightinit train --exp {experiment.Name}` with the same --out (finished runs are cached)";
        DataFacts data;
        TrainingSettings settings;
        List<string> ids;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(summaryPath));
            var root = doc.RootElement;
            string name = root.GetProperty("data").GetString() ?? throw new JsonException("data is null");
            if (!root.TryGetProperty("runs", out var runs) || !root.TryGetProperty("settings", out var settingsJson))
                throw new ArgumentException($"--training: {summaryPath} lists no runs or no settings (written by an older version); {rerun}.");
            settings = settingsJson.Deserialize<TrainingSettings>(TrainingRunner.Json) ?? throw new JsonException("settings is null");
            data = new DataFacts(name, root.GetProperty("classes").GetInt32(), root.GetProperty("test_examples").GetInt32());
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
            if (record?.Result?.Curve is not { Count: > 0 } || record.Id != id || record.Label is null || record.Tags is null)
                throw new ArgumentException($"--training: run file {path} holds no curve for run '{id}'; {rerun}.");
            records.Add(record);
        }
        ExperimentResult result;
        try
        {
            result = experiment.Summarize(records, settings, data);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"--training: the runs named by {summaryPath} do not make up a {experiment.Name} experiment ({e.Message}); {rerun}.");
        }
        return WithSource(result, experiment, expDir);
    }
}
