using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using WeightInit.Models;
using WeightInit.IO;
using WeightInit.Training.Data;
using WeightInit.Training.Initialization;

namespace WeightInit.Training.Experiments;

/// <summary>A finished run as cached on disk.</summary>
/// <param name="Id">The run's identifier.</param>
/// <param name="Label">Its readable label.</param>
/// <param name="Fingerprint">What determined it (see <see cref="PlannedRun.Fingerprint"/>).</param>
/// <param name="Tags">Its grouping values.</param>
/// <param name="Result">What training measured.</param>
/// <param name="Lsuv">What LSUV did per layer, when it ran.</param>
/// <param name="Seconds">Wall time of the run (not part of the result: it varies between machines).</param>
public sealed record RunRecord(string Id, string Label, string Fingerprint, IReadOnlyDictionary<string, string> Tags, TrainingResult Result,
    IReadOnlyList<LsuvLayerReport>? Lsuv, double Seconds);

/// <summary>Runs an experiment's planned runs, caching each finished run as JSON so an interrupted sweep resumes where it stopped.</summary>
public static class TrainingRunner
{
    /// <summary>Examples LSUV measures on (the paper advises a large batch).</summary>
    public const int LsuvBatch = 256;

    /// <summary>JSON settings of the cache and summary files; NaN (e.g. the train loss before the first update) is written as "NaN".</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The cache file of a run.</summary>
    public static string RunPath(string directory, string id) => Path.Combine(directory, "runs", id + ".json");

    /// <summary>Runs (or loads from the cache in <paramref name="directory"/>) every run of <paramref name="runs"/>, in order.</summary>
    /// <param name="runs">The plan.</param>
    /// <param name="data">The data.</param>
    /// <param name="settings">Seed and threads.</param>
    /// <param name="directory">Where runs/ID.json files are read and written; null to cache nothing.</param>
    /// <param name="log">Progress lines with ETA (may be null).</param>
    public static IReadOnlyList<RunRecord> Run(IReadOnlyList<PlannedRun> runs, TrainingData data, TrainingSettings settings, string? directory, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        if (directory is not null) Directory.CreateDirectory(Path.Combine(directory, "runs"));
        var records = new RunRecord?[runs.Count];
        var fingerprints = runs.Select(r => r.Fingerprint(data, settings.Seed)).ToArray();
        for (int i = 0; i < runs.Count; i++)
            if (directory is not null && TryLoad(RunPath(directory, runs[i].Id), fingerprints[i]) is { } cached)
            {
                records[i] = cached;
                log?.WriteLine($"[{i + 1}/{runs.Count}] {runs[i].Label}: cached ({Percent(cached.Result.FinalTestError)} test error)");
            }
        // Cost of a run ∝ updates × batch × weights; the ETA divides the remaining cost by the rate measured so far.
        double Cost(PlannedRun r) => (double)r.Trainer.Updates * r.Trainer.BatchSize * r.Model.Infer().Layers.Sum(l => l.Parameters.Sum(p => p.Shape.ElementCount));
        double remaining = runs.Where((_, i) => records[i] is null).Sum(Cost), done = 0;
        var total = Stopwatch.StartNew();
        for (int i = 0; i < runs.Count; i++)
        {
            if (records[i] is not null) continue;
            var run = runs[i];
            var clock = Stopwatch.StartNew();
            var network = Network.Build(run.Model, settings.Root.Fold("model"), settings.Threads);
            IReadOnlyList<LsuvLayerReport>? lsuv = null;
            if (run.Lsuv)
            {
                var x = new float[LsuvBatch * data.InputSize];
                data.TrainBatch(0, LsuvBatch, x, new int[LsuvBatch]);
                lsuv = Initialization.Lsuv.Apply(network, x, LsuvBatch);
            }
            var trainer = new Trainer(network, data, run.Optimizer, run.Trainer);
            double cost = Cost(run), lastReport = 0;
            var progress = new SyncProgress(t =>
            {
                if (log is null || clock.Elapsed.TotalSeconds - lastReport < 5) return;
                lastReport = clock.Elapsed.TotalSeconds;
                double fraction = (double)t / run.Trainer.Updates;
                double rate = (done + fraction * cost) / total.Elapsed.TotalSeconds;
                double eta = rate > 0 ? (remaining - done - fraction * cost) / rate : double.NaN;
                log.WriteLine($"[{i + 1}/{runs.Count}] {run.Label}: {t}/{run.Trainer.Updates} updates, ETA {Duration(eta)}");
            });
            var result = trainer.Run(progress);
            done += cost;
            var record = new RunRecord(run.Id, run.Label, fingerprints[i], run.Tags, result, lsuv, Math.Round(clock.Elapsed.TotalSeconds, 2));
            if (directory is not null) WriteJson(RunPath(directory, run.Id), record);
            records[i] = record;
            log?.WriteLine($"[{i + 1}/{runs.Count}] {run.Label}: {Percent(result.FinalTestError)} test error, loss {result.FinalTestLoss:F3}" +
                $"{(result.Diverged ? " (diverged)" : "")} in {clock.Elapsed.TotalSeconds:F1} s; ETA {Duration(done < remaining ? (remaining - done) * total.Elapsed.TotalSeconds / done : 0)}");
        }
        return records.Select(r => r!).ToArray();
    }

    /// <summary>Writes <paramref name="value"/> as indented JSON, atomically.</summary>
    public static void WriteJson<T>(string path, T value) => WriteText(path, JsonSerializer.Serialize(value, Json) + "\n");

    /// <summary>Writes UTF-8 text (no byte-order mark) atomically.</summary>
    public static void WriteText(string path, string text)
    {
        var bytes = new UTF8Encoding(false).GetBytes(text);
        AtomicFile.Write(path, s => s.Write(bytes), bytes.Length);
    }

    private static RunRecord? TryLoad(string path, string fingerprint)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var record = JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(path), Json);
            return record is not null && record.Fingerprint == fingerprint && record.Result?.Curve is { Count: > 0 } ? record : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A fraction as a percentage with one decimal.</summary>
    public static string Percent(double fraction) => double.IsFinite(fraction) ? (100 * fraction).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%" : "—";

    private static string Duration(double seconds) =>
        !double.IsFinite(seconds) ? "?" : seconds < 90 ? $"{seconds:F0}s" : seconds < 5400 ? $"{seconds / 60:F0}m{seconds % 60:00}s" : $"{seconds / 3600:F1}h";

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
