using System.Globalization;
using WeightInit.Checkpoints;
using WeightInit.Checkpoints.HuggingFace;
using WeightInit.IO;

namespace WeightInit.Checkpoints.Tests;

/// <summary>The built-in Hugging Face configs against the published parameter counts and transformers' state_dict names
/// (../shared/reference/hf-architectures.md §1; the names below are written out from that list, not taken from our code).</summary>
public class HuggingFaceModelTests
{
    private static Dictionary<string, TensorDeclaration> Tensors(string preset) =>
        HuggingFaceNamedConfigs.Resolve(preset).Tensors.ToDictionary(t => t.Name);

    private static long Count(TensorDeclaration t) => t.Dimensions.Aggregate(1L, (a, d) => a * d);

    // Published counts (the models issue; gpt2 and bert-base-uncased with its pooler as transformers counts them).
    [Theory]
    [InlineData("gpt2", 124_439_808L)]
    [InlineData("hf.gpt2", 124_439_808L)]
    [InlineData("bert-base-uncased", 109_482_240L)]
    [InlineData("qwen2-0.5b", 494_032_768L)]
    [InlineData("tinyllama-1.1b", 1_100_048_384L)]
    [InlineData("llama-2-7b", 6_738_415_616L)]
    [InlineData("mistral-7b", 7_241_732_096L)]
    public void NamedConfig_HasThePublishedParameterCount(string preset, long parameters)
    {
        var model = HuggingFaceNamedConfigs.Resolve(preset);
        Assert.Equal(parameters, model.Tensors.Sum(Count));
        var plan = CheckpointPlan.Create(model.ToSource().Tensors, model.ToSource().Policy, seed: 0);
        Assert.Equal(parameters, plan.ParameterCount);
    }

    private static IEnumerable<string> LlamaNames(int layers, bool qkvBias, bool lmHead)
    {
        yield return "model.embed_tokens.weight";
        for (int i = 0; i < layers; i++)
        {
            string p = $"model.layers.{i}.";
            foreach (var proj in new[] { "q", "k", "v", "o" }) yield return p + $"self_attn.{proj}_proj.weight";
            if (qkvBias) foreach (var proj in new[] { "q", "k", "v" }) yield return p + $"self_attn.{proj}_proj.bias";
            foreach (var proj in new[] { "gate", "up", "down" }) yield return p + $"mlp.{proj}_proj.weight";
            yield return p + "input_layernorm.weight";
            yield return p + "post_attention_layernorm.weight";
        }
        yield return "model.norm.weight";
        if (lmHead) yield return "lm_head.weight";
    }

    [Theory]
    [InlineData("llama-2-7b", 32, false, true)]
    [InlineData("tinyllama-1.1b", 22, false, true)]
    [InlineData("mistral-7b", 32, false, true)]
    [InlineData("qwen2-0.5b", 24, true, false)] // Qwen2 has q/k/v biases; qwen2-0.5b ties its embeddings, so no lm_head.weight
    public void LlamaFamily_HasTransformersNames(string preset, int layers, bool qkvBias, bool lmHead)
    {
        var names = Tensors(preset).Keys.ToHashSet();
        Assert.Equal(LlamaNames(layers, qkvBias, lmHead).ToHashSet(), names);
    }

    [Fact]
    public void Llama2_7b_ShapesAndLaws()
    {
        var t = Tensors("llama-2-7b");
        Assert.Equal([32000, 4096], t["model.embed_tokens.weight"].Dimensions);
        Assert.Equal([11008, 4096], t["model.layers.0.mlp.gate_proj.weight"].Dimensions);
        Assert.Equal([4096, 11008], t["model.layers.31.mlp.down_proj.weight"].Dimensions);
        Assert.Equal(TensorDType.Float16, t["model.layers.0.self_attn.q_proj.weight"].DType ?? HuggingFaceNamedConfigs.Resolve("llama-2-7b").DType);
        var plan = Plan("llama-2-7b");
        Assert.Equal("normal(mean=0, std=0.02)", plan["model.layers.5.self_attn.k_proj.weight"].Initializer);
        Assert.Equal("normal(mean=0, std=0.02)", plan["lm_head.weight"].Initializer);
        Assert.Equal("ones", plan["model.norm.weight"].Initializer);
    }

    [Fact]
    public void Mistral_HasGroupedKeyValueHeads()
    {
        var t = Tensors("mistral-7b");
        Assert.Equal([1024, 4096], t["model.layers.0.self_attn.k_proj.weight"].Dimensions); // 8 kv heads × 128
        Assert.Equal([4096, 4096], t["model.layers.0.self_attn.q_proj.weight"].Dimensions);
        Assert.Equal([14336, 4096], t["model.layers.0.mlp.up_proj.weight"].Dimensions);
    }

