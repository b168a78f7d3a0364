using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using WeightInit.IO;
using WeightInit.Cli.Benchmarking;

namespace WeightInit.Cli.Commands;

/// <summary><c>weightinit bench</c>: fill throughput of the samplers and of every registry initializer against the memory ceiling, optionally beside NumPy and PyTorch.</summary>
internal sealed class BenchCommand : CliCommand
{
    /// <summary>2^26 elements: 256 MiB of float32, far larger than any cache, so the numbers are steady-state memory-bound rates.</summary>
    private const int DefaultSize = 1 << 26;

    /// <summary>Untimed seconds per case by default: the JIT promotes a method after 30 calls plus a 100 ms delay, well inside this.</summary>
    private const double DefaultWarmUpSeconds = 0.5;

    /// <summary>Timed repetitions per case by default.</summary>
    private const int DefaultRepetitions = 5;

    /// <summary>The comparison cases, in table order, with what a library lacking one is missing.</summary>
    private static readonly (string Case, string Missing)[] ComparisonCases =
    [
        ("memset", "no fill"),
        ("uniform", "no uniform sampler"),
        ("normal", "no normal sampler"),
        ("truncated_normal", "no truncated normal sampler"),
        ("orthogonal", "no orthogonal initializer"),
    ];

    /// <inheritdoc/>
    protected override Command Create(CliContext context)
    {
        var size = new Option<int>("--size") { Description = $"Elements per fill (default 2^26 = {DefaultSize}).", DefaultValueFactory = _ => DefaultSize };
        var threads = new Option<int>("--threads") { Description = "Threads for every fill, and for PyTorch (0: all cores, the default).", DefaultValueFactory = _ => 0 };
        var dtype = new Option<string>("--dtype") { Description = "Element type of the buffer: f32, f64, f16 or bf16.", DefaultValueFactory = _ => "f32" };
        var repetitions = new Option<int>("--repetitions") { Description = $"Timed repetitions per case after one warm-up; the best counts (default {DefaultRepetitions}).", DefaultValueFactory = _ => DefaultRepetitions };
        var warmUp = new Option<double>("--warmup") { Description = $"Seconds each case runs untimed before timing (default {DefaultWarmUpSeconds}), so that the JIT has optimized the hot loops.", DefaultValueFactory = _ => DefaultWarmUpSeconds };
        var json = new Option<bool>("--json") { Description = $"Write the results as JSON (schema {BenchReport.SchemaName}, see docs/cli.md) instead of tables." };
        var compare = new Option<bool>("--compare") { Description = "Also time NumPy (PCG64) and PyTorch at the same size and thread count, and print the ratios." };
        var python = new Option<string>("--python") { Description = "Python interpreter for --compare.", DefaultValueFactory = _ => PythonComparison.DefaultPython };
        var gemm = new Option<int[]>("--gemm") { Description = "Instead of fills: square float32 GEMM GFLOP/s at these sides (e.g. --gemm 512 1024) at 1 and 2 threads, beside NumPy's matmul (OpenBLAS sgemm).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("bench", "Measure fill throughput (G values/s) of the samplers and every initializer against the memory-fill ceiling; --compare adds NumPy and PyTorch; --gemm measures GEMM against OpenBLAS.")
        {
            size, threads, dtype, repetitions, warmUp, json, compare, python, gemm,
        };
        SetAction(command, context, parsed =>
        {
            if (parsed.GetValue(gemm) is { Length: > 0 } sides)
                return RunGemm(context, sides, parsed.GetValue(repetitions), parsed.GetValue(warmUp), parsed.GetValue(python)!, parsed.GetValue(json));
            int threadCount = parsed.GetValue(threads) is 0 ? Environment.ProcessorCount : parsed.GetValue(threads); // 0: all cores, as every command has it
            var settings = new BenchSettings(parsed.GetValue(size), threadCount, TensorDTypes.Parse(parsed.GetValue(dtype)!), parsed.GetValue(repetitions), parsed.GetValue(warmUp));
            Validate(settings);
            var report = Run(context, settings, parsed.GetValue(compare) ? parsed.GetValue(python)! : null);
            if (parsed.GetValue(json)) context.Output.WriteLine(JsonSerializer.Serialize(report, CliJson.Options));
            else Render(context.CreateConsole(), report);
            return ExitCodes.Success;
        });
        return command;
    }

    private static int RunGemm(CliContext context, int[] sides, int repetitions, double warmUp, string python, bool json)
    {
        if (sides.Any(n => n < 1 || n > 16384)) throw new UsageException($"--gemm sides must lie in 1..16384; got {string.Join(", ", sides)}.");
        if (repetitions < 1) throw new UsageException($"--repetitions must be ≥ 1; got {repetitions}.");
        if (!(warmUp >= 0) || !double.IsFinite(warmUp)) throw new UsageException($"--warmup must be a number of seconds ≥ 0; got {warmUp}.");
        Action<string> progress = context.ErrorIsTerminal ? name => context.Error.WriteLine($"bench: {name}…") : _ => { };
        var rows = GemmBench.Run(sides, [1, 2], repetitions, warmUp, python, progress);
        if (json)
        {
            context.Output.WriteLine(JsonSerializer.Serialize(new { machine = BenchRunner.Machine(), optimized = BenchRunner.LibraryOptimized, gemm = rows }, CliJson.Options));
            return ExitCodes.Success;
        }
        var m = BenchRunner.Machine();
        var console = context.CreateConsole();
        console.WriteLine($"{m.CpuModel ?? m.Architecture}, {m.ProcessorCount} logical cores, {(m.VectorWidthBits > 0 ? $"Vector{m.VectorWidthBits}" : "no SIMD")}, {m.Runtime}");
        console.WriteLine($"C ← A·B, n × n float32, 2n³ flops; best of {repetitions} after {warmUp.ToString(CultureInfo.InvariantCulture)} s of warm-up.");
        if (!BenchRunner.LibraryOptimized) console.WriteLine("warning: WeightInit was built without optimization (Debug); build with -c Release for meaningful rates.");
        var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("n").RightAligned()).AddColumn(new TableColumn("threads").RightAligned())
            .AddColumn(new TableColumn("WeightInit GFLOP/s").RightAligned()).AddColumn(new TableColumn("OpenBLAS GFLOP/s").RightAligned()).AddColumn(new TableColumn("ratio").RightAligned());
        foreach (var r in rows)
            table.AddRow(new Text(r.N.ToString(CultureInfo.InvariantCulture)), new Text(r.Threads.ToString(CultureInfo.InvariantCulture)), new Text(Rate(r.GFlops)),
                new Text(r.NumpyGFlops is { } g ? Rate(g) : "—"), new Text(r.Ratio is { } x ? $"{x.ToString("F2", CultureInfo.InvariantCulture)}×" : "—"));
        console.Write(table);
        foreach (var note in rows.Select(r => r.NumpyNote).Distinct()) console.WriteLine($"OpenBLAS side: {note}");
        return ExitCodes.Success;
    }

