using WeightInit.Naming;
using System.Globalization;
using System.Text.Json;
using WeightInit.Checkpoints.HuggingFace;
using WeightInit.Models;
using WeightInit.Initializers;
using WeightInit.IO;
using WeightInit.Shapes;

namespace WeightInit.Checkpoints;

/// <summary>The tensors a checkpoint declares and how their initializers are chosen, before a seed and generator make it a <see cref="CheckpointPlan"/>.</summary>
/// <param name="Tensors">The tensors in order.</param>
/// <param name="Policy">Defaults per role and rules.</param>
/// <param name="DType">The element type stated by the source, or null.</param>
public sealed record CheckpointSource(IReadOnlyList<TensorDeclaration> Tensors, InitPolicy Policy, TensorDType? DType = null)
{
    /// <summary>Files the source adds beside the tensors once the plan is made (a Hugging Face model's <c>config.json</c>), or null.</summary>
    public Func<CheckpointPlan, IReadOnlyList<CompanionFile>>? Companions { get; init; }
}

/// <summary>A small file written beside a checkpoint's tensors (by rank 0, atomically, before the manifest and index).</summary>
/// <param name="FileName">A plain file name in the checkpoint directory.</param>
/// <param name="Content">Its bytes.</param>
public sealed record CompanionFile(string FileName, byte[] Content);

/// <summary>Reads checkpoint specs (JSON), template checkpoints (a safetensors header) and model specs into a <see cref="CheckpointSource"/>.</summary>
/// <remarks>
/// <para>A checkpoint spec is JSON:</para>
/// <code>
/// {
///   "dtype": "bf16",                       // optional: element type of tensors that state none (default f32)
///   "layout": "OutInKernel",               // optional: fan layout of tensors that state none
///   "defaults": { "linear": "he_normal", "bias": "zeros", "norm_weight": "ones", "norm_bias": "zeros",
///                 "embedding": "normal(std=0.02)", "conv": "he_normal", "other": "zeros" },
///   "rules": [ { "pattern": "*.c_proj.weight", "init": "normal(std=0.0028)" },
///              { "regex": "layers\\.\\d+\\.attn\\..*", "init": "xavier_uniform" } ],
///   "tensors": [ { "name": "fc1.weight", "shape": [1024, 512], "role": "linear", "layout": "OutInKernel", "groups": 1,
///                  "dtype": "f32", "init": "kaiming_uniform(a=sqrt(5))" } ]   // all but name and shape optional
/// }
/// </code>
/// <para>A tensor's initializer is its own "init", else the last matching rule, else the default for its role (unset roles keep
/// <see cref="InitPolicy.Default"/>). A role not given is inferred from the name and rank (<see cref="TensorRoles.Infer"/>).
/// Instead of "tensors", a "model" member may hold a <see cref="ModelSpec"/> in its JSON form; its layers' weights and biases are
/// the tensors, with the initializers that model resolves. A file that is a <see cref="ModelSpec"/> itself (with "layers") is read the same way.</para>
/// </remarks>
public static class CheckpointSpec
{
    private static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly string[] TopLevel = ["name", "dtype", "layout", "defaults", "rules", "tensors", "model"];
    private static readonly string[] TensorFields = ["name", "shape", "dtype", "role", "layout", "groups", "init"];

