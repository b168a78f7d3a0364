using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using WeightInit.Initializers;
using WeightInit.IO;

namespace WeightInit.Checkpoints.HuggingFace;

/// <summary>A Hugging Face <c>config.json</c>: every field as written, typed reads for the fields an architecture needs, and the
/// file written beside the checkpoint.</summary>
/// <remarks>
/// <para>A field that an architecture reads with a class default and that the file does not have is added with that default, so
/// the written <c>config.json</c> states every value the tensors were built from (the configuration classes' defaults differ
/// from the Hub's files and between versions; a loader then never falls back to a default of its own).</para>
/// <para>The written file is what <c>save_pretrained</c> writes: every field, <c>architectures</c> = [the class] and
/// <c>torch_dtype</c> = the tensors' type, keys sorted, indent 2, final newline (<c>json.dumps(…, indent=2, sort_keys=True)</c>).</para>
/// </remarks>
public sealed class HuggingFaceConfig
{
    private static readonly JsonDocumentOptions ReadOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
    private readonly JsonObject _fields;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly HashSet<string> _overridden = new(StringComparer.Ordinal);
    private readonly HashSet<string> _given;

    private HuggingFaceConfig(JsonObject fields, string source)
    {
        _fields = fields;
        Source = source;
        _given = new HashSet<string>(fields.Select(p => p.Key), StringComparer.Ordinal);
    }

    /// <summary>Where the config came from, for messages: a file name or a named config.</summary>
    public string Source { get; }

    /// <summary>The message prefix: "SOURCE: ", or nothing when the source is unnamed.</summary>
    internal string Where => Source.Length == 0 ? "" : Source + ": ";

    /// <summary>The <c>model_type</c>.</summary>
    public string ModelType => String("model_type");

    /// <summary>The fields as they stand (including defaults added by reads), in order.</summary>
    public IEnumerable<string> FieldNames => _fields.Select(p => p.Key);

    /// <summary>Whether the JSON text is a Hugging Face config (an object with a <c>model_type</c>).</summary>
    public static bool IsConfig(JsonElement root) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty("model_type", out _);

