using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WeightInit.Models;

public sealed partial record ModelSpec
{
    /// <summary>The inline kinds <see cref="Parse"/> accepts, with an example each (for messages and help).</summary>
    public static IReadOnlyList<string> InlineExamples { get; } =
        ["mlp:784-1000x5-10:tanh", "mlp:784-1000x5-10:relu:init=he_normal", "resmlp:256x20:relu:scale=1/sqrt(L)"];

    /// <summary>Reads a model from JSON, from an inline form, or from the path of a file holding either.</summary>
    /// <remarks>
    /// <para><b>mlp</b>: <c>mlp:IN-H1-H2…-OUT:ACT[:key=value…][:softmax]</c>. A width <c>WxN</c> repeats W N times. Every hidden
    /// Dense(H) is followed by ACT (catalogue spelling, e.g. <c>tanh</c>, <c>leaky_relu:0.2</c>); the output Dense(OUT) has none.
    /// <c>mlp:784-1000x5-10:tanh</c> is 784 → five Dense(1000)+tanh → Dense(10).</para>
    /// <para><b>resmlp</b>: <c>resmlp:WIDTHxDEPTH:ACT[:scale=α][:out=N][:key=value…]</c>: input WIDTH features, DEPTH residual
    /// blocks x + α·Dense(WIDTH)(ACT(Dense(WIDTH)(x))) (Yang &amp; Schoenholz's full residual unit), then Dense(N) when out is given.
    /// α is a number or 1/sqrt(L), 1/sqrt(2L) (GPT-2), 1/L with L = DEPTH; default 1.</para>
    /// <para>Keys of both: <c>init</c> (weight initializer spec), <c>bias_init</c>, <c>bias</c> (true/false). A spec may hold ':'
    /// inside parentheses, e.g. <c>init=glorot_uniform(gain=leaky_relu:0.2)</c>.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">The text is none of these, or names a bad value; the message says which and shows the valid forms.</exception>
    public static ModelSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        if (s.StartsWith('{')) return FromJson(s);
        int colon = s.IndexOf(':');
        string kind = colon < 0 ? "" : s[..colon].Trim().ToLowerInvariant();
        if (kind is "mlp" or "resmlp") return InlineModel.Parse(s);
        if (s.Length > 0 && File.Exists(s))
        {
            var content = File.ReadAllText(s).Trim();
            if (content.StartsWith('{') || content.StartsWith("mlp:", StringComparison.OrdinalIgnoreCase) || content.StartsWith("resmlp:", StringComparison.OrdinalIgnoreCase))
            {
                try { return Parse(content); }
                catch (ArgumentException e) { throw new ArgumentException($"Model file '{s}': {e.Message}", nameof(text), e); }
            }
            throw new ArgumentException($"Model file '{s}' holds neither JSON (starting with '{{') nor an inline form ({string.Join(", ", InlineExamples)}).", nameof(text));
        }
        throw new ArgumentException(
            $"Cannot read model '{text}': expected JSON (starting with '{{'), an inline form ({string.Join(", ", InlineExamples)}), or the path of a file holding one (no such file).",
            nameof(text));
    }

    /// <summary>The JSON form: {"name", "input": [..], "weight_init", "bias_init", "rules": [{"pattern", "init"}], "layers": [{"type": …}]}.</summary>
    public string ToJson(bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("name", Name);
            w.WriteStartArray("input");
            foreach (int d in Input.Dimensions) w.WriteNumberValue(d);
            w.WriteEndArray();
            w.WriteString("weight_init", WeightInitializer);
            w.WriteString("bias_init", BiasInitializer);
            if (Rules.Count > 0)
            {
                w.WriteStartArray("rules");
                foreach (var r in Rules)
                {
                    w.WriteStartObject();
                    w.WriteString("pattern", r.Pattern);
                    w.WriteString("init", r.Initializer);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            WriteLayers(w, "layers", Layers);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteLayers(Utf8JsonWriter w, string property, IReadOnlyList<LayerSpec> layers)
    {
        w.WriteStartArray(property);
        foreach (var layer in layers)
        {
            w.WriteStartObject();
            w.WriteString("type", layer.Type);
            if (layer.Name is { } name) w.WriteString("name", name);
            switch (layer)
            {
                case Dense d:
                    w.WriteNumber("units", d.Units);
                    w.WriteBoolean("bias", d.Bias);
                    break;
                case Conv2d c:
                    w.WriteNumber("channels", c.Channels);
                    w.WriteNumber("kernel", c.Kernel);
                    w.WriteNumber("stride", c.Stride);
                    w.WriteNumber("padding", c.Padding);
                    w.WriteNumber("groups", c.Groups);
                    w.WriteBoolean("bias", c.Bias);
                    break;
                case ActivationLayer a:
                    w.WriteString("activation", a.Activation);
                    break;
                case Residual r:
                    w.WriteNumber("branch_scale", r.BranchScale);
                    WriteLayers(w, "branch", r.Branch);
                    break;
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Reads the JSON form written by <see cref="ToJson"/>; optional fields take the record defaults.</summary>
    /// <exception cref="ArgumentException">Malformed JSON, an unknown type or property, a missing or mistyped field; the message gives its JSON path and the valid choices.</exception>
    public static ModelSpec FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try { root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new ArgumentException($"Model JSON is malformed: {e.Message}", nameof(json), e); }
        var o = Object(root, "$");
        Known(o, "$", "name", "input", "weight_init", "bias_init", "rules", "layers");
        var inputNode = Required(o, "input", "$");
        if (inputNode is not JsonArray inputArray)
            throw new ArgumentException("$.input must be an array: [features] or [channels, height, width].");
        var dims = inputArray.Select((n, i) => Int(n, $"$.input[{i}]")).ToArray();
        FeatureShape input;
        try { input = FeatureShape.FromDimensions(dims); }
        catch (ArgumentException e) { throw new ArgumentException($"$.input: {e.Message}", e); }
        var rules = new List<InitRule>();
        if (o["rules"] is { } rulesNode)
        {
            var array = rulesNode as JsonArray ?? throw new ArgumentException("$.rules must be an array of {\"pattern\": …, \"init\": …}.");
            for (int i = 0; i < array.Count; i++)
            {
                string path = $"$.rules[{i}]";
                var r = Object(array[i], path);
                Known(r, path, "pattern", "init");
                try { rules.Add(new InitRule(String(Required(r, "pattern", path), path + ".pattern"), String(Required(r, "init", path), path + ".init"))); }
                catch (ArgumentException e) when (e.Message.StartsWith("Init rule", StringComparison.Ordinal) || e.Message.StartsWith("An init rule", StringComparison.Ordinal))
                { throw new ArgumentException($"{path}: {e.Message}", e); }
            }
        }
        var spec = new ModelSpec(
            o["name"] is { } n ? String(n, "$.name") : "model",
            input,
            ReadLayers(Required(o, "layers", "$"), "$.layers"))
        { Rules = rules };
        if (o["weight_init"] is { } wi) spec = spec with { WeightInitializer = String(wi, "$.weight_init") };
        if (o["bias_init"] is { } bi) spec = spec with { BiasInitializer = String(bi, "$.bias_init") };
        return spec;
    }

    private static readonly string[] LayerTypes = ["dense", "conv2d", "activation", "flatten", "residual", "softmax"];

    private static List<LayerSpec> ReadLayers(JsonNode node, string path)
    {
        var array = node as JsonArray ?? throw new ArgumentException($"{path} must be an array of layers ({{\"type\": {string.Join(" | ", LayerTypes)}, …}}).");
        var layers = new List<LayerSpec>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            string at = $"{path}[{i}]";
            var o = Object(array[i], at);
            string type = String(Required(o, "type", at), at + ".type");
            string? name = o["name"] is { } nn ? String(nn, at + ".name") : null;
            LayerSpec layer;
            switch (type)
            {
                case "dense":
                    Known(o, at, "type", "name", "units", "bias");
                    layer = new Dense(Int(Required(o, "units", at), at + ".units"), Bool(o, "bias", at, true));
                    break;
                case "conv2d":
                    Known(o, at, "type", "name", "channels", "kernel", "stride", "padding", "groups", "bias");
                    layer = new Conv2d(Int(Required(o, "channels", at), at + ".channels"), Int(Required(o, "kernel", at), at + ".kernel"),
                        OptionalInt(o, "stride", at, 1), OptionalInt(o, "padding", at, 0), OptionalInt(o, "groups", at, 1), Bool(o, "bias", at, true));
                    break;
                case "activation":
                    Known(o, at, "type", "name", "activation");
                    layer = new ActivationLayer(String(Required(o, "activation", at), at + ".activation"));
                    break;
                case "flatten":
                    Known(o, at, "type", "name");
                    layer = new Flatten();
                    break;
                case "residual":
                    Known(o, at, "type", "name", "branch", "branch_scale");
                    layer = new Residual(ReadLayers(Required(o, "branch", at), at + ".branch"),
                        o["branch_scale"] is { } bs ? Double(bs, at + ".branch_scale") : 1.0);
                    break;
                case "softmax":
                    Known(o, at, "type", "name");
                    layer = new Softmax();
                    break;
                default:
                    throw new ArgumentException($"{at}.type: unknown layer type '{type}'; valid: {string.Join(", ", LayerTypes)}.");
            }
            layers.Add(layer with { Name = name });
        }
        return layers;
    }

    private static JsonObject Object(JsonNode? node, string path) =>
        node as JsonObject ?? throw new ArgumentException($"{path} must be a JSON object; got {Kind(node)}.");

    private static JsonNode Required(JsonObject o, string property, string path) =>
        o[property] ?? throw new ArgumentException($"{path}: the required property \"{property}\" is missing.");

    private static void Known(JsonObject o, string path, params string[] valid)
    {
        foreach (var (key, _) in o)
            if (!valid.Contains(key))
                throw new ArgumentException($"{path}: unknown property \"{key}\"; valid here: {string.Join(", ", valid)}.");
    }

    private static string String(JsonNode node, string path) =>
        node is JsonValue v && v.TryGetValue(out string? s) ? s : throw new ArgumentException($"{path} must be a string; got {Kind(node)}.");

    private static int Int(JsonNode? node, string path) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out int i) ? i
            : throw new ArgumentException($"{path} must be an integer; got {Kind(node)}.");

    private static int OptionalInt(JsonObject o, string property, string path, int fallback) =>
        o[property] is { } n ? Int(n, $"{path}.{property}") : fallback;

    private static double Double(JsonNode node, string path) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d) ? d
            : throw new ArgumentException($"{path} must be a number; got {Kind(node)}.");

    private static bool Bool(JsonObject o, string property, string path, bool fallback)
    {
        if (o[property] is not { } node) return fallback;
        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ArgumentException($"{path}.{property} must be true or false; got {Kind(node)}."),
        };
    }

    private static string Kind(JsonNode? node) => node is null ? "null" : $"{node.GetValueKind().ToString().ToLowerInvariant()} {node.ToJsonString()}";
}

