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
        var factor = new Option<double>("--factor") { Description = "Flag factor F: flag a layer whose variance ratio to the input (forward) or output gradient (backward) exceeds F or falls below 1/F.", DefaultValueFactory = _ => 10 };
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
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("#").RightAligned()).AddColumn("layer").AddColumn("type").AddColumn("output")
            .AddColumn(new TableColumn(Markup.Escape("Var out theory")).RightAligned())
            .AddColumn(new TableColumn("measured").RightAligned())
            .AddColumn(new TableColumn("rel.err").RightAligned())
            .AddColumn(new TableColumn(Markup.Escape("E[g²] in theory")).RightAligned())
            .AddColumn(new TableColumn("measured").RightAligned())
            .AddColumn(new TableColumn("rel.err").RightAligned())
            .AddColumn("flag");
        foreach (var r in d.Layers)
            table.AddRow(new Text(r.Index.ToString(CultureInfo.InvariantCulture)), new Text(r.Name), new Text(r.Type), new Text(r.Output.ToString()),
                new Text(Number(r.PredictedVariance)), new Text(Number(r.MeasuredVariance)), new Text(Percent(r.VarianceRelativeError)),
                new Text(Number(r.PredictedGradient)), new Text(Number(r.MeasuredGradient)), new Text(Percent(r.GradientRelativeError)),
                new Text(FlagText(r)));
        console.Write(table);
        console.WriteLine($"Flags (dense, conv2d, residual rows): forward = Var out / Var input, backward = E[g²] at the layer's input / E[g²] at the output, " +
                          $"measured; EXPLODES above ×{factor}, VANISHES below 1/{factor} (--factor).");
        var flagged = d.FlaggedLayers.ToList();
        if (flagged.Count == 0)
        {
            console.WriteLine($"No layer flagged: every variance stays within ×{factor} of where it started.");
            return;
        }
        console.WriteLine($"{flagged.Count} layer(s) flagged. Fixes:");
        foreach (var r in flagged) console.WriteLine($"  {r.Name}: {r.Fix}");
        if (d.Fixed is { } fixedModel && d.FixedTheory is { } theory)
        {
            var last = theory.TopLevel.Last();
            var first = theory.TopLevel.First();
            console.WriteLine($"With these initializers (rules {string.Join(", ", fixedModel.Rules.Skip(d.Model.Rules.Count).Select(r => $"{r.Pattern}={r.Initializer}"))}) " +
                              $"the theory predicts Var out of the last layer {Number(last.Output.Variance)} and E[g²] at the input {Number(first.InputGradientSecondMoment)}.");
        }
    }

    internal static string FlagText(LayerDiagnosis r)
    {
        var parts = new List<string>();
        if (r.Forward != VarianceFlag.None) parts.Add($"{(r.Forward == VarianceFlag.Explodes ? "EXPLODES" : "VANISHES")} fwd ×{Number(r.ForwardRatio)}");
        if (r.Backward != VarianceFlag.None) parts.Add($"{(r.Backward == VarianceFlag.Explodes ? "EXPLODES" : "VANISHES")} bwd ×{Number(r.BackwardRatio)}");
        return parts.Count == 0 ? "" : string.Join("; ", parts);
    }

    /// <summary>Predicted (dashed) and measured (markers) forward variance and input-gradient second moment per layer, log scale.</summary>
    internal static SvgChart Chart(Diagnosis d)
    {
        var chart = new SvgChart { Title = $"{d.Model.Name}: variance per layer", XAxis = AxisOptions.Linear("layer index"), YAxis = AxisOptions.Log("variance / E[g²]") };
        var x = d.Layers.Select(l => (double)l.Index).ToArray();
        chart.AddLine("Var out (theory)", x, d.Layers.Select(l => l.PredictedVariance).ToArray(), dash: LineDash.Dashed);
        chart.AddLine("Var out (measured)", x, d.Layers.Select(l => l.MeasuredVariance).ToArray(), markers: true);
        chart.AddLine("E[g²] in (theory)", x, d.Layers.Select(l => l.PredictedGradient).ToArray(), dash: LineDash.Dashed);
        chart.AddLine("E[g²] in (measured)", x, d.Layers.Select(l => l.MeasuredGradient).ToArray(), markers: true);
        return chart;
    }

    internal static string Number(double x) =>
        double.IsPositiveInfinity(x) ? "overflow" : double.IsNaN(x) ? "—" : x.ToString("G4", CultureInfo.InvariantCulture);

    private static string Percent(double x) => double.IsFinite(x) ? (100 * x).ToString("F1", CultureInfo.InvariantCulture) + "%" : "—";
}

/// <summary>The JSON form of <c>analyze --json</c>; non-finite numbers are null (with overflow true where float32 overflowed).</summary>
internal sealed record AnalyzeJson(string Model, string Spec, int Batch, ulong Seed, double Factor, IReadOnlyList<AnalyzeJson.Row> Layers,
    IReadOnlyList<AnalyzeJson.Rule> Fixes, double? FixedOutputVariance, double? FixedInputGradient)
{
    /// <summary>One layer.</summary>
    internal sealed record Row(int Index, string Name, string Type, IReadOnlyList<int> Output,
        double? PredictedVariance, double? MeasuredVariance, double? VarianceRelativeError,
        double? PredictedGradient, double? MeasuredGradient, double? GradientRelativeError,
        double? ForwardRatio, double? BackwardRatio, bool Overflow, string Forward, string Backward, string? Fix, string? FixSpec);

    /// <summary>An override rule that applies a fix.</summary>
    internal sealed record Rule(string Pattern, string Init);

    public static AnalyzeJson From(Diagnosis d)
    {
        static double? N(double x) => double.IsFinite(x) ? x : null;
        static string F(VarianceFlag f) => f.ToString().ToLowerInvariant();
        var rows = d.Layers.Select(r => new Row(r.Index, r.Name, r.Type, r.Output.Dimensions,
            N(r.PredictedVariance), N(r.MeasuredVariance), N(r.VarianceRelativeError),
            N(r.PredictedGradient), N(r.MeasuredGradient), N(r.GradientRelativeError),
            N(r.ForwardRatio), N(r.BackwardRatio), double.IsInfinity(r.MeasuredVariance) || double.IsInfinity(r.MeasuredGradient),
            F(r.Forward), F(r.Backward), r.Fix, r.FixSpec)).ToList();
        var fixes = d.Fixed is null ? [] : d.Fixed.Rules.Skip(d.Model.Rules.Count).Select(r => new Rule(r.Pattern, r.Initializer)).ToList();
        return new AnalyzeJson(d.Model.Name, d.Model.ToString(), d.Options.Batch, d.Options.Seed, d.Options.Factor, rows, fixes,
            d.FixedTheory is { } t ? N(t.TopLevel.Last().Output.Variance) : null,
            d.FixedTheory is { } u ? N(u.TopLevel.First().InputGradientSecondMoment) : null);
    }
}