    /// <summary>Reads a config from JSON text.</summary>
    /// <exception cref="ArgumentException">Not a JSON object, or no <c>model_type</c>.</exception>
    public static HuggingFaceConfig Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? node;
        try { node = JsonNode.Parse(json, documentOptions: ReadOptions); }
        catch (JsonException e) { throw new ArgumentException($"{(source.Length == 0 ? "" : source + ": ")}not valid JSON: {e.Message}", e); }
        if (node is not JsonObject o) throw new ArgumentException($"{(source.Length == 0 ? "" : source + ": ")}a config.json must be a JSON object.");
        var config = new HuggingFaceConfig(o, source);
        if (!o.ContainsKey("model_type"))
            throw new ArgumentException($"{config.Where}\"model_type\" is missing; valid: {string.Join(", ", HuggingFaceModels.ModelTypes)}.");
        return config;
    }

    /// <summary>This config with fields replaced or added: <c>name(field=value, …)</c>'s arguments. A value is read as JSON
    /// (number, true, false, null) when it is one, else as a string; <c>architectures=X</c> means ["X"]. A field that
    /// the config has keeps its JSON kind.</summary>
    /// <exception cref="ArgumentException">A value of another kind than the field's, or a field given twice.</exception>
    public HuggingFaceConfig With(IEnumerable<KeyValuePair<string, string>> fields, string source)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var copy = (JsonObject)_fields.DeepClone();
        var overridden = new List<string>();
        foreach (var (key, raw) in fields)
        {
            if (overridden.Contains(key))
                throw new ArgumentException($"{source}: field '{key}' is given twice; each field may be given once.");
            JsonNode? value;
            if (key == "architectures") value = new JsonArray(JsonValue.Create(raw));
            else
            {
                try { value = JsonNode.Parse(raw); }
                catch (JsonException) { value = JsonValue.Create(raw); }
                if (value is JsonObject or JsonArray) value = JsonValue.Create(raw);
            }
            if (copy.TryGetPropertyValue(key, out var old) && old is not null && value is not null && Kind(old) != Kind(value))
                throw new ArgumentException($"{source}: field '{key}' is {Describe(Kind(old))} ({old.ToJsonString()}); got '{raw}'.");
            copy[key] = value;
            overridden.Add(key);
        }
        var config = new HuggingFaceConfig(copy, source);
        config._given.Clear();
        config._given.UnionWith(_given);
        config._overridden.UnionWith(_overridden);
        config._overridden.UnionWith(overridden);
        return config;
    }

    private static JsonValueKind Kind(JsonNode node) => node.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? JsonValueKind.True : node.GetValueKind();

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.True => "a boolean",
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    /// <summary>Fails when a field set by <see cref="With"/> is neither in the config nor read by the architecture (a typo).</summary>
    internal void CheckOverridesUsed()
    {
        foreach (var k in _overridden)
            if (!_given.Contains(k) && !_read.Contains(k))
                throw new ArgumentException($"{Where}unknown field '{k}' for model_type {ModelType}; valid: {string.Join(", ", _given.Union(_read).Order(StringComparer.Ordinal))}.");
    }

    private JsonNode? Get(string name)
    {
        _read.Add(name);
        return _fields.TryGetPropertyValue(name, out var v) ? v : null;
    }

    private bool Has(string name) => _fields.TryGetPropertyValue(name, out var v) && v is not null;

    private ArgumentException Bad(string name, string expected) =>
        new($"{Where}\"{name}\" must be {expected}; got {Get(name)?.ToJsonString() ?? "null"}.");

    /// <summary>A required positive integer.</summary>
    public int PositiveInt(string name)
    {
        var v = Get(name) ?? throw new ArgumentException($"{Where}\"{name}\" is missing (model_type {ModelType} needs it: a positive integer).");
        return TryInt(v, out int x) && x > 0 ? AsWritten(name, v, x) : throw Bad(name, "a positive integer");
    }

    /// <summary>An integral number written as one (2.0 or 1e1 become 2 and 10), so that the written config.json gives Python an
    /// int: transformers passes these fields to range() and nn.Linear, which refuse a float.</summary>
    private int AsWritten(string name, JsonNode v, int x)
    {
        if (v.ToJsonString() != x.ToString(CultureInfo.InvariantCulture)) _fields[name] = x;
        return x;
    }

    /// <summary>A positive integer with a class default, written into the config when absent.</summary>
    public int PositiveInt(string name, int fallback)
    {
        if (!Has(name)) { _fields[name] = fallback; _read.Add(name); return fallback; }
        return PositiveInt(name);
    }

    /// <summary>A non-negative integer or null; when absent, <paramref name="fallback"/> (the class default), written into the
    /// config unless <paramref name="write"/> is false.</summary>
    public int? NullableInt(string name, int? fallback = null, bool write = true)
    {
        var v = Get(name);
        if (v is null)
        {
            if (_fields.ContainsKey(name)) return null;
            if (write) _fields[name] = fallback;
            return fallback;
        }
        return TryInt(v, out int x) && x >= 0 ? AsWritten(name, v, x) : throw Bad(name, "a non-negative integer or null");
    }

    /// <summary>A finite number ≥ 0 with a class default, written into the config when absent.</summary>
    public double NonNegative(string name, double fallback)
    {
        if (!Has(name)) { _fields[name] = fallback; _read.Add(name); return fallback; }
        var v = Get(name)!;
        return v.GetValueKind() == JsonValueKind.Number && v.GetValue<double>() is var x && double.IsFinite(x) && x >= 0 ? x : throw Bad(name, "a finite number ≥ 0");
    }

    /// <summary>A boolean with a class default, written into the config when absent.</summary>
    public bool Bool(string name, bool fallback)
    {
        if (!Has(name)) { _fields[name] = fallback; _read.Add(name); return fallback; }
        var v = Get(name)!;
        return v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad(name, "true or false"),
        };
    }

    /// <summary>A required string.</summary>
    public string String(string name)
    {
        var v = Get(name);
        return v is not null && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw Bad(name, "a string");
    }

    /// <summary>The first of <c>architectures</c>, or <paramref name="fallback"/> when there is none.</summary>
    public string Architecture(string fallback)
    {
        var v = Get("architectures");
        if (v is null) return fallback;
        if (v is JsonArray { Count: > 0 } a && a[0] is JsonValue first && first.GetValueKind() == JsonValueKind.String) return first.GetValue<string>();
        throw Bad("architectures", "a list of class names such as [\"LlamaForCausalLM\"]");
    }

    /// <summary>The number of labels of a classification head: <c>num_labels</c>, else the size of <c>id2label</c>, else 2
    /// (PretrainedConfig's default), written as <c>num_labels</c> when neither is given.</summary>
    public int NumLabels()
    {
        if (Get("id2label") is JsonObject labels && !Has("num_labels")) return labels.Count;
        if (!Has("num_labels")) { _fields["num_labels"] = 2; return 2; }
        var v = Get("num_labels")!;
        return TryInt(v, out int x) && x >= 0 ? AsWritten("num_labels", v, x) : throw Bad("num_labels", "a non-negative integer");
    }

    /// <summary>The tensors' element type from <c>dtype</c> (the name transformers 4.56 and later save, PR #39782), else
    /// <c>torch_dtype</c> (the older name; transformers reads <c>dtype</c> when both are there), else float32, as
    /// <c>from_pretrained</c> loads then.</summary>
    public TensorDType TorchDType()
    {
        var modern = Get("dtype");
        var old = Get("torch_dtype");
        string field = modern is not null ? "dtype" : "torch_dtype";
        var v = modern ?? old;
        if (v is null) return TensorDType.Float32;
        string text = v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
        return text.Replace("torch.", "", StringComparison.Ordinal) switch
        {
            "float32" or "float" => TensorDType.Float32,
            "float16" or "half" => TensorDType.Float16,
            "bfloat16" => TensorDType.BFloat16,
            "float64" or "double" => TensorDType.Float64,
            _ => throw new ArgumentException($"{Where}{field} '{text}' is not one we write; valid: float32, float16, bfloat16, float64."),
        };
    }

    /// <summary>The torch spelling of an element type ("float32", "bfloat16", …), as <c>save_pretrained</c> writes <c>torch_dtype</c>.</summary>
    public static string TorchName(TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => "float32",
        TensorDType.Float16 => "float16",
        TensorDType.BFloat16 => "bfloat16",
        TensorDType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Valid element types: float32, float16, bfloat16, float64."),
    };

    private static bool TryInt(JsonNode v, out int x)
    {
        x = 0;
        if (v.GetValueKind() != JsonValueKind.Number) return false;
        double d = v.GetValue<double>();
        if (d != Math.Floor(d) || d is < int.MinValue or > int.MaxValue) return false;
        x = (int)d;
        return true;
    }

    /// <summary>The <c>config.json</c> to write beside the tensors: every field, <c>architectures</c> = [<paramref name="architecture"/>],
    /// <c>torch_dtype</c> (and <c>dtype</c> when the config has it) = <paramref name="dtype"/>, keys sorted, indent 2, final newline.</summary>
    public string ToJson(string architecture, TensorDType dtype)
    {
        var copy = (JsonObject)_fields.DeepClone();
        copy["architectures"] = new JsonArray(JsonValue.Create(architecture));
        copy["torch_dtype"] = TorchName(dtype);
        if (copy.ContainsKey("dtype")) copy["dtype"] = TorchName(dtype); // transformers ≥ 4.56 reads this one first
        var sorted = new JsonObject();
        foreach (var (k, v) in copy.OrderBy(p => p.Key, StringComparer.Ordinal)) sorted[k] = v?.DeepClone();
        return sorted.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>A number as the configs write it.</summary>
    internal static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>UTF-8 bytes of <see cref="ToJson"/>.</summary>
    internal byte[] ToJsonBytes(string architecture, TensorDType dtype) => Encoding.UTF8.GetBytes(ToJson(architecture, dtype));

    /// <summary>The spec parser's form of a named config with fields changed (<c>name(field=value, …)</c>).</summary>
    internal static InitializerSpec ParseNamed(string text)
    {
        try { return InitializerSpec.Parse(text); }
        catch (FormatException e) { throw new ArgumentException($"Preset '{text}': {e.Message}", e); }
    }
}
