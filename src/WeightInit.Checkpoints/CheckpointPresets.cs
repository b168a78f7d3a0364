using WeightInit.Naming;
using System.Globalization;
using System.Text.RegularExpressions;
using WeightInit.Checkpoints.HuggingFace;
using WeightInit.Initializers;
using WeightInit.Shapes;

namespace WeightInit.Checkpoints;

/// <summary>Named initialization schemes: <c>pytorch-default</c>, the Hugging Face named configs of <see cref="HuggingFaceNamedConfigs"/>
/// (<c>gpt2</c>, <c>llama-2-7b</c>, …), and GPT-2's laws as rules over given tensors.</summary>
/// <remarks>
/// <para><b>pytorch-default</b>: what PyTorch's modules do in <c>reset_parameters</c>: dense and convolution weights
/// <c>kaiming_uniform(a=sqrt(5))</c> (= U(±1/√fan_in)), their biases <c>pytorch_bias</c> (U(±1/√fan_in) of the weight beside
/// them), embeddings N(0, 1) (<c>nn.Embedding</c>), normalization scales ones and shifts zeros. It needs tensors from
/// <c>--model</c> or <c>--template</c>.</para>
/// <para><b>A Hugging Face config</b> alone (<c>gpt2</c>, <c>gpt2(n_layer=2, n_embd=64, n_head=4)</c>, <c>llama-2-7b</c>, …) defines
/// the tensors, their laws and the <c>config.json</c> written beside them (<see cref="HuggingFaceNamedConfigs"/>).</para>
/// <para><b>gpt2 with tensors</b>, <c>gpt2(n_layer=N, std=0.02)</c> with <c>--template</c> or <c>--model</c>: Hugging Face's
/// GPT2PreTrainedModel._init_weights as rules over those tensors: dense weights and embeddings N(0, std²), residual projections
/// (<c>*.c_proj.weight</c>, attention and MLP) N(0, (std/√(2·n_layer))²), biases zeros, LayerNorm ones and zeros; n_layer is
/// taken from the largest "h.N." in the names unless given.</para>
/// </remarks>
public static partial class CheckpointPresets
{
    /// <summary>The presets that give laws to tensors from <c>--model</c> or <c>--template</c>: <c>pytorch-default</c> and <c>gpt2</c>
    /// (the Hugging Face configs of <see cref="HuggingFaceNamedConfigs.Spellings"/> instead define their own tensors).</summary>
    public static IReadOnlyList<string> Names { get; } = ["pytorch-default", "gpt2"];

    /// <summary>The policy of preset <paramref name="text"/>, and the architecture it defines when no tensors are given.</summary>
    /// <param name="text">"pytorch-default"; a Hugging Face config "NAME" or "NAME(field=value, …)" such as "gpt2(n_layer=2)";
    /// with tensors, "gpt2" or "gpt2(n_layer=N, std=S)" as rules.</param>
    /// <param name="tensors">The tensors from a model or template, or null when the preset alone defines the checkpoint.</param>
    /// <exception cref="ArgumentException">Unknown preset or argument, or pytorch-default without tensors; the message lists the valid ones.</exception>
    public static CheckpointSource Resolve(string text, IReadOnlyList<TensorDeclaration>? tensors)
    {
        ArgumentNullException.ThrowIfNull(text);
        InitializerSpec spec;
        try { spec = InitializerSpec.Parse(text); }
        catch (FormatException e) { throw new ArgumentException($"Preset '{text}': {e.Message}", e); }
        switch (Vocabulary.Key(spec.Name))
        {
            case "pytorchdefault" or "pytorch" or "torch":
                if (spec.Arguments.Count > 0) throw new ArgumentException("Preset pytorch-default takes no arguments.");
                if (tensors is null)
                    throw new ArgumentException("Preset pytorch-default needs the tensors from --model SPEC or --template FILE (it defines initializers, not an architecture).");
                return new CheckpointSource(tensors, PyTorchDefault);
            case "gpt2" when tensors is not null:
                return Gpt2Rules(spec, tensors);
            default:
                if (HuggingFaceNamedConfigs.TryGet(spec.Name, out _))
                {
                    if (tensors is not null)
                        throw new ArgumentException($"Preset '{spec.Name}' is a Hugging Face config: it defines the tensors, so it cannot be given with --model or --template.");
                    return HuggingFaceNamedConfigs.Resolve(text).ToSource();
                }
                throw new ArgumentException($"Unknown preset '{spec.Name}'; valid: pytorch-default, " +
                    $"or a Hugging Face config: {string.Join(", ", HuggingFaceNamedConfigs.Spellings)} (NAME(field=value, …) changes a field).");
        }
    }

