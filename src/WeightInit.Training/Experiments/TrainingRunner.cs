using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using WeightInit.Models;
using WeightInit.Random;
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
/// <param name="Seed">The root seed it was trained with (null in files of versions that trained one seed: the summary's seed).</param>
/// <param name="Configuration">The id of its configuration (the planned run it repeats for another seed); null: its own id.</param>
public sealed record RunRecord(string Id, string Label, string Fingerprint, IReadOnlyDictionary<string, string> Tags, TrainingResult Result,
    IReadOnlyList<LsuvLayerReport>? Lsuv, double Seconds, ulong? Seed = null, string? Configuration = null);

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

    /// <summary>Refuses, before any training, a run whose network cannot fit: every parameter tensor and every layer's minibatch
    /// of outputs is one float32 array (at most <see cref="Array.MaxLength"/> values), and the weights, their gradients and
    /// momenta and the batch's activations together must fit the memory the runtime may use.</summary>
    /// <exception cref="ArgumentException">A run does not fit; the message names it and the sizes.</exception>
    public static void CheckFits(IReadOnlyList<PlannedRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        foreach (var run in runs)
        {
            int batch = run.Trainer.BatchSize;
            double values = 0;
            foreach (var layer in ModelShapes.Walk(run.Model.Infer().Layers))
            {
                foreach (var p in layer.Parameters)
                {
                    if (p.Shape.ElementCount > Array.MaxLength)
                        throw new ArgumentException($"{run.Label}: tensor {p.Name} {p.Shape} has {p.Shape.ElementCount} values, more than the {Array.MaxLength} one array holds; use a smaller --width.");
                    values += 3.0 * p.Shape.ElementCount;
                }
                if ((double)batch * layer.Output.ElementCount > Array.MaxLength)
                    throw new ArgumentException($"{run.Label}: a batch of {batch} × {layer.Output.ElementCount} outputs of {layer.Name} is more than the {Array.MaxLength} values one array holds; use a smaller --batch or --width.");
                values += 2.0 * batch * layer.Output.ElementCount;
            }
            if (available > 0 && 4 * values > available)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{run.Label}: training needs at least {4 * values / (1L << 30):0.#} GiB (float32 weights, gradients, momenta and the batch's activations), " +
                    $"more than the {available / (double)(1L << 30):0.#} GiB of memory available; use a smaller --width, --depths or --batch."));
        }
    }

    /// <summary>The cache file of a run.</summary>
    public static string RunPath(string directory, string id) => Path.Combine(directory, "runs", id + ".json");

    /// <summary>Runs (or loads from the cache in <paramref name="directory"/>) every run of <paramref name="runs"/>, in order, with the
    /// seed of <paramref name="settings"/> only.</summary>
    /// <param name="runs">The plan.</param>
    /// <param name="data">The data.</param>
    /// <param name="settings">Seed and threads.</param>
    /// <param name="directory">Where runs/ID.json files are read and written; null to cache nothing.</param>
    /// <param name="log">Progress lines with ETA (may be null).</param>
    public static IReadOnlyList<RunRecord> Run(IReadOnlyList<PlannedRun> runs, TrainingData data, TrainingSettings settings, string? directory, TextWriter? log = null) =>
        Run(runs, data, settings, 1, directory, log, null);

    /// <summary>Runs (or loads from the cache) every run of <paramref name="runs"/> for each of the <see cref="TrainingSettings.Seeds"/>
    /// seeds Seed, Seed + 1, …: the run for seed Seed + k is exactly the one <c>--seed</c> Seed + k would train (its data order,
    /// Shapeset stream, test set and initial weights), cached as ID-seed+k (ID for k = 0, so a one-seed cache is reused).</summary>
    /// <param name="runs">The plan.</param>
    /// <param name="data">The data of the first seed.</param>
    /// <param name="settings">Seed, seeds and threads.</param>
    /// <param name="directory">Where runs/ID.json files are read and written; null to cache nothing.</param>
    /// <param name="log">Progress lines with ETA (may be null).</param>
    /// <param name="progress">Receives the completed fraction of the training work in [0, 1] (may be null).</param>
    /// <returns>The records, configuration by configuration, each in seed order.</returns>
    public static IReadOnlyList<RunRecord> RunSeeds(IReadOnlyList<PlannedRun> runs, TrainingData data, TrainingSettings settings, string? directory, TextWriter? log = null,
        IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Run(runs, data, settings, settings.Seeds, directory, log, progress);
    }

    /// <summary>The id of the run of configuration <paramref name="id"/> for seed offset <paramref name="offset"/>.</summary>
    public static string SeedRunId(string id, int offset) => offset == 0 ? id : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{id}-seed+{offset}");

    private static IReadOnlyList<RunRecord> Run(IReadOnlyList<PlannedRun> runs, TrainingData data, TrainingSettings settings, int seeds, string? directory, TextWriter? log,
        IProgress<double>? workDone)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        if (seeds < 1) throw new ArgumentException($"The number of seeds must be positive; got {seeds}.");
        if (directory is not null) Directory.CreateDirectory(Path.Combine(directory, "runs"));
        ulong Seed(int k) => unchecked(settings.Seed + (ulong)k);
        var datas = new TrainingData?[seeds];
        datas[0] = data;
        TrainingData DataOf(int k) => datas[k] ??= (settings with { Seed = Seed(k) }).OpenData();
        var records = new RunRecord?[runs.Count, seeds];
        // The data's name and test-set size are the same for every seed; the seed itself is part of the fingerprint.
        var fingerprints = new string[runs.Count, seeds];
        for (int i = 0; i < runs.Count; i++)
        {
            for (int k = 0; k < seeds; k++)
            {
                fingerprints[i, k] = runs[i].Fingerprint(data, Seed(k));
                if (directory is not null && TryLoad(RunPath(directory, SeedRunId(runs[i].Id, k)), fingerprints[i, k]) is { } cached)
                    records[i, k] = cached with { Seed = Seed(k), Configuration = runs[i].Id };
            }
            var found = Enumerable.Range(0, seeds).Where(k => records[i, k] is not null).ToList();
            if (log is null || found.Count == 0) continue;
            if (found.Count == seeds)
            {
                var errors = found.Select(k => records[i, k]!.Result.FinalTestError).ToList();
                log.WriteLine(seeds == 1 ? $"[{i + 1}/{runs.Count}] {runs[i].Label}: cached ({Percent(errors[0])} test error)"
                    : $"[{i + 1}/{runs.Count}] {runs[i].Label}: cached, {seeds} seeds ({string.Join(", ", errors.Select(Percent))} test error)");
            }
            else
            {
                foreach (int k in found)
                    log.WriteLine($"[{i + 1}/{runs.Count}] {runs[i].Label}, seed {Seed(k)}: cached ({Percent(records[i, k]!.Result.FinalTestError)} test error)");
            }
        }
        // Cost of a run ∝ updates × batch × weights; the ETA divides the remaining cost by the rate measured so far.
        double Cost(PlannedRun r) => (double)r.Trainer.Updates * r.Trainer.BatchSize * r.Model.Infer().Layers.Sum(l => l.Parameters.Sum(p => p.Shape.ElementCount));
        double remaining = 0, done = 0;
        for (int i = 0; i < runs.Count; i++)
            for (int k = 0; k < seeds; k++)
                if (records[i, k] is null) remaining += Cost(runs[i]);
        var total = Stopwatch.StartNew();
        for (int i = 0; i < runs.Count; i++)
        {
            for (int k = 0; k < seeds; k++)
            {
                if (records[i, k] is not null) continue;
                var run = runs[i];
                var runData = DataOf(k);
                var root = PhiloxKey.FromSeed(Seed(k));
                string label = seeds == 1 ? run.Label : $"{run.Label}, seed {Seed(k)}";
                var clock = Stopwatch.StartNew();
                var network = Network.Build(run.Model, root.Fold("model"), settings.Threads);
                IReadOnlyList<LsuvLayerReport>? lsuv = null;
                if (run.Lsuv)
                {
                    var x = new float[LsuvBatch * runData.InputSize];
                    runData.TrainBatch(0, LsuvBatch, x, new int[LsuvBatch]);
                    lsuv = Initialization.Lsuv.Apply(network, x, LsuvBatch);
                }
                var trainer = new Trainer(network, runData, run.Optimizer, run.Trainer);
                double cost = Cost(run), lastReport = 0;
                int index = i;
                var progress = new SyncProgress(t =>
                {
                    workDone?.Report(Math.Min(1, (done + (double)t / run.Trainer.Updates * cost) / remaining));
                    if (log is null || clock.Elapsed.TotalSeconds - lastReport < 5) return;
                    lastReport = clock.Elapsed.TotalSeconds;
                    double fraction = (double)t / run.Trainer.Updates;
                    double rate = (done + fraction * cost) / total.Elapsed.TotalSeconds;
                    double eta = rate > 0 ? (remaining - done - fraction * cost) / rate : double.NaN;
                    log.WriteLine($"[{index + 1}/{runs.Count}] {label}: {t}/{run.Trainer.Updates} updates, ETA {Duration(eta)}");
                });
                var result = trainer.Run(progress);
                done += cost;
                string id = SeedRunId(run.Id, k);
                var record = new RunRecord(id, run.Label, fingerprints[i, k], run.Tags, result, lsuv, Math.Round(clock.Elapsed.TotalSeconds, 2), Seed(k), run.Id);
                if (directory is not null) WriteJson(RunPath(directory, id), record);
                records[i, k] = record;
                log?.WriteLine($"[{i + 1}/{runs.Count}] {label}: {Percent(result.FinalTestError)} test error, loss {result.FinalTestLoss:F3}" +
                    $"{(result.Diverged ? " (diverged)" : "")} in {clock.Elapsed.TotalSeconds:F1} s; ETA {Duration(done < remaining ? (remaining - done) * total.Elapsed.TotalSeconds / done : 0)}");
            }
        }
        workDone?.Report(1);
        var ordered = new List<RunRecord>(runs.Count * seeds);
        for (int i = 0; i < runs.Count; i++)
            for (int k = 0; k < seeds; k++)
                ordered.Add(records[i, k]!);
        return ordered;
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