/// <summary>The inline forms mlp:… and resmlp:… of <see cref="ModelSpec.Parse"/>.</summary>
internal static class InlineModel
{
    public static ModelSpec Parse(string text)
    {
        var segments = SplitTopLevel(text);
        string kind = segments[0].Trim().ToLowerInvariant();
        if (segments.Count < 2 || segments[1].Trim().Length == 0)
            throw Error(text, kind == "mlp" ? "missing the widths after 'mlp:', e.g. mlp:784-1000x5-10:tanh" : "missing WIDTHxDEPTH after 'resmlp:', e.g. resmlp:256x20:relu");
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var activationParts = new List<string>();
        bool softmax = false;
        foreach (var raw in segments.Skip(2))
        {
            var seg = raw.Trim();
            int eq = seg.IndexOf('=');
            if (eq > 0)
            {
                string key = seg[..eq].Trim().ToLowerInvariant(), value = seg[(eq + 1)..].Trim();
                string[] valid = kind == "mlp" ? ["init", "bias_init", "bias"] : ["init", "bias_init", "bias", "scale", "out"];
                if (!valid.Contains(key)) throw Error(text, $"unknown option '{key}'; valid: {string.Join(", ", valid)}");
                if (value.Length == 0) throw Error(text, $"option '{key}' has no value");
                if (!options.TryAdd(key, value)) throw Error(text, $"option '{key}' is given twice");
            }
            else if (seg.Equals("softmax", StringComparison.OrdinalIgnoreCase) && kind == "mlp") softmax = true;
            else if (options.Count > 0 || softmax) throw Error(text, $"'{seg}' after the options; the activation comes right after the widths");
            else activationParts.Add(seg);
        }
        string? activation = activationParts.Count == 0 ? null : string.Join(":", activationParts);
        if (activation is not null)
        {
            try { Gains.Activation.Parse(activation); }
            catch (ArgumentException e) { throw Error(text, e.Message); }
        }
        bool bias = !options.TryGetValue("bias", out var biasText) || biasText.ToLowerInvariant() switch
        {
            "true" or "yes" or "1" => true,
            "false" or "no" or "0" => false,
            _ => throw Error(text, $"bias must be true or false; got '{biasText}'"),
        };
        var spec = kind == "mlp" ? Mlp(text, segments[1], activation, bias, softmax) : ResMlp(text, segments[1], activation, bias, options);
        if (options.TryGetValue("init", out var init)) spec = spec with { WeightInitializer = init };
        if (options.TryGetValue("bias_init", out var biasInit)) spec = spec with { BiasInitializer = biasInit };
        return spec;
    }

