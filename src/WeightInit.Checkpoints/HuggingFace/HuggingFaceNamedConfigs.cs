namespace WeightInit.Checkpoints.HuggingFace;

/// <summary>Built-in configs of well-known Hub models, so that no download is needed: <c>--preset NAME</c> or
/// <c>NAME(field=value, …)</c>.</summary>
/// <remarks>
/// <para>The fields are the Hub's <c>config.json</c> of each model (../shared/reference/hf-architectures.md §3), every one
/// written out because the configuration classes' defaults differ from the Hub files. Departures, each for a stated reason:
/// <c>transformers_version</c> is left out (we are not transformers); <c>llama-2-7b</c> states <c>rope_theta</c> 10000.0, the
/// default its 4.31 file relied on; <c>bert-base-uncased</c> is <c>BertModel</c> (with the pooler: the published 109,482,240
/// parameters) where the Hub file says BertForMaskedLM; <c>vit-base-patch16-224</c> states <c>num_labels</c> 1000 instead of
/// the 1000-entry <c>id2label</c> (PretrainedConfig reads either). Every name also takes the <c>hf.</c> prefix
/// (<c>hf.gpt2</c> = <c>gpt2</c>).</para>
/// </remarks>
public static class HuggingFaceNamedConfigs
{
    /// <summary>The prefix every named config may carry (<c>hf.gpt2</c> = <c>gpt2</c>).</summary>
    public const string Prefix = "hf.";

    /// <summary>The names, each with its config.json text.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["gpt2"] = """
            {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1, "bos_token_id": 50256,
             "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02, "layer_norm_epsilon": 1e-05, "model_type": "gpt2",
             "n_ctx": 1024, "n_embd": 768, "n_head": 12, "n_inner": null, "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1,
             "summary_activation": null, "summary_first_dropout": 0.1, "summary_proj_to_labels": true, "summary_type": "cls_index",
             "summary_use_proj": true, "tie_word_embeddings": true, "vocab_size": 50257}
            """,
        ["gpt2-medium"] = """
            {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1, "bos_token_id": 50256,
             "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02, "layer_norm_epsilon": 1e-05, "model_type": "gpt2",
             "n_ctx": 1024, "n_embd": 1024, "n_head": 16, "n_inner": null, "n_layer": 24, "n_positions": 1024, "n_special": 0,
             "predict_special_tokens": true, "resid_pdrop": 0.1, "summary_activation": null, "summary_first_dropout": 0.1,
             "summary_proj_to_labels": true, "summary_type": "cls_index", "summary_use_proj": true, "tie_word_embeddings": true,
             "vocab_size": 50257}
            """,
        ["bert-base-uncased"] = """
            {"architectures": ["BertModel"], "attention_probs_dropout_prob": 0.1, "gradient_checkpointing": false, "hidden_act": "gelu",
             "hidden_dropout_prob": 0.1, "hidden_size": 768, "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-12,
             "max_position_embeddings": 512, "model_type": "bert", "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 0,
             "position_embedding_type": "absolute", "tie_word_embeddings": true, "type_vocab_size": 2, "use_cache": true, "vocab_size": 30522}
            """,
        ["vit-base-patch16-224"] = """
            {"architectures": ["ViTForImageClassification"], "attention_probs_dropout_prob": 0.0, "hidden_act": "gelu",
             "hidden_dropout_prob": 0.0, "hidden_size": 768, "image_size": 224, "initializer_range": 0.02, "intermediate_size": 3072,
             "layer_norm_eps": 1e-12, "model_type": "vit", "num_attention_heads": 12, "num_channels": 3, "num_hidden_layers": 12,
             "num_labels": 1000, "patch_size": 16, "qkv_bias": true}
            """,
        ["qwen2-0.5b"] = """
            {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643, "eos_token_id": 151643,
             "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02, "intermediate_size": 4864,
             "max_position_embeddings": 131072, "max_window_layers": 24, "model_type": "qwen2", "num_attention_heads": 14,
             "num_hidden_layers": 24, "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 131072,
             "tie_word_embeddings": true, "torch_dtype": "bfloat16", "use_cache": true, "use_sliding_window": false, "vocab_size": 151936}
            """,
        ["tinyllama-1.1b"] = """
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
             "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 5632, "max_position_embeddings": 2048,
             "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 22, "num_key_value_heads": 4, "pretraining_tp": 1,
             "rms_norm_eps": 1e-05, "rope_scaling": null, "rope_theta": 10000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
             "use_cache": true, "vocab_size": 32000}
            """,
        ["llama-2-7b"] = """
            {"architectures": ["LlamaForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 4096,
             "initializer_range": 0.02, "intermediate_size": 11008, "max_position_embeddings": 4096, "model_type": "llama",
             "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 32, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
             "rope_scaling": null, "rope_theta": 10000.0, "tie_word_embeddings": false, "torch_dtype": "float16", "use_cache": true,
             "vocab_size": 32000}
            """,
        ["mistral-7b"] = """
            {"architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 4096,
             "initializer_range": 0.02, "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mistral",
             "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
             "sliding_window": 4096, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "use_cache": true, "vocab_size": 32000}
            """,
    };

    /// <summary>The spellings <c>--preset</c> accepts for named configs (each also with the <see cref="Prefix"/>).</summary>
    public static IEnumerable<string> Spellings => All.Keys;

    /// <summary>Whether <paramref name="name"/> (the part before any "(") names a config here, as <c>NAME</c> or <c>hf.NAME</c>.</summary>
    public static bool TryGet(string name, out string key)
    {
        ArgumentNullException.ThrowIfNull(name);
        string n = name.Trim().ToLowerInvariant();
        key = n.StartsWith(Prefix, StringComparison.Ordinal) ? n[Prefix.Length..] : n;
        return All.ContainsKey(key);
    }

    /// <summary>The model of <c>NAME</c> or <c>NAME(field=value, …)</c>.</summary>
    /// <exception cref="ArgumentException">Not a named config (the message lists them), a field of another kind, an unknown field, or contradictory fields.</exception>
    public static HuggingFaceModel Resolve(string text)
    {
        var spec = HuggingFaceConfig.ParseNamed(text);
        if (!TryGet(spec.Name, out var key))
            throw new ArgumentException($"Unknown Hugging Face config '{spec.Name}'; valid: {string.Join(", ", Spellings)}.");
        var config = HuggingFaceConfig.Parse(All[key], $"preset {key}");
        if (spec.Arguments.Count > 0) config = config.With(spec.Arguments, $"preset {spec}");
        return HuggingFaceModels.Build(config);
    }
}
