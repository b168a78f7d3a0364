using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Spectre.Console;
using WeightInit.Analysis.Measurement;
using WeightInit.Onnx;

namespace WeightInit.Cli.Commands;

/// <summary><c>weightinit analyze MODEL.onnx [--init SPEC | --preset NAME] [--batch N] [--input NAME=SHAPE]</c>: per node output,
/// measured by ONNX Runtime beside the theory, flagged by the rules of <c>analyze</c>.</summary>
internal static class OnnxAnalyze
{
    /// <summary>Runs the analysis and prints it (table or JSON).</summary>
    public static int Run(CliContext context, string path, string? init, string? preset, string[] inputs, int batch, ulong seed, double factor, bool json)
    {
        if (batch < 2) throw new UsageException($"--batch must be at least 2; got {batch}.");
        if (!(factor > 1) || !double.IsFinite(factor)) throw new UsageException($"--factor must be a finite number > 1; got {factor.ToString(CultureInfo.InvariantCulture)}.");
        if (init is not null && preset is not null) throw new UsageException("Give --init or --preset, not both.");
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (string text in inputs)
        {
            int eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new UsageException($"--input '{text}': give NAME=SHAPE, such as x=[8,3,32,32].");
            string name = text[..eq].Trim();
            if (shapes.ContainsKey(name)) throw new UsageException($"--input '{name}' is given twice; give each input's shape once.");
            try { shapes[name] = WeightInit.Shapes.WeightShape.Parse(text[(eq + 1)..]).Dimensions.ToArray(); }
            catch (FormatException e) { throw new UsageException($"--input '{text}': {e.Message}"); }
            if (shapes[name].Any(d => d < 1))
                throw new UsageException($"--input '{text}': every dimension must be at least 1, such as {name}=[8,3,32,32].");
        }
        var plan = OnnxInit.Plan(path, preset, null, init);
        var names = plan.Model.InputNames;
        foreach (string name in shapes.Keys)
            if (!names.Contains(name)) throw new UsageException($"--input '{name}': the model has no such input; its inputs: {string.Join(", ", names)}.");
        OnnxAnalysis analysis;
        try
        {
            analysis = OnnxAnalysis.Run(plan, plan.ToCheckpointPlan(seed), new OnnxAnalysisOptions { Batch = batch, Seed = seed, Factor = factor, InputShapes = shapes });
        }
        catch (OnnxRuntimeException e)
        {
            throw new UsageException($"ONNX Runtime cannot run '{path}': {string.Join(' ', e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}");
        }
        if (json) context.Output.WriteLine(JsonSerializer.Serialize(ToJson(path, analysis), CliJson.Options));
        else Render(context, path, analysis);
        return ExitCodes.Success;
    }

    private static object ToJson(string path, OnnxAnalysis a)
    {
        var first = a.Layers.ToDictionary(l => l.Members[0], l => l, StringComparer.Ordinal);
        return new
        {
            Model = path, a.Options.Batch, a.Options.Seed, a.Options.Factor, InputVariance = a.InputVariance,
            Measured = "forward (ONNX Runtime); backward gains from theory (fan_out·E[W²]·E[φ′(z)²] at the measured pre-activation variance); theory variances: moment recursion where the ops are known",
            Nodes = a.Nodes.Select(n => new
            {
                n.Index, n.Node, Op = n.OpType, n.Output, n.Shape, Mean = Finite(n.Mean), Variance = Finite(n.Variance), Overflow = double.IsPositiveInfinity(n.Variance),
                TheoryVariance = n.TheoryVariance is { } t ? Finite(t) : null, n.Layer,
                Flag = first.TryGetValue(n.Node, out var l) && l.Flagged ? AnalyzeCommand.FlagText(l.Verdict) : null,
            }),
            Layers = Layers(a.Layers),
            Notes = a.Notes.ToList(),
            Tried = Rules(a.Attempt?.Rules),
            Rerun = a.Attempt is { } attempt ? Layers(attempt.Rerun.Layers) : null,
            Fixes = Rules(a.Fix?.Rules),
            a.Advice,
        };
    }

    private static List<object> Layers(IReadOnlyList<OnnxLayer> layers) => layers.Select(l => (object)new
    {
        l.Index, l.Name, l.Weight, l.Type, l.Members, Activation = l.Activation?.ToString(),
        InputVariance = Finite(l.InputVariance), OutputVariance = Finite(l.OutputVariance), TheoryVariance = l.TheoryVariance is { } t ? Finite(t) : null,
        ForwardGain = Finite(l.Verdict.Gains.ForwardGain), BackwardGain = l.Verdict.Gains.BackwardKnown ? Finite(l.Verdict.BackwardGainBeyondShape) : null,
        ShapeBackwardGain = Finite(l.Verdict.Gains.ShapeBackwardGain),
        CumulativeForward = l.Index == 0 ? null : Finite(l.Verdict.CumulativeForward), CumulativeBackward = l.Index == 0 ? null : Finite(l.Verdict.CumulativeBackward),
        Forward = Word(l.Verdict.Forward), Backward = Word(l.Verdict.Backward), ForwardTrend = Word(l.Verdict.ForwardTrend), BackwardTrend = Word(l.Verdict.BackwardTrend),
        l.Verdict.Note, l.Fix, l.FixSpec,
    }).ToList();

