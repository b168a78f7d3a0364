using System.Text.Json;
using System.Text.Json.Nodes;
using WeightInit.Checkpoints;
using WeightInit.IO;
using WeightInit.Onnx;

namespace WeightInit.Cli.Commands;

/// <summary>The ONNX half of <c>weightinit init</c>: <c>--model MODEL.onnx</c> planned by <see cref="OnnxPlanner"/>, printed by the one
/// plan printer (<see cref="CheckpointPlanReport"/>, plus the consuming op and the tensors kept), and written back as ONNX
/// (<c>--format onnx --out NEW.onnx</c>) or as any checkpoint format.</summary>
internal static class OnnxInit
{
    /// <summary>The format word that writes an ONNX model.</summary>
    public const string Format = "onnx";

    /// <summary>True when <paramref name="model"/> names an ONNX file (by its extension).</summary>
    public static bool IsModel(string? model) => model is not null && model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="format"/> asks for an ONNX model.</summary>
    public static bool IsFormat(string format) => string.Equals(format.Trim(), Format, StringComparison.OrdinalIgnoreCase);

    /// <summary>Loads and plans the model, with the preset's and the rules' policy.</summary>
    /// <exception cref="UsageException">The file is missing or not a usable ONNX model, or the preset or rules are bad; one line says which.</exception>
    /// <param name="path">The model file.</param>
    /// <param name="preset">A preset name, or null.</param>
    /// <param name="rules">Rules (JSON file or text), or null.</param>
    /// <param name="weights">A spec for every dense and convolution weight (<c>analyze --init</c>), or null; rules still win.</param>
    public static OnnxPlan Plan(string path, string? preset, string? rules, string? weights = null)
    {
        OnnxModel model;
        try { model = OnnxModel.Load(path); }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"--model: {e.Message}");
        }
        var policy = InitPolicy.Default;
        bool pytorch = false;
        if (preset is not null)
        {
            var names = model.Initializers.Select(i => new TensorDeclaration(i.Name, i.Dimensions.Select(d => (int)d).ToArray())).ToList();
            var resolved = CheckpointPresets.Resolve(preset, names);
            pytorch = ReferenceEquals(resolved.Policy, CheckpointPresets.PyTorchDefault);
            policy = policy.Then(resolved.Policy);
        }
        if (weights is not null)
        {
            if (string.IsNullOrWhiteSpace(weights)) throw new UsageException("--init is empty; give an initializer spec such as he_normal (weightinit list shows them).");
            policy = policy.Then(new InitPolicy { Defaults = new Dictionary<TensorRole, string> { [TensorRole.Linear] = weights.Trim(), [TensorRole.Conv] = weights.Trim() } });
        }
        if (rules is not null) policy = policy.Then(CheckpointSpec.LoadPolicy(rules));
        return OnnxPlanner.Plan(model, new OnnxPlanOptions { Policy = policy, PyTorchModules = pytorch });
    }

    /// <summary>The plan's extra columns: the consuming op (both forms) and, in JSON, the reason for each decision.</summary>
    public static IReadOnlyList<PlanField> Fields(OnnxPlan plan, bool json)
    {
        var byName = plan.Tensors.Where(t => t.IsRewritten).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var op = new PlanField("op", t => byName.TryGetValue(t.Name, out var p) ? p.Consumer + StoredDims(p) : null);
        return json ? [op, new PlanField("reason", t => byName.TryGetValue(t.Name, out var p) ? p.Reason : null)] : [op];
    }

    /// <summary>"; ONNX dims [...]" where the fill shape is a reshaped view of the stored dims (recurrent W and R: one group per gate block), else "".</summary>
    private static string StoredDims(OnnxTensorPlan p) =>
        p.Shape is { } s && !s.Dimensions.Select(d => (long)d).SequenceEqual(p.Dimensions) ? $"; ONNX dims [{string.Join(", ", p.Dimensions)}]{(s.Groups > 1 ? $", {s.Groups} gate blocks" : "")}" : "";

    /// <summary>Prints the plan: the rewritten tensors through <see cref="CheckpointPlanReport"/>, then the tensors kept byte for byte and why
    /// (JSON: a "kept" array beside "tensors").</summary>
    public static void Print(TextWriter output, OnnxPlan plan, CheckpointPlan checkpoint, bool json)
    {
        var kept = plan.Tensors.Where(t => !t.IsRewritten).ToList();
        if (json)
        {
            var root = JsonNode.Parse(CheckpointPlanReport.ToJson(checkpoint, Fields(plan, json: true)))!.AsObject();
            var array = new JsonArray();
            foreach (var t in kept)
                array.Add(new JsonObject
                {
                    ["name"] = t.Name, ["shape"] = new JsonArray(t.Dimensions.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
                    ["dtype"] = DTypeName(plan.Model.Initializers.First(i => i.Name == t.Source).DataType), ["op"] = t.Consumer, ["reason"] = t.Reason,
                });
            root["kept"] = array;
            output.Write(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
            return;
        }
        output.Write(CheckpointPlanReport.ToText(checkpoint, Fields(plan, json: false)));
        foreach (var t in kept)
            output.WriteLine($"kept {t.Name} [{string.Join(", ", t.Dimensions)}] {DTypeName(plan.Model.Initializers.First(i => i.Name == t.Source).DataType)} ({t.Consumer}): {t.Reason}");
        foreach (var t in plan.Tensors.Where(t => t.Name != t.Source))
            output.WriteLine($"split {t.Name} from {t.Source}: {t.Reason}");
    }

    /// <summary>Writes the model with its initializers replaced to the file <paramref name="outPath"/>.</summary>
    /// <exception cref="UsageException">The path is a folder, the input itself, in a missing folder, or a write failed; nothing is left behind.</exception>
    public static void Write(TextWriter output, OnnxPlan plan, CheckpointPlan checkpoint, string outPath, int threads)
    {
        string full = Path.GetFullPath(outPath);
        if (Directory.Exists(full)) throw new UsageException($"--out '{outPath}' is a directory; --format onnx writes one model file, such as --out new.onnx.");
        if (string.Equals(full, plan.Model.Path, StringComparison.Ordinal)) throw new UsageException($"--out '{outPath}' is the input model; write the new model to another file.");
        if (!Directory.Exists(Path.GetDirectoryName(full))) throw new UsageException($"--out '{outPath}': the folder '{Path.GetDirectoryName(full)}' does not exist.");
        try
        {
            OnnxWriter.Write(plan, checkpoint, full, new WeightInit.Sampling.SamplingOptions { MaxThreads = threads });
        }
        catch (Exception e) when (WriteFailure.IsFileSystem(e))
        {
            throw WriteFailure.Describe(outPath, e);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new UsageException($"--out '{outPath}': {e.Message}");
        }
        int kept = plan.Tensors.Count(t => !t.IsRewritten), split = plan.Tensors.Count(t => t.Name != t.Source);
        output.WriteLine($"{checkpoint.Tensors.Count} initializers rewritten ({split} split from aliases), {kept} kept, {checkpoint.ParameterCount} parameters, {checkpoint.ByteLength} bytes of data in {full}");
    }

    /// <summary>The safetensors-style code of an ONNX data type (F32, I64, …), or "onnx type N".</summary>
    private static string DTypeName(int dataType) => dataType switch
    {
        1 => "F32", 2 => "U8", 3 => "I8", 4 => "U16", 5 => "I16", 6 => "I32", 7 => "I64", 9 => "BOOL", 10 => "F16", 11 => "F64", 12 => "U32", 13 => "U64", 16 => "BF16",
        _ => $"onnx type {dataType}",
    };
}