    private static ModelSpec Mlp(string text, string widthsText, string? activation, bool bias, bool softmax)
    {
        var tokens = widthsText.Split('-', StringSplitOptions.TrimEntries);
        if (tokens.Length < 2) throw Error(text, $"'{widthsText}' needs at least an input and an output width, e.g. 784-10 or 784-1000x5-10");
        int input = Width(text, tokens[0], "input width");
        var hidden = new List<int>();
        foreach (var token in tokens[1..^1])
        {
            int x = token.IndexOfAny(['x', '×']);
            if (x < 0) { hidden.Add(Width(text, token, "hidden width")); continue; }
            int width = Width(text, token[..x], "hidden width"), count = Width(text, token[(x + 1)..], "repeat count");
            if (count > MaxLayers - hidden.Count)
                throw Error(text, $"repeat count '{token[(x + 1)..]}' makes more than {MaxLayers} hidden layers; give at most {MaxLayers} in all");
            hidden.AddRange(Enumerable.Repeat(width, count));
        }
        int output = Width(text, tokens[^1], "output width");
        if (hidden.Count > 0 && activation is null)
            throw Error(text, $"hidden layers need an activation after the widths, e.g. {text.Trim()}:tanh; valid: {string.Join(", ", Gains.Activation.Names)}");
        var layers = new List<LayerSpec>();
        foreach (int h in hidden)
        {
            layers.Add(new Dense(h, bias));
            layers.Add(new ActivationLayer(activation!));
        }
        layers.Add(new Dense(output, bias));
        if (softmax) layers.Add(new Softmax());
        return new ModelSpec(text.Trim(), FeatureShape.Features(input), layers);
    }