    /// <summary>PyTorch's module defaults (see the remarks on the type).</summary>
    public static InitPolicy PyTorchDefault { get; } = new()
    {
        Defaults = new Dictionary<TensorRole, string>
        {
            [TensorRole.Linear] = "kaiming_uniform(a=sqrt(5))",
            [TensorRole.Conv] = "kaiming_uniform(a=sqrt(5))",
            [TensorRole.Bias] = InitPolicy.PyTorchBias,
            [TensorRole.NormWeight] = "ones",
            [TensorRole.NormBias] = "zeros",
            [TensorRole.Embedding] = "normal(std=1)",
            [TensorRole.Other] = "zeros",
        },
    };

    private static CheckpointSource Gpt2Rules(InitializerSpec spec, IReadOnlyList<TensorDeclaration> tensors)
    {
        var known = new[] { "n_layer", "std" };
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in spec.Arguments)
        {
            if (!known.Contains(k))
                throw new ArgumentException($"Preset gpt2 over --model/--template tensors: unknown argument '{k}'; valid: {string.Join(", ", known)} (the tensors come from the file).");
            if (!args.TryAdd(k, v)) throw new ArgumentException($"Preset gpt2: argument '{k}' is given twice.");
        }
        int nLayer = InferLayers(tensors);
        if (args.TryGetValue("n_layer", out var raw) &&
            !(int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out nLayer) && nLayer > 0))
            throw new ArgumentException($"Preset gpt2: n_layer must be a positive integer; got '{raw}'.");
        double std = 0.02;
        if (args.TryGetValue("std", out var s) && (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out std) || !(std >= 0) || !double.IsFinite(std)))
            throw new ArgumentException($"Preset gpt2: std must be a finite number ≥ 0; got '{s}'.");
        string normal = $"normal(std={InitPolicy.Number(std)})";
        var policy = new InitPolicy
        {
            Defaults = new Dictionary<TensorRole, string>
            {
                [TensorRole.Linear] = normal,
                [TensorRole.Conv] = normal,
                [TensorRole.Embedding] = normal,
                [TensorRole.Bias] = "zeros",
                [TensorRole.NormWeight] = "ones",
                [TensorRole.NormBias] = "zeros",
                [TensorRole.Other] = "zeros",
            },
            // transformers GPT2PreTrainedModel._init_weights: std = initializer_range / math.sqrt(2 * n_layer) for "c_proj.weight".
            Rules = [TensorRule.Glob("*c_proj.weight", $"normal(std={InitPolicy.Number(std / Math.Sqrt(2 * (double)nLayer))})")],
        };
        return new CheckpointSource(tensors, policy);
    }

    /// <summary>1 + the largest N in "h.N." among the names (GPT-2's block naming), or 1 when there is none.</summary>
    private static int InferLayers(IReadOnlyList<TensorDeclaration> tensors)
    {
        int max = -1;
        foreach (var t in tensors)
            if (BlockIndex().Match(t.Name) is { Success: true } m && int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out int n))
                max = Math.Max(max, n);
        return Math.Max(1, max + 1);
    }

    [GeneratedRegex(@"(?:^|\.)h\.(\d+)\.")]
    private static partial Regex BlockIndex();
}
