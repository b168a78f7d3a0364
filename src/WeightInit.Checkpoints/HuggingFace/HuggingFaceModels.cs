using WeightInit.Initializers;
using WeightInit.IO;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Checkpoints.HuggingFace;

/// <summary>A Hugging Face model built from its config: the class, the tensors <c>save_pretrained</c> writes for it (names, shapes,
/// order; tied tensors once; no non-persistent buffers), each with its <c>_init_weights</c> law, and the config to write beside them.</summary>
/// <param name="Architecture">The transformers class, e.g. <c>LlamaForCausalLM</c>.</param>
/// <param name="Tensors">The state_dict entries in order, each with its role, layout and initializer.</param>
/// <param name="DType">The element type (<c>torch_dtype</c>).</param>
/// <param name="Config">The config, with every default the tensors were built from filled in.</param>
public sealed record HuggingFaceModel(string Architecture, IReadOnlyList<TensorDeclaration> Tensors, TensorDType DType, HuggingFaceConfig Config)
{
    /// <summary>The name of the config file beside the tensors.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>As a checkpoint source: the tensors with their own initializers, and <c>config.json</c> as a companion file whose
    /// <c>torch_dtype</c> is the type the plan gives the tensors.</summary>
    public CheckpointSource ToSource() => new(Tensors, InitPolicy.Default, DType)
    {
        Companions = plan => [new CompanionFile(ConfigFileName, Config.ToJsonBytes(Architecture, plan.Tensors[0].DType))],
    };
}

/// <summary>Builds <see cref="HuggingFaceModel"/>s for the model types transformers 4.x names gpt2, llama, mistral, qwen2, bert and vit.</summary>
/// <remarks>
/// <para>Names, shapes and order follow each class's <c>state_dict()</c> (parameters of a module before its children, children in
/// the order <c>__init__</c> creates them); <c>save_pretrained</c> drops the tied copies (<c>lm_head.weight</c> when
/// <c>tie_word_embeddings</c> holds; BERT's MLM decoder) and non-persistent buffers (GPT-2's <c>attn.bias</c>/<c>masked_bias</c>,
/// RoPE's <c>inv_freq</c>, BERT's <c>position_ids</c>/<c>token_type_ids</c>) are not saved. The laws are <c>_init_weights</c>':
/// N(0, initializer_range²) for Linear, Conv1D and Embedding weights (the <c>padding_idx</c> = <c>pad_token_id</c> row zero where
/// the module has one), zero biases, norm weights 1 and biases 0, GPT-2's <c>c_proj.weight</c> N(0, (initializer_range/√(2·n_layer))²)
/// (transformers 5.x up to 5.14.1 skips that scaling, issue #47458: a bug not copied here), and for ViT torch's
/// <c>trunc_normal_(std=initializer_range)</c> with its absolute cut-offs ±2 on Linear, Conv2d, <c>cls_token</c> and
/// <c>position_embeddings</c>. The source is ../shared/reference/hf-architectures.md and docs/models.md.</para>
/// </remarks>
public static class HuggingFaceModels
{
    /// <summary>The supported <c>model_type</c> values.</summary>
    public static IReadOnlyList<string> ModelTypes { get; } = ["gpt2", "llama", "mistral", "qwen2", "bert", "vit"];