    private static Dictionary<string, CheckpointTensor> Plan(string preset)
    {
        var source = HuggingFaceNamedConfigs.Resolve(preset).ToSource();
        return CheckpointPlan.Create(source.Tensors, source.Policy, seed: 0).Tensors.ToDictionary(t => t.Name);
    }

    [Fact]
    public void Gpt2_HasGpt2LMHeadModelNames_TiedHeadWrittenOnce_ConvOneDLayout_ScaledResidualProjections()
    {
        var expected = new List<string> { "transformer.wte.weight", "transformer.wpe.weight", "transformer.ln_f.weight", "transformer.ln_f.bias" };
        for (int i = 0; i < 12; i++)
            foreach (var s in new[] { "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight", "attn.c_proj.bias",
                                      "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias" })
                expected.Add($"transformer.h.{i}.{s}");
        var t = Tensors("hf.gpt2");
        Assert.Equal(expected.ToHashSet(), t.Keys.ToHashSet());
        Assert.Equal([768, 2304], t["transformer.h.0.attn.c_attn.weight"].Dimensions); // Conv1D is [in, out]
        Assert.Equal([3072, 768], t["transformer.h.0.mlp.c_proj.weight"].Dimensions);
        var plan = Plan("hf.gpt2");
        string scaled = $"normal(mean=0, std={(0.02 / Math.Sqrt(2 * 12)).ToString("R", CultureInfo.InvariantCulture)})";
        Assert.Equal(scaled, plan["transformer.h.7.attn.c_proj.weight"].Initializer);
        Assert.Equal(scaled, plan["transformer.h.7.mlp.c_proj.weight"].Initializer);
        Assert.Equal("normal(mean=0, std=0.02)", plan["transformer.h.7.mlp.c_fc.weight"].Initializer);
        Assert.Equal("zeros", plan["transformer.h.7.attn.c_attn.bias"].Initializer);
        // fans of a Conv1D weight read [in, out]
        Assert.Equal(768, CheckpointPlanReport.FansOf(plan["transformer.h.0.attn.c_attn.weight"])!.Value.FanIn);
    }