    private static void Validate(BenchSettings s)
    {
        if (s.Size < 1) throw new UsageException($"--size must be ≥ 1; got {s.Size}.");
        if (s.Threads < 1) throw new UsageException($"--threads must be ≥ 0 (0: all cores); got {s.Threads}.");
        if (s.Repetitions < 1) throw new UsageException($"--repetitions must be ≥ 1; got {s.Repetitions}.");
        if (!(s.WarmUpSeconds >= 0) || !double.IsFinite(s.WarmUpSeconds)) throw new UsageException($"--warmup must be a number of seconds ≥ 0; got {s.WarmUpSeconds}.");
    }

    private static BenchReport Run(CliContext context, BenchSettings settings, string? python)
    {
        Action<string> progress = context.ErrorIsTerminal ? name => context.Error.WriteLine($"bench: {name}…") : _ => { };
        var runner = new BenchRunner(settings, progress);
        var ceiling = runner.Ceiling();
        var distributions = runner.Distributions(ceiling);
        var initializers = runner.Initializers(ceiling);
        BenchComparison? comparison = null;
        if (python is not null)
        {
            var (orthogonalRate, orthogonalNote) = runner.Orthogonal();
            var runs = new List<ExternalRun>();
            foreach (var library in new[] { "numpy", "torch" })
            {
                progress(library);
                runs.Add(PythonComparison.Run(python, library, settings));
            }
            comparison = Compare(python, settings, ceiling, distributions, orthogonalRate, orthogonalNote, runs);
        }
        var configuration = new BenchConfiguration(settings.Size, settings.Threads, settings.Type.ShortName(), settings.Type.ElementSize(), settings.Repetitions, settings.WarmUpSeconds, BenchRunner.LibraryOptimized);
        return new BenchReport(BenchReport.SchemaName, BenchRunner.Machine(), configuration, ceiling, distributions, initializers, comparison);
    }

    private static BenchComparison Compare(string python, BenchSettings settings, BenchResult ceiling, IReadOnlyList<BenchResult> distributions,
        double? orthogonalRate, string? orthogonalNote, IReadOnlyList<ExternalRun> runs)
    {
        var rows = new List<ComparisonRow>();
        foreach (var (name, missing) in ComparisonCases)
        {
            double? ours = name switch
            {
                "memset" => ceiling.GValuesPerSecond,
                "orthogonal" => orthogonalRate,
                _ => distributions.FirstOrDefault(d => d.Name == name)?.GValuesPerSecond,
            };
            string? ourNote = name == "orthogonal" ? orthogonalNote : null;
            long elements = name == "orthogonal" ? (long)BenchRunner.OrthogonalSize * BenchRunner.OrthogonalSize : settings.Size;
            var others = runs.Select(run =>
            {
                if (!run.Library.Available) return new ExternalMeasurement(run.Library.Name, null, null, null, null, run.Library.Note);
                if (!run.Cases.TryGetValue(name, out var c)) return new ExternalMeasurement(run.Library.Name, null, null, null, null, $"{run.Library.Name} has {missing}");
                if (c.Seconds is not { } seconds || seconds <= 0) return new ExternalMeasurement(run.Library.Name, c.Call, null, null, null, c.Error ?? "no time reported");
                double rate = c.Elements / seconds / 1e9;
                return new ExternalMeasurement(run.Library.Name, c.Call, seconds, rate, ours / rate, null);
            }).ToList();
            rows.Add(new ComparisonRow(name, elements, ours, ourNote, others));
        }
        return new BenchComparison(python, runs.Select(r => r.Library).ToList(), rows);
    }