    private static ModelSpec ResMlp(string text, string shapeText, string? activation, bool bias, Dictionary<string, string> options)
    {
        int x = shapeText.IndexOfAny(['x', '×']);
        if (x < 0) throw Error(text, $"'{shapeText}' must be WIDTHxDEPTH, e.g. 256x20");
        int width = Width(text, shapeText[..x], "width"), depth = Width(text, shapeText[(x + 1)..], "depth");
        if (depth > MaxLayers) throw Error(text, $"depth '{shapeText[(x + 1)..]}' must lie in 1..{MaxLayers}");
        if (activation is null) throw Error(text, $"missing the activation after WIDTHxDEPTH, e.g. resmlp:256x20:relu; valid: {string.Join(", ", Gains.Activation.Names)}");
        double scale = options.TryGetValue("scale", out var scaleText) ? Scale(text, scaleText, depth) : 1.0;
        var layers = new List<LayerSpec>(depth + 1);
        for (int i = 0; i < depth; i++)
            layers.Add(new Residual([new Dense(width, bias), new ActivationLayer(activation), new Dense(width, bias)], scale));
        if (options.TryGetValue("out", out var outText)) layers.Add(new Dense(Width(text, outText, "out"), bias));
        return new ModelSpec(text.Trim(), FeatureShape.Features(width), layers);
    }

    private static double Scale(string text, string value, int depth)
    {
        string v = value.Replace(" ", "", StringComparison.Ordinal).Replace("√", "sqrt", StringComparison.Ordinal).ToLowerInvariant();
        double? result = v switch
        {
            "1/sqrt(l)" or "1/sqrt(depth)" => 1 / Math.Sqrt(depth),
            "1/sqrt(2l)" or "1/sqrt(2*l)" or "1/sqrt(2depth)" or "1/sqrt(2*depth)" => 1 / Math.Sqrt(2.0 * depth),
            "1/l" or "1/depth" => 1.0 / depth,
            _ => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null,
        };
        return result ?? throw Error(text, $"scale must be a number or 1/sqrt(L), 1/sqrt(2L), 1/L (L = depth); got '{value}'");
    }

    /// <summary>The most hidden layers (mlp) or residual blocks (resmlp) an inline form may describe: far beyond any network
    /// worth analysing, and few enough that the model and its shapes are built at once.</summary>
    internal const int MaxLayers = 100_000;

    private static int Width(string text, string token, string what) =>
        int.TryParse(token.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int w) && w > 0 ? w
            : throw Error(text, $"{what} '{token}' must be a positive integer");

    /// <summary>Splits on ':' outside parentheses, so "init=glorot_uniform(gain=leaky_relu:0.2)" stays whole.</summary>
    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var sb = new StringBuilder();
        int depth = 0;
        foreach (char c in text)
        {
            if (c == '(') depth++;
            else if (c == ')') depth = Math.Max(0, depth - 1);
            if (c == ':' && depth == 0) { parts.Add(sb.ToString()); sb.Clear(); continue; }
            sb.Append(c);
        }
        parts.Add(sb.ToString());
        return parts;
    }

    private static ArgumentException Error(string text, string problem) =>
        new($"Inline model '{text.Trim()}': {problem}. Forms: {string.Join(", ", ModelSpec.InlineExamples)}.", "text");
}