    /// <summary>The classes each model type can be built as; the first is the default when the config names none.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Architectures { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["gpt2"] = ["GPT2LMHeadModel", "GPT2Model"],
        ["llama"] = ["LlamaForCausalLM", "LlamaModel"],
        ["mistral"] = ["MistralForCausalLM", "MistralModel"],
        ["qwen2"] = ["Qwen2ForCausalLM", "Qwen2Model"],
        ["bert"] = ["BertModel", "BertForMaskedLM", "BertForPreTraining"],
        ["vit"] = ["ViTModel", "ViTForImageClassification"],
    };

    /// <summary>Builds the model a config describes.</summary>
    /// <exception cref="ArgumentException">An unknown model_type or class (the message lists the supported ones), a missing field,
    /// or contradictory fields (hidden_size not divisible by num_attention_heads, num_key_value_heads not dividing it, …).</exception>
    public static HuggingFaceModel Build(HuggingFaceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string type = config.ModelType;
        if (!Architectures.TryGetValue(type, out var classes))
            throw new ArgumentException($"{config.Where}model_type '{type}' is not supported; supported: {string.Join(", ", ModelTypes)}.");
        string architecture = config.Architecture(classes[0]);
        if (!classes.Contains(architecture))
            throw new ArgumentException($"{config.Where}architecture '{architecture}' is not supported for model_type {type}; supported: {string.Join(", ", classes)}.");
        var dtype = config.TorchDType();
        var t = new Tensors();
        switch (type)
        {
            case "gpt2": Gpt2(config, architecture, t); break;
            case "bert": Bert(config, architecture, t); break;
            case "vit": Vit(config, architecture, t); break;
            default: CausalLm(config, type, architecture, t); break;
        }
        config.CheckOverridesUsed();
        return new HuggingFaceModel(architecture, t.List, dtype, config);
    }

    /// <summary>The most layers a config may have: a plan holds every tensor's declaration in memory (the largest published
    /// models have a few hundred layers).</summary>
    public const int MaxLayers = 100_000;

    /// <summary>The layer count <paramref name="name"/>, at most <see cref="MaxLayers"/>.</summary>
    private static int Layers(HuggingFaceConfig c, string name)
    {
        int layers = c.PositiveInt(name);
        if (layers > MaxLayers)
            throw new ArgumentException($"{c.Where}\"{name}\" must be at most {MaxLayers} (every layer's tensors are planned in memory); got {layers}.");
        return layers;
    }

    /// <summary>A dimension computed from config fields (<paramref name="fields"/> names them for the message); it must fit a
    /// tensor dimension (a 32-bit integer).</summary>
    private static int Dimension(HuggingFaceConfig c, string fields, long value) =>
        value <= int.MaxValue ? (int)value
            : throw new ArgumentException($"{c.Where}{fields} = {value} is too large for a tensor dimension (at most {int.MaxValue}).");

    private static void Divides(HuggingFaceConfig c, string whole, int w, string part, int p)
    {
        if (w % p != 0)
            throw new ArgumentException($"{c.Where}{whole} ({w}) is not divisible by {part} ({p}); attention splits {whole} into {part} equal heads.");
    }

    /// <summary>GPT2LMHeadModel / GPT2Model (modeling_gpt2.py): Conv1D weights [in, out].</summary>
    private static void Gpt2(HuggingFaceConfig c, string architecture, Tensors t)
    {
        int vocab = c.PositiveInt("vocab_size"), positions = c.PositiveInt("n_positions"), embd = c.PositiveInt("n_embd");
        int layers = Layers(c, "n_layer"), heads = c.PositiveInt("n_head");
        int inner = c.NullableInt("n_inner") is { } n ? (n > 0 ? n : throw new ArgumentException($"{c.Where}\"n_inner\" must be positive or null; got 0."))
            : Dimension(c, "4·n_embd (the MLP width when n_inner is null)", 4L * embd);
        int qkv = Dimension(c, "3·n_embd (c_attn's output)", 3L * embd);
        double std = c.NonNegative("initializer_range", 0.02);
        bool tie = c.Bool("tie_word_embeddings", true);
        if (c.Bool("add_cross_attention", false))
            throw new ArgumentException($"{c.Where}add_cross_attention is not supported (GPT-2 as a decoder with cross-attention); set it to false.");
        Divides(c, "n_embd", embd, "n_head", heads);
        Initializer normal = Init.Normal(0, std), embedding = new Embedding(0, std);
        // GPT2PreTrainedModel._init_weights: "c_proj.weight" ~ N(0, (initializer_range / math.sqrt(2 * n_layer))²).
        Initializer residual = Init.Normal(0, std / Math.Sqrt(2.0 * layers));
        string p = architecture == "GPT2Model" ? "" : "transformer.";
        t.Add(p + "wte.weight", [vocab, embd], TensorRole.Embedding, embedding);
        t.Add(p + "wpe.weight", [positions, embd], TensorRole.Embedding, embedding);
        for (int i = 0; i < layers; i++)
        {
            string h = $"{p}h.{i}.";
            t.Norm(h + "ln_1", embd, bias: true);
            t.Conv1D(h + "attn.c_attn", embd, qkv, normal);
            t.Conv1D(h + "attn.c_proj", embd, embd, residual);
            t.Norm(h + "ln_2", embd, bias: true);
            t.Conv1D(h + "mlp.c_fc", embd, inner, normal);
            t.Conv1D(h + "mlp.c_proj", inner, embd, residual);
        }
        t.Norm(p + "ln_f", embd, bias: true);
        if (architecture == "GPT2LMHeadModel" && !tie) t.Linear("lm_head", vocab, embd, bias: false, normal);
    }

    /// <summary>LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM and their base models (one decoder layout: q/k/v/o, gate/up/down, RMSNorm).</summary>
    private static void CausalLm(HuggingFaceConfig c, string type, string architecture, Tensors t)
    {
        int vocab = c.PositiveInt("vocab_size"), hidden = c.PositiveInt("hidden_size"), intermediate = c.PositiveInt("intermediate_size");
        int layers = Layers(c, "num_hidden_layers"), heads = c.PositiveInt("num_attention_heads");
        int kvHeads = c.PositiveInt("num_key_value_heads", heads);
        int? headDimGiven = c.NullableInt("head_dim", write: false);
        if (headDimGiven is null) Divides(c, "hidden_size", hidden, "num_attention_heads", heads);
        int headDim = headDimGiven ?? hidden / heads;
        if (headDim <= 0) throw new ArgumentException($"{c.Where}\"head_dim\" must be positive; got {headDim}.");
        if (heads % kvHeads != 0)
            throw new ArgumentException($"{c.Where}num_key_value_heads ({kvHeads}) does not divide num_attention_heads ({heads}); each key/value head serves an equal group of query heads.");
        double std = c.NonNegative("initializer_range", 0.02);
        bool tie = c.Bool("tie_word_embeddings", false);
        int? pad = c.NullableInt("pad_token_id");
        if (pad >= vocab) throw new ArgumentException($"{c.Where}pad_token_id ({pad}) is not below vocab_size ({vocab}).");
        bool qkvBias = type switch { "qwen2" => true, "llama" => c.Bool("attention_bias", false), _ => false };
        bool outBias = type == "llama" && qkvBias;
        bool mlpBias = type == "llama" && c.Bool("mlp_bias", false);
        Initializer normal = Init.Normal(0, std);
        bool head = architecture.EndsWith("ForCausalLM", StringComparison.Ordinal);
        string p = head ? "model." : "";
        t.Add(p + "embed_tokens.weight", [vocab, hidden], TensorRole.Embedding, new Embedding(0, std, pad));
        int q = Dimension(c, "num_attention_heads·head_dim", (long)heads * headDim);
        int kv = Dimension(c, "num_key_value_heads·head_dim", (long)kvHeads * headDim);
        for (int i = 0; i < layers; i++)
        {
            string l = $"{p}layers.{i}.";
            t.Linear(l + "self_attn.q_proj", q, hidden, qkvBias, normal);
            t.Linear(l + "self_attn.k_proj", kv, hidden, qkvBias, normal);
            t.Linear(l + "self_attn.v_proj", kv, hidden, qkvBias, normal);
            t.Linear(l + "self_attn.o_proj", hidden, q, outBias, normal);
            t.Linear(l + "mlp.gate_proj", intermediate, hidden, mlpBias, normal);
            t.Linear(l + "mlp.up_proj", intermediate, hidden, mlpBias, normal);
            t.Linear(l + "mlp.down_proj", hidden, intermediate, mlpBias, normal);
            t.Norm(l + "input_layernorm", hidden, bias: false);
            t.Norm(l + "post_attention_layernorm", hidden, bias: false);
        }
        t.Norm(p + "norm", hidden, bias: false);
        if (head && !tie) t.Linear("lm_head", vocab, hidden, bias: false, normal);
    }

    /// <summary>BertModel (with pooler), BertForMaskedLM (no pooler, MLM head, decoder tied) and BertForPreTraining (pooler, both heads).</summary>
    private static void Bert(HuggingFaceConfig c, string architecture, Tensors t)
    {
        int vocab = c.PositiveInt("vocab_size"), hidden = c.PositiveInt("hidden_size"), intermediate = c.PositiveInt("intermediate_size");
        int layers = Layers(c, "num_hidden_layers"), heads = c.PositiveInt("num_attention_heads");
        int positions = c.PositiveInt("max_position_embeddings"), types = c.PositiveInt("type_vocab_size", 2);
        Divides(c, "hidden_size", hidden, "num_attention_heads", heads);
        double std = c.NonNegative("initializer_range", 0.02);
        bool tie = c.Bool("tie_word_embeddings", true);
        int? pad = c.NullableInt("pad_token_id", fallback: 0);
        if (pad >= vocab) throw new ArgumentException($"{c.Where}pad_token_id ({pad}) is not below vocab_size ({vocab}).");
        Initializer normal = Init.Normal(0, std);
        string p = architecture == "BertModel" ? "" : "bert.";
        t.Add(p + "embeddings.word_embeddings.weight", [vocab, hidden], TensorRole.Embedding, new Embedding(0, std, pad));
        t.Add(p + "embeddings.position_embeddings.weight", [positions, hidden], TensorRole.Embedding, new Embedding(0, std));
        t.Add(p + "embeddings.token_type_embeddings.weight", [types, hidden], TensorRole.Embedding, new Embedding(0, std));
        t.Norm(p + "embeddings.LayerNorm", hidden, bias: true);
        for (int i = 0; i < layers; i++)
        {
            string l = $"{p}encoder.layer.{i}.";
            t.Linear(l + "attention.self.query", hidden, hidden, true, normal);
            t.Linear(l + "attention.self.key", hidden, hidden, true, normal);
            t.Linear(l + "attention.self.value", hidden, hidden, true, normal);
            t.Linear(l + "attention.output.dense", hidden, hidden, true, normal);
            t.Norm(l + "attention.output.LayerNorm", hidden, bias: true);
            t.Linear(l + "intermediate.dense", intermediate, hidden, true, normal);
            t.Linear(l + "output.dense", hidden, intermediate, true, normal);
            t.Norm(l + "output.LayerNorm", hidden, bias: true);
        }
        if (architecture != "BertForMaskedLM") t.Linear(p + "pooler.dense", hidden, hidden, true, normal);
        if (architecture == "BertModel") return;
        // BertLMPredictionHead: its own parameter "bias" comes before its children; decoder.bias is that same tensor (dropped at save),
        // decoder.weight is tied to the word embeddings unless tie_word_embeddings is false.
        t.Add("cls.predictions.bias", [vocab], TensorRole.Bias, Init.Zeros());
        t.Linear("cls.predictions.transform.dense", hidden, hidden, true, normal);
        t.Norm("cls.predictions.transform.LayerNorm", hidden, bias: true);
        if (!tie) t.Add("cls.predictions.decoder.weight", [vocab, hidden], TensorRole.Linear, normal);
        if (architecture == "BertForPreTraining") t.Linear("cls.seq_relationship", 2, hidden, true, normal);
    }

    /// <summary>ViTModel (with pooler) and ViTForImageClassification (no pooler, classifier): trunc_normal_ with absolute ±2 cut-offs.</summary>
    private static void Vit(HuggingFaceConfig c, string architecture, Tensors t)
    {
        int hidden = c.PositiveInt("hidden_size"), intermediate = c.PositiveInt("intermediate_size");
        int layers = Layers(c, "num_hidden_layers"), heads = c.PositiveInt("num_attention_heads");
        int image = c.PositiveInt("image_size"), patch = c.PositiveInt("patch_size"), channels = c.PositiveInt("num_channels", 3);
        bool qkvBias = c.Bool("qkv_bias", true);
        Divides(c, "hidden_size", hidden, "num_attention_heads", heads);
        if (patch > image) throw new ArgumentException($"{c.Where}patch_size ({patch}) is larger than image_size ({image}).");
        double std = c.NonNegative("initializer_range", 0.02);
        if (std == 0)
            throw new ArgumentException($"{c.Where}\"initializer_range\" must be positive for model_type vit; got 0 (ViT's trunc_normal_ divides by it: torch raises ZeroDivisionError).");
        // ViTPreTrainedModel._init_weights: nn.init.trunc_normal_(w, mean=0.0, std=initializer_range), torch's default a=-2, b=2 (absolute).
        Initializer trunc = Init.TruncatedNormal(0, std, -2, 2, BoundUnit.Absolute);
        bool classifier = architecture == "ViTForImageClassification";
        int labels = classifier ? c.NumLabels() : 0;
        string p = classifier ? "vit." : "";
        int patches = Dimension(c, "(image_size/patch_size)² + 1 (the position embeddings)", (long)(image / patch) * (image / patch) + 1) - 1;
        t.Add(p + "embeddings.cls_token", [1, 1, hidden], TensorRole.Other, trunc);
        t.Add(p + "embeddings.position_embeddings", [1, patches + 1, hidden], TensorRole.Embedding, trunc);
        t.Add(p + "embeddings.patch_embeddings.projection.weight", [hidden, channels, patch, patch], TensorRole.Conv, trunc);
        t.Add(p + "embeddings.patch_embeddings.projection.bias", [hidden], TensorRole.Bias, Init.Zeros());
        for (int i = 0; i < layers; i++)
        {
            string l = $"{p}encoder.layer.{i}.";
            t.Linear(l + "attention.attention.query", hidden, hidden, qkvBias, trunc);
            t.Linear(l + "attention.attention.key", hidden, hidden, qkvBias, trunc);
            t.Linear(l + "attention.attention.value", hidden, hidden, qkvBias, trunc);
            t.Linear(l + "attention.output.dense", hidden, hidden, true, trunc);
            t.Linear(l + "intermediate.dense", intermediate, hidden, true, trunc);
            t.Linear(l + "output.dense", hidden, intermediate, true, trunc);
            t.Norm(l + "layernorm_before", hidden, bias: true);
            t.Norm(l + "layernorm_after", hidden, bias: true);
        }
        t.Norm(p + "layernorm", hidden, bias: true);
        if (!classifier) t.Linear("pooler.dense", hidden, hidden, true, trunc);
        else if (labels > 0) t.Linear("classifier", labels, hidden, true, trunc);
    }

    /// <summary>The state_dict being built: each entry with its role, layout and the spec of its initializer object.</summary>
    private sealed class Tensors
    {
        public List<TensorDeclaration> List { get; } = [];

        public void Add(string name, int[] dims, TensorRole role, Initializer init, WeightLayout layout = WeightLayout.OutInKernel) =>
            List.Add(new TensorDeclaration(name, dims, null, role, layout, 1, init.Spec));

        /// <summary>nn.Linear: weight [out, in], bias [out] zero.</summary>
        public void Linear(string name, int output, int input, bool bias, Initializer weight)
        {
            Add(name + ".weight", [output, input], TensorRole.Linear, weight);
            if (bias) Add(name + ".bias", [output], TensorRole.Bias, Init.Zeros());
        }

        /// <summary>transformers' Conv1D(nf=out, nx=in): weight [in, out], bias [out] zero.</summary>
        public void Conv1D(string name, int input, int output, Initializer weight)
        {
            Add(name + ".weight", [input, output], TensorRole.Linear, weight, WeightLayout.InOut);
            Add(name + ".bias", [output], TensorRole.Bias, Init.Zeros());
        }

        /// <summary>LayerNorm (weight 1, bias 0) or RMSNorm (weight 1, no bias).</summary>
        public void Norm(string name, int dim, bool bias)
        {
            Add(name + ".weight", [dim], TensorRole.NormWeight, Init.Ones());
            if (bias) Add(name + ".bias", [dim], TensorRole.NormBias, Init.Zeros());
        }
    }
}