    private static void Render(IAnsiConsole console, BenchReport report)
    {
        var m = report.Machine;
        var c = report.Configuration;
        console.WriteLine($"{m.CpuModel ?? m.Architecture}, {m.ProcessorCount} logical cores, {(m.VectorWidthBits > 0 ? $"Vector{m.VectorWidthBits}" : "no SIMD")}, {m.Runtime}");
        console.WriteLine($"{c.Size} × {c.DType} ({Bytes((long)c.Size * c.ElementBytes)}), {c.Threads} thread(s), best of {c.Repetitions} after {c.WarmUpSeconds.ToString(CultureInfo.InvariantCulture)} s of warm-up");
        if (!c.Optimized) console.WriteLine("warning: WeightInit was built without optimization (Debug); build with -c Release for meaningful rates.");

        var table = new Table().Border(TableBorder.Rounded).AddColumn("case").AddColumn("spec / shape")
            .AddColumn(new TableColumn("G values/s").RightAligned()).AddColumn(new TableColumn("GB/s").RightAligned())
            .AddColumn(new TableColumn("of memset").RightAligned()).AddColumn(new TableColumn("reps").RightAligned());
        AddRow(table, report.Ceiling, "ceiling");
        table.AddEmptyRow();
        foreach (var r in report.Distributions) AddRow(table, r, "sampler");
        table.AddEmptyRow();
        foreach (var r in report.Initializers) AddRow(table, r, null);
        console.Write(table);

        if (report.Comparison is not { } comparison) return;
        var libraries = comparison.Libraries;
        var compareTable = new Table().Border(TableBorder.Rounded).AddColumn("case").AddColumn(new TableColumn("WeightInit G/s").RightAligned());
        foreach (var library in libraries)
            compareTable.AddColumn(new TableColumn($"{library.Name} G/s").RightAligned()).AddColumn(new TableColumn("ratio").RightAligned());
        foreach (var row in comparison.Rows)
        {
            var cells = new List<Text> { new(row.Case + (row.Case == "orthogonal" ? $" {BenchRunner.OrthogonalSize}²" : "")), new(row.WeightInitGValuesPerSecond is { } g ? Rate(g) : "—") };
            foreach (var o in row.Others)
            {
                cells.Add(new Text(o.GValuesPerSecond is { } rate ? Rate(rate) : "—"));
                cells.Add(new Text(o.Ratio is { } ratio ? $"{ratio.ToString("F2", CultureInfo.InvariantCulture)}×" : "—"));
            }
            compareTable.AddRow(cells);
        }
        console.WriteLine();
        console.WriteLine("ratio = WeightInit's rate / the library's rate (above 1: WeightInit is faster).");
        console.Write(compareTable);
        foreach (var library in libraries)
            console.WriteLine(library.Available
                ? $"{library.Name} {library.Version}: {library.Threads} thread(s), {library.DType}{(library.Note is null ? "" : $"; {library.Note}")}"
                : $"{library.Name}: not measured ({library.Note})");
        foreach (var row in comparison.Rows)
        {
            if (row.WeightInitNote is not null) console.WriteLine($"{row.Case}: WeightInit: {row.WeightInitNote}");
            foreach (var o in row.Others.Where(o => o.Error is not null && libraries.First(l => l.Name == o.Library).Available))
                console.WriteLine($"{row.Case}: {o.Library}: {o.Error}");
        }
    }

    private static void AddRow(Table table, BenchResult r, string? kind)
    {
        string what = r.Spec is null ? kind ?? "" : r.Spec == r.Name ? r.Shape ?? "" : $"{r.Spec} {r.Shape}";
        if (r.Error is not null)
        {
            table.AddRow(new Text(r.Name), new Text($"not run: {r.Error}"), new Text("—"), new Text("—"), new Text("—"), new Text("0"));
            return;
        }
        table.AddRow(new Text(r.Name), new Text(what), new Text(Rate(r.GValuesPerSecond!.Value)), new Text(Rate(r.GigabytesPerSecond!.Value)),
            new Text(r.FractionOfCeiling is { } f ? f.ToString("P0", CultureInfo.InvariantCulture) : ""), new Text(r.Repetitions.ToString(CultureInfo.InvariantCulture)));
    }

    private static string Rate(double x) => x.ToString(x >= 10 ? "F1" : x >= 0.1 ? "F3" : "G3", CultureInfo.InvariantCulture);

    private static string Bytes(long bytes) => bytes >= 1 << 20
        ? $"{(bytes / (double)(1 << 20)).ToString("0.#", CultureInfo.InvariantCulture)} MiB"
        : $"{(bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} KiB";
}
