using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using WeightInit.Analysis.Measurement;
using WeightInit.Models;
using WeightInit.Reporting;
using WeightInit.IO;

namespace WeightInit.Cli.Commands;

/// <summary><c>weightinit analyze SPEC | --mlp WIDTHS:ACT [--init SPEC]</c>: per-layer variance, predicted beside measured, with flags and fixes.</summary>
internal sealed class AnalyzeCommand : CliCommand
{
    /// <inheritdoc/>
    protected override Command Create(CliContext context)
    {
        var model = new Argument<string?>("SPEC")
        {
            Description = $"The model: JSON, an inline form ({string.Join(", ", ModelSpec.InlineExamples)}), a file holding either, or an ONNX model (MODEL.onnx, run by ONNX Runtime).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var mlp = new Option<string?>("--mlp") { Description = "Shorthand for SPEC mlp:WIDTHS:ACT, e.g. --mlp 784-1000x5-10:tanh." };
        var init = new Option<string?>("--init") { Description = "Weight initializer for every weight (replaces the model's default; rules still override), e.g. he_normal, normal(std=1)." };
        var json = new Option<bool>("--json") { Description = "Write the diagnosis as JSON instead of a table." };
        var svg = new Option<string?>("--svg") { Description = "Also write a chart of predicted and measured variances per layer to this .svg file." };
        var batch = new Option<int>("--batch") { Description = "Examples in the Monte Carlo batch.", DefaultValueFactory = _ => 256 };
        var seed = new Option<ulong>("--seed") { Description = "Root seed of the weights (key.Fold(tensor name)), the inputs and the output gradient.", DefaultValueFactory = _ => 0 };
        var factor = new Option<double>("--factor") { Description = "Flag factor F: flag a layer whose own forward or backward gain, or whose cumulative trend, exceeds F or falls below 1/F.", DefaultValueFactory = _ => 10 };
        var preset = new Option<string?>("--preset") { Description = "With an ONNX model: a preset for its initializers (pytorch-default, gpt2)." };
        var input = new Option<string[]>("--input") { Description = "With an ONNX model: NAME=SHAPE for a graph input, e.g. x=[8,3,32,32] (repeatable; default: the model's shape with --batch for a dynamic first axis)." };
        var threads = new Option<int>("--threads") { Description = "Most threads to use (0: all processors); results do not depend on it.", DefaultValueFactory = _ => 0 };
        var command = new Command("analyze", "Predict (theory) and measure (Monte Carlo through the initialized network) each layer's forward variance and backward gradient; flag explosion or vanishing and suggest a fix.")
        {
            model, mlp, init, json, svg, batch, seed, factor, threads, preset, input,
        };
        SetAction(command, context, parsed =>
        {
            if (OnnxInit.IsModel(parsed.GetValue(model)))
            {
                if (parsed.GetValue(mlp) is not null) throw new UsageException("Give the model either as SPEC or with --mlp, not both.");
                if (parsed.GetValue(svg) is not null) throw new UsageException("--svg charts the layers of a WeightInit model; for an ONNX model use the table or --json.");
                return OnnxAnalyze.Run(context, parsed.GetValue(model)!, parsed.GetValue(init), parsed.GetValue(preset), parsed.GetValue(input) ?? [],
                    parsed.GetValue(batch), parsed.GetValue(seed), parsed.GetValue(factor), parsed.GetValue(json));
            }
            if (parsed.GetValue(preset) is not null || parsed.GetValue(input) is { Length: > 0 })
                throw new UsageException("--preset and --input apply to an ONNX model (SPEC ending in .onnx).");
            var spec = ReadModel(parsed.GetValue(model), parsed.GetValue(mlp), parsed.GetValue(init));
            int batchSize = parsed.GetValue(batch);
            if (batchSize < 2) throw new UsageException($"--batch must be at least 2; got {batchSize}.");
            double f = parsed.GetValue(factor);
            if (!(f > 1) || !double.IsFinite(f)) throw new UsageException($"--factor must be a finite number > 1; got {f.ToString(CultureInfo.InvariantCulture)}.");
            int threadCount = parsed.GetValue(threads);
            if (threadCount < 0) throw new UsageException($"--threads must be ≥ 0; got {threadCount}.");
            string? svgPath = parsed.GetValue(svg);
            if (svgPath is not null) CheckSvgPath(svgPath);
            Diagnosis diagnosis;
            try
            {
                diagnosis = VarianceDiagnosis.Run(spec, new DiagnosisOptions { Batch = batchSize, Seed = parsed.GetValue(seed), Factor = f, Threads = threadCount });
            }
            catch (NotSupportedException e)
            {
                throw new UsageException(e.Message);
            }
            if (svgPath is not null)
            {
                var bytes = new UTF8Encoding(false).GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + Chart(diagnosis).ToSvg());
                AtomicFile.Write(svgPath, s => s.Write(bytes), bytes.Length);
            }
            if (parsed.GetValue(json)) context.Output.WriteLine(JsonSerializer.Serialize(AnalyzeJson.From(diagnosis), CliJson.Options));
            else Render(context, diagnosis);
            if (svgPath is not null && !parsed.GetValue(json)) context.Output.WriteLine($"wrote {svgPath}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The model from SPEC or --mlp (exactly one), with --init as its default weight initializer.</summary>
    internal static ModelSpec ReadModel(string? text, string? mlp, string? init)
    {
        if (text is not null && mlp is not null) throw new UsageException("Give the model either as SPEC or with --mlp, not both.");
        if (text is null && mlp is null)
            throw new UsageException($"No model: give SPEC (JSON, a file, or an inline form such as {string.Join(", ", ModelSpec.InlineExamples)}) or --mlp WIDTHS:ACT.");
        var spec = ModelSpec.Parse(text ?? "mlp:" + mlp!.Trim());
        if (init is not null)
        {
            if (string.IsNullOrWhiteSpace(init)) throw new UsageException("--init is empty; give an initializer spec such as he_normal (weightinit list shows them).");
            spec = spec with { WeightInitializer = init.Trim() };
        }
        if (spec.Layers.Count == 0) throw new UsageException($"Model '{spec.Name}' has no layers (depth 0); give at least one layer.");
        // Infer now so that a bad layer or initializer is reported before any work, naming the layer and the field.
        spec.Infer();
        return spec;
    }

    private static void CheckSvgPath(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is null || !Directory.Exists(directory)) throw new UsageException($"--svg '{path}': the directory '{directory}' does not exist.");
        if (Directory.Exists(path)) throw new UsageException($"--svg '{path}' is a directory; give a file name such as analysis.svg.");
    }

    private static void Render(CliContext context, Diagnosis d)
    {
        var console = context.CreateConsole();
        string factor = Number(d.Options.Factor);
        console.WriteLine($"model {d.Model}");
        console.WriteLine($"Monte Carlo: batch {d.Options.Batch} of N(0, 1) inputs, N(0, 1) output gradient, seed {d.Options.Seed}. " +
                          "Theory: forward/backward moment recursions (docs/analysis-theory.md).");
        console.Write(Table(d.Layers));
        console.WriteLine($"A layer is a weighted layer with the activations after it. gain fwd = its Var out / Var in; gain bwd = its E[g²] in / E[g²] out " +
                          $"÷ fan_out/fan_in (what its shape implies); trend = the product after the first layer so far (forward) or from the output (backward). " +
                          $"Measured; EXPLODES above ×{factor}, VANISHES below 1/{factor} (--factor); the first layer is judged by its own forward gain only.");
        foreach (var note in d.Notes) console.WriteLine($"Note: {note}");
        var flagged = d.FlaggedLayers.ToList();
        if (flagged.Count == 0)
        {
            console.WriteLine($"No layer flagged: every gain and trend stays within ×{factor}.");
            return;
        }
        console.WriteLine($"{flagged.Count} layer(s) flagged.{(d.Layers.Any(r => r.Fix is not null) ? " Per layer:" : "")}");
        foreach (var r in d.Layers.Where(r => r.Fix is not null)) console.WriteLine($"  {r.Name}: {r.Fix}");
        if (d.Attempt is { } attempt)
        {
            console.WriteLine($"Re-run with {string.Join(", ", attempt.Rules.Select(r => $"{r.Pattern}={r.Initializer}"))} (same seed):");
            console.Write(Table(attempt.Layers));
        }
        if (d.Fix is { } fix)
            console.WriteLine($"Suggested fix (the re-run flags nothing, theory and Monte Carlo): {string.Join(", ", fix.Rules.Select(r => $"{r.Pattern}={r.Initializer}"))}.");
        if (d.Advice is { } advice) console.WriteLine(advice);
    }

    private static Table Table(IReadOnlyList<LayerDiagnosis> layers)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("#").RightAligned()).AddColumn("layer").AddColumn("type").AddColumn("output")
            .AddColumn(new TableColumn(Markup.Escape("Var out theory")).RightAligned())
            .AddColumn(new TableColumn("measured").RightAligned())
            .AddColumn(new TableColumn("rel.err").RightAligned())
            .AddColumn(new TableColumn(Markup.Escape("E[g²] in theory")).RightAligned())
            .AddColumn(new TableColumn("measured").RightAligned())
            .AddColumn(new TableColumn("rel.err").RightAligned())
            .AddColumn(new TableColumn("gain fwd").RightAligned())
            .AddColumn(new TableColumn("gain bwd").RightAligned())
            .AddColumn(new TableColumn("trend fwd").RightAligned())
            .AddColumn(new TableColumn("trend bwd").RightAligned())
            .AddColumn("flag");
        foreach (var r in layers)
        {
            var v = r.Measured;
            bool first = r.Index == 0;
            table.AddRow(new Text(r.Index.ToString(CultureInfo.InvariantCulture)), new Text(r.Name), new Text(r.Type), new Text(r.Output.ToString()),
                new Text(Number(r.PredictedVariance)), new Text(Number(r.MeasuredVariance)), new Text(Percent(r.VarianceRelativeError)),
                new Text(Number(r.PredictedGradient)), new Text(Number(r.MeasuredGradient)), new Text(Percent(r.GradientRelativeError)),
                new Text(Number(v.Gains.ForwardGain)), new Text(first ? "—" : Number(v.BackwardGainBeyondShape)),
                new Text(first ? "—" : Number(v.CumulativeForward)), new Text(first ? "—" : Number(v.CumulativeBackward)),
                new Text(FlagText(r)));
        }
        return table;
    }

    internal static string FlagText(LayerDiagnosis r) => FlagText(r.Measured);

    /// <summary>The flags of one verdict, in words ("EXPLODES fwd ×31.9; …"), or "" when none.</summary>
    internal static string FlagText(LayerVerdict v)
    {
        var parts = new List<string>();
        if (v.Forward != VarianceFlag.None) parts.Add($"{Word(v.Forward)} fwd ×{Number(v.Gains.ForwardGain)}");
        if (v.Backward != VarianceFlag.None) parts.Add($"{Word(v.Backward)} bwd ×{Number(v.BackwardGainBeyondShape)}");
        if (v.ForwardTrend != VarianceFlag.None) parts.Add($"{Word(v.ForwardTrend)} fwd trend ×{Number(v.CumulativeForward)}");
        if (v.BackwardTrend != VarianceFlag.None) parts.Add($"{Word(v.BackwardTrend)} bwd trend ×{Number(v.CumulativeBackward)}");
        return string.Join("; ", parts);
    }

    private static string Word(VarianceFlag f) => f == VarianceFlag.Explodes ? "EXPLODES" : "VANISHES";

    /// <summary>Predicted (dashed) and measured (markers) forward variance and input-gradient second moment per layer, log scale.</summary>
    internal static SvgChart Chart(Diagnosis d)
    {
        var chart = new SvgChart { Title = $"{d.Model.Name}: variance per layer", XAxis = AxisOptions.Linear("layer index"), YAxis = AxisOptions.Log("variance / E[g²]") };
        var x = d.Layers.Select(l => (double)l.Index).ToArray();
        chart.AddLine("Var out (theory)", x, d.Layers.Select(l => l.PredictedVariance).ToArray(), dash: LineDash.Dashed, colorGroup: "variance");
        chart.AddLine("Var out (measured)", x, d.Layers.Select(l => l.MeasuredVariance).ToArray(), markers: true, colorGroup: "variance");
        chart.AddLine("E[g²] in (theory)", x, d.Layers.Select(l => l.PredictedGradient).ToArray(), dash: LineDash.Dashed, colorGroup: "gradient");
        chart.AddLine("E[g²] in (measured)", x, d.Layers.Select(l => l.MeasuredGradient).ToArray(), markers: true, colorGroup: "gradient");
        return chart;
    }

    internal static string Number(double x) =>
        double.IsPositiveInfinity(x) ? "overflow" : double.IsNaN(x) ? "—" : x.ToString("G4", CultureInfo.InvariantCulture);

    private static string Percent(double x) => double.IsFinite(x) ? (100 * x).ToString("F1", CultureInfo.InvariantCulture) + "%" : "—";
}

/// <summary>The JSON form of <c>analyze --json</c>; non-finite numbers are null (with overflow true where float32 overflowed).</summary>
internal sealed record AnalyzeJson(string Model, string Spec, int Batch, ulong Seed, double Factor, IReadOnlyList<AnalyzeJson.Row> Layers,
    IReadOnlyList<string> Notes, IReadOnlyList<AnalyzeJson.Rule> Tried, IReadOnlyList<AnalyzeJson.Row>? Rerun, IReadOnlyList<AnalyzeJson.Rule> Fixes, string? Advice)
{
    /// <summary>One layer as the user wrote it.</summary>
    internal sealed record Row(int Index, string Name, string Type, IReadOnlyList<string> Members, IReadOnlyList<int> Output,
        double? PredictedVariance, double? MeasuredVariance, double? VarianceRelativeError,
        double? PredictedGradient, double? MeasuredGradient, double? GradientRelativeError,
        double? ForwardGain, double? BackwardGain, double? ShapeBackwardGain, double? CumulativeForward, double? CumulativeBackward,
        bool Overflow, string Forward, string Backward, string ForwardTrend, string BackwardTrend, string? Note, string? Fix, string? FixSpec);

    /// <summary>An override rule.</summary>
    internal sealed record Rule(string Pattern, string Init);

    public static AnalyzeJson From(Diagnosis d)
    {
        static double? N(double x) => double.IsFinite(x) ? x : null;
        static string F(VarianceFlag f) => f.ToString().ToLowerInvariant();
        static List<Row> Rows(IReadOnlyList<LayerDiagnosis> layers) => layers.Select(r => new Row(r.Index, r.Name, r.Type, r.Members, r.Output.Dimensions,
            N(r.PredictedVariance), N(r.MeasuredVariance), N(r.VarianceRelativeError),
            N(r.PredictedGradient), N(r.MeasuredGradient), N(r.GradientRelativeError),
            N(r.Measured.Gains.ForwardGain), N(r.Measured.BackwardGainBeyondShape), N(r.Measured.Gains.ShapeBackwardGain),
            r.Index == 0 ? null : N(r.Measured.CumulativeForward), r.Index == 0 ? null : N(r.Measured.CumulativeBackward),
            double.IsInfinity(r.MeasuredVariance) || double.IsInfinity(r.MeasuredGradient),
            F(r.Measured.Forward), F(r.Measured.Backward), F(r.Measured.ForwardTrend), F(r.Measured.BackwardTrend), r.Measured.Note, r.Fix, r.FixSpec)).ToList();
        static List<Rule> Rules(FixAttempt? a) => a is null ? [] : a.Rules.Select(r => new Rule(r.Pattern, r.Initializer)).ToList();
        return new AnalyzeJson(d.Model.Name, d.Model.ToString(), d.Options.Batch, d.Options.Seed, d.Options.Factor, Rows(d.Layers), d.Notes.ToList(),
            Rules(d.Attempt), d.Attempt is { } a ? Rows(a.Layers) : null, Rules(d.Fix), d.Advice);
    }
}