    private static List<object> Rules(IReadOnlyList<WeightInit.Checkpoints.TensorRule>? rules) =>
        rules is null ? [] : rules.Select(r => (object)new { Pattern = System.Text.RegularExpressions.Regex.Unescape(r.Regex ?? r.Pattern!), Init = r.Initializer }).ToList();

    private static double? Finite(double x) => double.IsFinite(x) ? x : null;

    private static string Word(VarianceFlag f) => f.ToString().ToLowerInvariant();

    private static void Render(CliContext context, string path, OnnxAnalysis a)
    {
        var console = context.CreateConsole();
        string factor = Number(a.Options.Factor);
        console.WriteLine($"model {path}");
        console.WriteLine($"ONNX Runtime, forward only: batch {a.Options.Batch} of N(0, 1) inputs (measured variance {Number(a.InputVariance)}), seed {a.Options.Seed}. " +
                          "Theory: the moment recursion where the ops are known (docs/models.md); no backward pass (ONNX Runtime's inference package has none).");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("#").RightAligned()).AddColumn("node").AddColumn("op").AddColumn("output").AddColumn("shape")
            .AddColumn(new TableColumn("mean").RightAligned())
            .AddColumn(new TableColumn("Var measured").RightAligned())
            .AddColumn(new TableColumn("Var theory").RightAligned())
            .AddColumn(new TableColumn("layer").RightAligned());
        foreach (var n in a.Nodes)
            table.AddRow(new Text(n.Index.ToString(CultureInfo.InvariantCulture)), new Text(n.Node), new Text(n.OpType), new Text(n.Output),
                new Text("[" + string.Join(", ", n.Shape) + "]"), new Text(Number(n.Mean)), new Text(Number(n.Variance)),
                new Text(n.TheoryVariance is { } t ? Number(t) : "—"), new Text(n.Layer is { } l ? l.ToString(CultureInfo.InvariantCulture) : ""));
        console.Write(table);
        console.Write(LayerTable(a.Layers));
        console.WriteLine("A layer is a weighted node (Gemm, MatMul, Conv, ConvTranspose) with the nodes after it. gain fwd = its Var out / Var in, measured; " +
                          "gain bwd = fan_out·E[W²]·E[φ′(z)²] (theory, z at the measured pre-activation variance; — where an op has no rule) ÷ fan_out/fan_in; " +
                          $"trend = the product after the first layer so far (forward) or from the output (backward). EXPLODES above ×{factor}, VANISHES below 1/{factor} (--factor); " +
                          "the first layer is judged by its own forward gain only.");
        foreach (var note in a.Notes) console.WriteLine($"Note: {note}");
        int flagged = a.Flagged.Count();
        if (flagged == 0)
        {
            console.WriteLine($"No layer flagged: every gain and trend stays within ×{factor}.");
            return;
        }
        console.WriteLine($"{flagged} layer(s) flagged.{(a.Layers.Any(l => l.Fix is not null) ? " Per layer:" : "")}");
        foreach (var l in a.Layers.Where(l => l.Fix is not null)) console.WriteLine($"  {l.Name}: {l.Fix}");
        if (a.Attempt is { } attempt)
        {
            console.WriteLine($"Re-run in ONNX Runtime with {OnnxAnalysis.Describe(attempt.Rules)} (same seed):");
            console.Write(LayerTable(attempt.Rerun.Layers));
        }
        if (a.Fix is { } fix) console.WriteLine($"Suggested fix (the re-run flags nothing): {OnnxAnalysis.Describe(fix.Rules)}.");
        if (a.Advice is { } advice) console.WriteLine(advice);
    }

    private static Table LayerTable(IReadOnlyList<OnnxLayer> layers)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("#").RightAligned()).AddColumn("layer").AddColumn("type")
            .AddColumn(new TableColumn("Var in").RightAligned())
            .AddColumn(new TableColumn("Var out").RightAligned())
            .AddColumn(new TableColumn("theory").RightAligned())
            .AddColumn(new TableColumn("gain fwd").RightAligned())
            .AddColumn(new TableColumn("gain bwd").RightAligned())
            .AddColumn(new TableColumn("trend fwd").RightAligned())
            .AddColumn(new TableColumn("trend bwd").RightAligned())
            .AddColumn("flag");
        foreach (var l in layers)
        {
            var v = l.Verdict;
            bool first = l.Index == 0;
            table.AddRow(new Text(l.Index.ToString(CultureInfo.InvariantCulture)), new Text(l.Name), new Text(l.Type),
                new Text(Number(l.InputVariance)), new Text(Number(l.OutputVariance)), new Text(l.TheoryVariance is { } t ? Number(t) : "—"),
                new Text(Number(v.Gains.ForwardGain)), new Text(first || !v.Gains.BackwardKnown ? "—" : Number(v.BackwardGainBeyondShape)),
                new Text(first ? "—" : Number(v.CumulativeForward)), new Text(first ? "—" : Number(v.CumulativeBackward)),
                new Text(AnalyzeCommand.FlagText(v)));
        }
        return table;
    }

    private static string Number(double x) => AnalyzeCommand.Number(x);
}