    [Fact]
    public void Bert_HasBertModelNamesWithPooler_AndZeroPaddingRow()
    {
        var expected = new List<string>
        {
            "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
            "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias", "pooler.dense.weight", "pooler.dense.bias",
        };
        for (int i = 0; i < 12; i++)
            foreach (var s in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                                      "intermediate.dense", "output.dense", "attention.output.LayerNorm", "output.LayerNorm" })
            {
                expected.Add($"encoder.layer.{i}.{s}.weight");
                expected.Add($"encoder.layer.{i}.{s}.bias");
            }
        var t = Tensors("bert-base-uncased");
        Assert.Equal(expected.ToHashSet(), t.Keys.ToHashSet());
        Assert.Equal([3072, 768], t["encoder.layer.0.intermediate.dense.weight"].Dimensions);
        var plan = Plan("bert-base-uncased");
        Assert.Equal("embedding(mean=0, std=0.02, padding_idx=0)", plan["embeddings.word_embeddings.weight"].Initializer);
        Assert.Equal("ones", plan["embeddings.LayerNorm.weight"].Initializer);
        Assert.Equal("zeros", plan["encoder.layer.3.output.LayerNorm.bias"].Initializer);
    }

    [Fact]
    public void Vit_HasViTForImageClassificationNames()
    {
        var expected = new List<string>
        {
            "vit.embeddings.cls_token", "vit.embeddings.position_embeddings", "vit.embeddings.patch_embeddings.projection.weight",
            "vit.embeddings.patch_embeddings.projection.bias", "vit.layernorm.weight", "vit.layernorm.bias", "classifier.weight", "classifier.bias",
        };
        for (int i = 0; i < 12; i++)
        {
            foreach (var s in new[] { "attention.attention.query", "attention.attention.key", "attention.attention.value", "attention.output.dense",
                                      "intermediate.dense", "output.dense", "layernorm_before", "layernorm_after" })
            {
                expected.Add($"vit.encoder.layer.{i}.{s}.weight");
                expected.Add($"vit.encoder.layer.{i}.{s}.bias");
            }
        }
        var t = Tensors("vit-base-patch16-224");
        Assert.Equal(expected.ToHashSet(), t.Keys.ToHashSet());
        Assert.Equal([1, 197, 768], t["vit.embeddings.position_embeddings"].Dimensions); // (224/16)² + 1 positions
        Assert.Equal([768, 3, 16, 16], t["vit.embeddings.patch_embeddings.projection.weight"].Dimensions);
        Assert.Equal([1000, 768], t["classifier.weight"].Dimensions);
    }

    [Theory]
    [InlineData("llama-2-7b(hidden_size=4095)", "num_attention_heads")]
    [InlineData("nope-7b", "llama-2-7b")]
    [InlineData("llama-2-7b(no_such_field=1)", "no_such_field")]
    [InlineData("llama-2-7b(num_hidden_layers=0)", "num_hidden_layers")]
    // Dimensions computed from fields that overflow a 32-bit dimension: an ArgumentException naming them, not an OverflowException.
    [InlineData("llama-2-7b(head_dim=1073741824)", "head_dim")]
    [InlineData("hf.gpt2(n_embd=1073741824, n_head=1)", "n_embd")]
    [InlineData("hf.gpt2(n_embd=1073741824, n_head=1, n_inner=4)", "n_embd")]
    [InlineData("vit-base-patch16-224(image_size=65536, patch_size=1)", "image_size")]
    // More layers than a plan holds in memory (100,000 at most); one more than the limit still builds quickly without the check.
    [InlineData("hf.gpt2(n_layer=100001)", "n_layer")]
    [InlineData("bert-base-uncased(num_hidden_layers=100001)", "num_hidden_layers")]
    // A field given twice is refused, not silently the last one.
    [InlineData("hf.gpt2(n_layer=2, n_layer=3)", "'n_layer' is given twice")]
    // torch's trunc_normal_ divides by std: ViT with initializer_range 0 is refused naming the field.
    [InlineData("vit-base-patch16-224(initializer_range=0)", "initializer_range")]
    public void BadConfigs_AreRefusedNamingTheProblem(string preset, string named)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => HuggingFaceNamedConfigs.Resolve(preset));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void UnknownModelType_NamesTheSupportedOnes()
    {
        var config = HuggingFaceConfig.Parse("""{"model_type": "t5", "d_model": 512}""", "config.json");
        var e = Assert.ThrowsAny<ArgumentException>(() => HuggingFaceModels.Build(config));
        foreach (var type in new[] { "gpt2", "llama", "mistral", "qwen2", "bert", "vit" }) Assert.Contains(type, e.Message);
    }

    /// <summary>An integral field written as a float (2.0, 6.4e1) is read as the integer and written back as one: transformers passes
    /// it to range() and nn.Linear, which refuse a Python float.</summary>
    [Fact]
    public void IntegralFloatFields_AreWrittenBackAsIntegers()
    {
        var config = HuggingFaceConfig.Parse("""
            {"model_type": "llama", "vocab_size": 100.0, "hidden_size": 6.4e1, "intermediate_size": 128, "num_hidden_layers": 2.0,
             "num_attention_heads": 4, "num_key_value_heads": 2.0, "pad_token_id": 3.0}
            """, "config.json");
        var model = HuggingFaceModels.Build(config);
        Assert.Equal([100, 64], model.Tensors[0].Dimensions);
        using var written = System.Text.Json.JsonDocument.Parse(model.Config.ToJson(model.Architecture, TensorDType.Float32));
        foreach (var (field, value) in new[] { ("vocab_size", "100"), ("hidden_size", "64"), ("num_hidden_layers", "2"), ("num_key_value_heads", "2"), ("pad_token_id", "3") })
            Assert.Equal(value, written.RootElement.GetProperty(field).GetRawText());
    }

    /// <summary>transformers 4.56 and later save the type as "dtype" (PR #39782) and read it before "torch_dtype": a config.json with
    /// it gives that type, and the written config states the tensors' type under both names.</summary>
    [Fact]
    public void DtypeField_OfNewerTransformers_GivesTheType_AndIsWrittenWithTheTensorsType()
    {
        var config = HuggingFaceConfig.Parse("""
            {"model_type": "llama", "vocab_size": 100, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 1,
             "num_attention_heads": 4, "dtype": "bfloat16"}
            """, "config.json");
        var model = HuggingFaceModels.Build(config);
        Assert.Equal(TensorDType.BFloat16, model.DType);
        using var written = System.Text.Json.JsonDocument.Parse(model.Config.ToJson(model.Architecture, TensorDType.Float16));
        Assert.Equal("float16", written.RootElement.GetProperty("dtype").GetString());
        Assert.Equal("float16", written.RootElement.GetProperty("torch_dtype").GetString());

        var both = HuggingFaceModels.Build(HuggingFaceConfig.Parse("""
            {"model_type": "llama", "vocab_size": 100, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 1,
             "num_attention_heads": 4, "dtype": "float16", "torch_dtype": "float32"}
            """, "config.json"));
        Assert.Equal(TensorDType.Float16, both.DType); // "dtype" wins, as in transformers' from_dict
        Assert.Equal(TensorDType.Float16, HuggingFaceNamedConfigs.Resolve("qwen2-0.5b(num_hidden_layers=1, dtype=float16)").DType);
    }
}