    /// <summary>Reads the spec in the file <paramref name="path"/>, or <paramref name="path"/> itself when it is JSON text.</summary>
    /// <exception cref="ArgumentException">The file is missing or the spec is malformed; the message names the JSON path and the valid choices.</exception>
    public static CheckpointSource Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        if (path.TrimStart().StartsWith('{')) text = path;
        else if (RegularFile.KindOf(path) == FileKind.Missing)
            throw new ArgumentException($"Model spec '{path}' does not exist (give a JSON file, or JSON text starting with '{{').");
        else text = RegularFile.ReadText(path, "Model spec"); // a regular file of at most RegularFile.MaxJsonBytes, never /dev/zero or a FIFO
        try
        {
            return Parse(text);
        }
        catch (ArgumentException e) when (!path.TrimStart().StartsWith('{'))
        {
            throw new ArgumentException($"Model spec '{path}': {e.Message}", e);
        }
    }

    /// <summary>Reads a checkpoint spec from JSON text (see the remarks on the type).</summary>
    /// <exception cref="ArgumentException">Malformed JSON, an unknown member, or a bad value; the message names the JSON path.</exception>
    public static CheckpointSource Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, JsonOptions); }
        catch (JsonException e) { throw new ArgumentException($"not valid JSON: {e.Message}", e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ArgumentException($"the spec must be a JSON object, not {root.ValueKind}.");
            RegularFile.RejectDuplicateKeys(root); // as the safetensors reader does: System.Text.Json would keep the last silently
            if (root.TryGetProperty("layers", out _)) return FromModel(ModelSpec.FromJson(json));
            if (HuggingFaceConfig.IsConfig(root)) return HuggingFaceModels.Build(HuggingFaceConfig.Parse(json, "")).ToSource();
            foreach (var p in root.EnumerateObject())
                if (!TopLevel.Contains(p.Name))
                    throw new ArgumentException($"$.{p.Name}: unknown member; valid: {string.Join(", ", TopLevel)}.");
            TensorDType? dtype = root.TryGetProperty("dtype", out var dt) ? DType(String(dt, "$.dtype"), "$.dtype") : null;
            WeightLayout? layout = root.TryGetProperty("layout", out var lt) ? Layout(String(lt, "$.layout"), "$.layout") : null;
            var policy = new InitPolicy { Defaults = Defaults(root), Rules = Rules(root) };
            bool hasTensors = root.TryGetProperty("tensors", out var tensors), hasModel = root.TryGetProperty("model", out var model);
            if (hasTensors == hasModel)
                throw new ArgumentException("the spec needs exactly one of \"tensors\" (a list of {\"name\", \"shape\", …}) or \"model\" (a layer model).");
            if (hasModel)
            {
                var source = FromModel(ModelSpec.FromJson(model.GetRawText()));
                return source with { Policy = policy, DType = dtype };
            }
            if (tensors.ValueKind != JsonValueKind.Array) throw new ArgumentException("$.tensors must be an array of {\"name\", \"shape\", …}.");
            var list = new List<TensorDeclaration>();
            int i = 0;
            foreach (var t in tensors.EnumerateArray())
            {
                list.Add(Tensor(t, $"$.tensors[{i}]", layout));
                i++;
            }
            return new CheckpointSource(list, policy, dtype);
        }
    }

    /// <summary>Reads only a spec's "defaults" and "rules" (for a model whose tensors come from elsewhere, an ONNX graph), from the
    /// file <paramref name="path"/> or from <paramref name="path"/> itself when it is JSON text.</summary>
    /// <exception cref="ArgumentException">The file is missing, the JSON is malformed, or it has another member; the message names it.</exception>
    public static InitPolicy LoadPolicy(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        bool inline = path.TrimStart().StartsWith('{');
        if (!inline && !File.Exists(path)) throw new ArgumentException($"Rules '{path}' do not exist (give a JSON file, or JSON text starting with '{{').");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(inline ? path : File.ReadAllText(path), JsonOptions); }
        catch (JsonException e) { throw new ArgumentException($"Rules '{(inline ? "(text)" : path)}': not valid JSON: {e.Message}", e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ArgumentException($"Rules must be a JSON object {{\"defaults\", \"rules\"}}, not {root.ValueKind}.");
            foreach (var p in root.EnumerateObject())
                if (p.Name is not ("defaults" or "rules"))
                    throw new ArgumentException($"Rules: $.{p.Name}: unknown member; valid: defaults, rules.");
            return new InitPolicy { Defaults = Defaults(root), Rules = Rules(root) };
        }
    }

    /// <summary>The tensors of a layer model, with the initializers the model resolves (its weight_init, bias_init and rules).</summary>
    /// <exception cref="ArgumentException">The model does not infer (a layer does not fit); the message names the layer.</exception>
    public static CheckpointSource FromModel(ModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var declarations = model.Infer().Parameters.Select(p => new TensorDeclaration(p.Name, p.Shape.Dimensions.ToArray(), null,
            p.Role == ParameterRole.Bias ? TensorRole.Bias : p.Shape.Rank == 2 ? TensorRole.Linear : TensorRole.Conv,
            p.Shape.Layout, p.Shape.Groups, p.InitializerSpec)).ToList();
        return new CheckpointSource(declarations, new InitPolicy());
    }

    /// <summary>The tensors of an existing safetensors checkpoint, from its header alone (its data is never read): names, shapes and types in file order.</summary>
    /// <exception cref="ArgumentException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file (truncated header, header length past the end, overlapping offsets, unknown dtype, …).</exception>
    public static CheckpointSource FromTemplate(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        RegularFile.Require(path, "Template"); // a directory, FIFO or device is named as such
        using var reader = SafetensorsReader.Open(path);
        var declarations = new List<TensorDeclaration>();
        foreach (var t in reader.Tensors)
        {
            var dims = new int[t.Shape.Count];
            for (int i = 0; i < dims.Length; i++)
                dims[i] = t.Shape[i] <= int.MaxValue ? (int)t.Shape[i]
                    : throw new InvalidDataException($"Template '{path}': tensor '{t.Name}' has dimension {t.Shape[i]}, more than {int.MaxValue}.");
            declarations.Add(new TensorDeclaration(t.Name, dims, t.DType));
        }
        // An empty policy, not InitPolicy.Default: a preset combined with the template must not be overridden by the library's defaults
        // (unset roles fall back to InitPolicy.Default anyway).
        return new CheckpointSource(declarations, new InitPolicy());
    }

    private static TensorDeclaration Tensor(JsonElement t, string where, WeightLayout? defaultLayout)
    {
        if (t.ValueKind != JsonValueKind.Object) throw new ArgumentException($"{where} must be an object {{\"name\", \"shape\", …}}.");
        foreach (var p in t.EnumerateObject())
            if (!TensorFields.Contains(p.Name)) throw new ArgumentException($"{where}.{p.Name}: unknown member; valid: {string.Join(", ", TensorFields)}.");
        if (!t.TryGetProperty("name", out var n)) throw new ArgumentException($"{where}: \"name\" is missing.");
        string name = String(n, where + ".name");
        if (!t.TryGetProperty("shape", out var s) || s.ValueKind != JsonValueKind.Array)
            throw new ArgumentException($"{where} ({name}): \"shape\" must be an array of non-negative integers such as [768, 3072].");
        var dims = new List<int>();
        foreach (var d in s.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int v) || v < 0)
                throw new ArgumentException($"{where}.shape ({name}): {d.GetRawText()} is not a non-negative 32-bit integer.");
            dims.Add(v);
        }
        int groups = 1;
        if (t.TryGetProperty("groups", out var g) && (g.ValueKind != JsonValueKind.Number || !g.TryGetInt32(out groups) || groups < 1))
            throw new ArgumentException($"{where}.groups ({name}): must be a positive integer; got {g.GetRawText()}.");
        return new TensorDeclaration(name, dims,
            t.TryGetProperty("dtype", out var dt) ? DType(String(dt, where + ".dtype"), where + ".dtype") : null,
            t.TryGetProperty("role", out var r) ? Role(String(r, where + ".role"), where + ".role") : null,
            t.TryGetProperty("layout", out var l) ? Layout(String(l, where + ".layout"), where + ".layout") : defaultLayout,
            groups,
            t.TryGetProperty("init", out var i) ? String(i, where + ".init") : null);
    }

    private static Dictionary<TensorRole, string> Defaults(JsonElement root)
    {
        var d = new Dictionary<TensorRole, string>();
        if (!root.TryGetProperty("defaults", out var defaults)) return d;
        if (defaults.ValueKind != JsonValueKind.Object)
            throw new ArgumentException($"$.defaults must be an object mapping roles ({string.Join(", ", TensorRoles.Names.Select(n => n.Name))}) to initializer specs.");
        foreach (var p in defaults.EnumerateObject())
            d[Role(p.Name, "$.defaults." + p.Name)] = String(p.Value, "$.defaults." + p.Name);
        return d;
    }

    private static List<TensorRule> Rules(JsonElement root)
    {
        var rules = new List<TensorRule>();
        if (!root.TryGetProperty("rules", out var array)) return rules;
        if (array.ValueKind != JsonValueKind.Array) throw new ArgumentException("$.rules must be an array of {\"pattern\" or \"regex\", \"init\"}.");
        int i = 0;
        foreach (var r in array.EnumerateArray())
        {
            string where = $"$.rules[{i++}]";
            if (r.ValueKind != JsonValueKind.Object) throw new ArgumentException($"{where} must be an object {{\"pattern\" or \"regex\", \"init\"}}.");
            foreach (var p in r.EnumerateObject())
                if (p.Name is not ("pattern" or "regex" or "init")) throw new ArgumentException($"{where}.{p.Name}: unknown member; valid: pattern, regex, init.");
            if (!r.TryGetProperty("init", out var init)) throw new ArgumentException($"{where}: \"init\" is missing.");
            try
            {
                rules.Add(new TensorRule(r.TryGetProperty("pattern", out var p1) ? String(p1, where + ".pattern") : null,
                    r.TryGetProperty("regex", out var p2) ? String(p2, where + ".regex") : null, String(init, where + ".init")));
            }
            catch (ArgumentException e) when (!e.Message.StartsWith('$'))
            {
                throw new ArgumentException($"{where}: {e.Message}", e);
            }
        }
        return rules;
    }

    private static string String(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new ArgumentException($"{where} must be a string; got {e.GetRawText()}.");

    private static TensorDType DType(string text, string where) =>
        TensorDTypes.TryParse(text, out var t) ? t
            : throw new ArgumentException($"{where}: unknown dtype '{text}'; valid: {string.Join(", ", TensorDTypes.Spellings.Select(s => s.Name))}.");

    private static TensorRole Role(string text, string where)
    {
        try { return TensorRoles.Parse(text); }
        catch (ArgumentException e) { throw new ArgumentException($"{where}: {e.Message}", e); }
    }

    /// <summary>A layout by any spelling <see cref="WeightLayouts"/> reads.</summary>
    internal static WeightLayout Layout(string text, string where)
    {
        try { return WeightLayouts.Parse(text); }
        catch (ArgumentException e) { throw new ArgumentException($"{where}: {e.Message}", e); }
    }

    /// <summary>Formats an integer for messages.</summary>
    internal static string Int(long x) => x.ToString(CultureInfo.InvariantCulture);
}
