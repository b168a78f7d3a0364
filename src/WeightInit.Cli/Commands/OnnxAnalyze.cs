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
            try { shapes[text[..eq].Trim()] = WeightInit.Shapes.WeightShape.Parse(text[(eq + 1)..]).Dimensions.ToArray(); }
            catch (FormatException e) { throw new UsageException($"--input '{text}': {e.Message}"); }
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
            throw new UsageException($"ONNX Runtime cannot run '{path}': {e.Message.Split('\n')[0].Trim()}");
        }
        if (json) context.Output.WriteLine(JsonSerializer.Serialize(ToJson(path, analysis), CliJson.Options));
        else Render(context, path, analysis);
        return ExitCodes.Success;
    }

    private static object ToJson(string path, OnnxAnalysis a) => new
    {
        Model = path, a.Options.Batch, a.Options.Seed, a.Options.Factor, InputVariance = a.InputVariance,
        Measured = "forward (ONNX Runtime); theory: moment recursion where the ops are known; no backward",
        Nodes = a.Nodes.Select(n => new
        {
            n.Index, n.Node, Op = n.OpType, n.Output, n.Shape, Mean = Finite(n.Mean), Variance = Finite(n.Variance), Overflow = double.IsPositiveInfinity(n.Variance),
            TheoryVariance = n.TheoryVariance is { } t ? Finite(t) : null, Ratio = n.Ratio is { } r ? Finite(r) : null, Flag = FlagWord(n.Flag),
        }),
    };

    private static double? Finite(double x) => double.IsFinite(x) ? x : null;

    private static string? FlagWord(VarianceFlag f) => f switch { VarianceFlag.Explodes => "explodes", VarianceFlag.Vanishes => "vanishes", _ => null };

    private static void Render(CliContext context, string path, OnnxAnalysis a)
    {
        var console = context.CreateConsole();
        string factor = Number(a.Options.Factor);
        console.WriteLine($"model {path}");
        console.WriteLine($"ONNX Runtime, forward only: batch {a.Options.Batch} of N(0, 1) inputs (measured variance {Number(a.InputVariance)}), seed {a.Options.Seed}. " +
                          "Theory: the moment recursion where the ops are known (docs/models.md); no backward (ONNX Runtime's inference package has none).");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("#").RightAligned()).AddColumn("node").AddColumn("op").AddColumn("output").AddColumn("shape")
            .AddColumn(new TableColumn("mean").RightAligned())
            .AddColumn(new TableColumn("Var measured").RightAligned())
            .AddColumn(new TableColumn("Var theory").RightAligned())
            .AddColumn(new TableColumn("ratio").RightAligned())
            .AddColumn("flag");
        foreach (var n in a.Nodes)
            table.AddRow(new Text(n.Index.ToString(CultureInfo.InvariantCulture)), new Text(n.Node), new Text(n.OpType), new Text(n.Output),
                new Text("[" + string.Join(", ", n.Shape) + "]"), new Text(Number(n.Mean)), new Text(Number(n.Variance)),
                new Text(n.TheoryVariance is { } t ? Number(t) : "—"), new Text(n.Ratio is { } r ? Number(r) : ""),
                new Text(n.Flag switch { VarianceFlag.Explodes => $"EXPLODES fwd ×{Number(n.Ratio!.Value)}", VarianceFlag.Vanishes => $"VANISHES fwd ×{Number(n.Ratio!.Value)}", _ => "" }));
        console.Write(table);
        console.WriteLine($"Flags (Gemm, MatMul, Conv, ConvTranspose rows): ratio = Var out / Var input, measured; EXPLODES above ×{factor}, VANISHES below 1/{factor} (--factor).");
        int flagged = a.Flagged.Count();
        console.WriteLine(flagged == 0 ? $"No node flagged: every weighted node's variance stays within ×{factor} of the input's." : $"{flagged} node(s) flagged.");
    }

    private static string Number(double x) => AnalyzeCommand.Number(x);
}
