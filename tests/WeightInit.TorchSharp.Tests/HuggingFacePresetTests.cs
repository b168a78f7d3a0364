using TorchSharp;
using TorchSharp.Modules;
using WeightInit.Checkpoints;
using WeightInit.Checkpoints.HuggingFace;
using WeightInit.Initializers;
using WeightInit.IO;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Tests;

/// <summary>A TorchSharp module named and shaped like a tiny Hugging Face model, initialized by that model's preset: every
/// parameter gets the law the Hugging Face checkpoint plan declares for its name, and the same bytes <c>weightinit init</c>
/// writes for that model.</summary>
public sealed class HuggingFacePresetTests
{
    private const ulong Seed = 20261207;
    private const int Embd = 16, Vocab = 50, Positions = 8;
    private const string Gpt2 = "hf.gpt2(n_layer=1, n_embd=16, n_head=2, vocab_size=50, n_positions=8)";
    private const string Llama = "tinyllama-1.1b(hidden_size=16, intermediate_size=24, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1, vocab_size=50)";

    /// <summary>transformers' Conv1D: weight [in, out], bias [out].</summary>
    private sealed class Conv1D : nn.Module
    {
        public Conv1D(int input, int output) : base(nameof(Conv1D))
        {
            register_parameter("weight", new Parameter(torch.empty(input, output)));
            register_parameter("bias", new Parameter(torch.empty(output)));
        }
    }

    /// <summary>An RMSNorm: weight [dim] only.</summary>
    private sealed class RmsNorm : nn.Module
    {
        public RmsNorm(int dim) : base(nameof(RmsNorm)) => register_parameter("weight", new Parameter(torch.empty(dim)));
    }

    // GPT2LMHeadModel with tied embeddings: transformer.{wte, wpe, h.0.{ln_1, attn.{c_attn, c_proj}, ln_2, mlp.{c_fc, c_proj}}, ln_f}.
    private static Bag TinyGpt2() => new(("transformer", new Bag(
        ("wte", nn.Embedding(Vocab, Embd)),
        ("wpe", nn.Embedding(Positions, Embd)),
        ("h", new Bag(("0", new Bag(
            ("ln_1", nn.LayerNorm(Embd)),
            ("attn", new Bag(("c_attn", new Conv1D(Embd, 3 * Embd)), ("c_proj", new Conv1D(Embd, Embd)))),
            ("ln_2", nn.LayerNorm(Embd)),
            ("mlp", new Bag(("c_fc", new Conv1D(Embd, 4 * Embd)), ("c_proj", new Conv1D(4 * Embd, Embd)))))))),
        ("ln_f", nn.LayerNorm(Embd)))));

    // LlamaForCausalLM, untied: model.{embed_tokens, layers.0.{self_attn.{q,k,v,o}_proj, mlp.{gate,up,down}_proj, input_layernorm,
    // post_attention_layernorm}, norm}, lm_head. head_dim 8, one key/value head: k_proj and v_proj are [8, 16].
    private static Bag TinyLlama() => new(
        ("model", new Bag(
            ("embed_tokens", nn.Embedding(Vocab, Embd)),
            ("layers", new Bag(("0", new Bag(
                ("self_attn", new Bag(
                    ("q_proj", nn.Linear(Embd, Embd, hasBias: false)), ("k_proj", nn.Linear(Embd, 8, hasBias: false)),
                    ("v_proj", nn.Linear(Embd, 8, hasBias: false)), ("o_proj", nn.Linear(Embd, Embd, hasBias: false)))),
                ("mlp", new Bag(
                    ("gate_proj", nn.Linear(Embd, 24, hasBias: false)), ("up_proj", nn.Linear(Embd, 24, hasBias: false)),
                    ("down_proj", nn.Linear(24, Embd, hasBias: false)))),
                ("input_layernorm", new RmsNorm(Embd)),
                ("post_attention_layernorm", new RmsNorm(Embd)))))),
            ("norm", new RmsNorm(Embd)))),
        ("lm_head", nn.Linear(Embd, Vocab, hasBias: false)));

    private static Dictionary<string, byte[]> PlanBytes(HuggingFaceModel model)
    {
        var plan = CheckpointPlan.Create(model.Tensors, InitPolicy.Default, Seed, TensorDType.Float32, dtypeOverride: TensorDType.Float32);
        var result = new Dictionary<string, byte[]>();
        var sources = plan.Sources(Enumerable.Range(0, plan.Tensors.Count));
        for (int i = 0; i < sources.Count; i++)
        {
            var bytes = new byte[sources[i].ByteLength];
            sources[i].Fill(0, bytes);
            result[plan.Tensors[i].Name] = bytes;
        }
        return result;
    }

    [Theory]
    [InlineData(Gpt2)]
    [InlineData(Llama)]
    public void Preset_ModuleNamedLikeTheModel_EveryParameterGetsTheCheckpointPlansLawAndBytes(string preset)
    {
        using var m = preset == Gpt2 ? TinyGpt2() : TinyLlama();
        var done = new ModuleInit(Seed).Preset(preset).Apply(m);
        var model = HuggingFaceNamedConfigs.Resolve(preset);
        var declared = model.Tensors.ToDictionary(t => t.Name);
        var expected = PlanBytes(model);
        var parameters = m.named_parameters().Select(p => p.name).ToList();
        Assert.Equal(parameters.Order(), done.Select(d => d.Name).Order());
        Assert.Equal(declared.Keys.Order(), parameters.Order()); // the tiny modules have every tensor the model saves
        foreach (var d in done)
        {
            Assert.Equal(declared[d.Name].Initializer, d.How);
            Assert.Equal(expected[d.Name], TestTensors.Bytes(TestTensors.Param(m, d.Name)));
        }
    }

    [Fact]
    public void Gpt2Preset_LmHeadTiedToTheEmbedding_IsTheEmbedding_InitializedOnceUnderItsName()
    {
        // GPT2LMHeadModel ties lm_head.weight to transformer.wte.weight, and its checkpoint has no lm_head.weight.
        using var m = TinyGpt2();
        var lmHead = nn.Linear(Embd, Vocab, hasBias: false);
        lmHead.weight = (Parameter)TestTensors.Param(m, "transformer.wte.weight");
        m.register_module("lm_head", lmHead);
        var done = new ModuleInit(Seed).Preset(Gpt2).Apply(m);
        Assert.DoesNotContain(done, d => d.Name == "lm_head.weight");
        var expected = PlanBytes(HuggingFaceNamedConfigs.Resolve(Gpt2));
        Assert.Equal(expected["transformer.wte.weight"], TestTensors.Bytes(lmHead.weight!));
    }

    [Fact]
    public void Gpt2Preset_UsesGpt2sLaws_ResidualProjectionsScaledByOneOverSqrtTwoNLayer()
    {
        using var m = TinyGpt2();
        var how = new ModuleInit(Seed).Preset(Gpt2).Apply(m).ToDictionary(d => d.Name, d => d.How);
        // GPT2PreTrainedModel._init_weights with initializer_range 0.02 and n_layer 1, stated here independently of the plan.
        Assert.Equal(Init.Normal(0, 0.02).Spec, how["transformer.h.0.attn.c_attn.weight"]);
        Assert.Equal(Init.Normal(0, 0.02 / Math.Sqrt(2.0 * 1)).Spec, how["transformer.h.0.attn.c_proj.weight"]);
        Assert.Equal(Init.Normal(0, 0.02 / Math.Sqrt(2.0 * 1)).Spec, how["transformer.h.0.mlp.c_proj.weight"]);
        Assert.Equal("zeros", how["transformer.h.0.attn.c_attn.bias"]);
        Assert.Equal("ones", how["transformer.ln_f.weight"]);
        Assert.Equal(new WeightInit.Initializers.Embedding(0, 0.02).Spec, how["transformer.wte.weight"]);
    }

    [Fact]
    public void Preset_RulesStillWin()
    {
        using var m = TinyLlama();
        var how = new ModuleInit(Seed).Preset(Llama).Rule("lm_head.weight", Init.Zeros()).Apply(m).ToDictionary(d => d.Name, d => d.How);
        Assert.Equal("zeros", how["lm_head.weight"]);
        Assert.Equal(Init.Normal(0, 0.02).Spec, how["model.layers.0.self_attn.q_proj.weight"]);
        Assert.All(TestTensors.Singles(TestTensors.Bytes(TestTensors.Param(m, "lm_head.weight"))), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Preset_ParameterNotInTheModel_OrOfAnotherShape_OneMessage_NothingWritten()
    {
        using var extra = new Bag(("transformer", new Bag(("wte", nn.Embedding(Vocab, Embd)), ("wtf", nn.Embedding(Vocab, Embd)))));
        var before = TestTensors.Bytes(TestTensors.Param(extra, "transformer.wte.weight"));
        var e = Assert.ThrowsAny<ArgumentException>(() => new ModuleInit(Seed).Preset(Gpt2).Apply(extra));
        Assert.Contains("parameter 'transformer.wtf.weight' [50, 16] is no tensor of GPT2LMHeadModel", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(before, TestTensors.Bytes(TestTensors.Param(extra, "transformer.wte.weight")));

        // A GPT-2 written with Linear (weight [out, in]) is not transformers' Conv1D layout [in, out].
        using var linear = new Bag(("transformer", new Bag(("h", new Bag(("0", new Bag(("attn", new Bag(("c_attn", nn.Linear(Embd, 3 * Embd)))))))))));
        e = Assert.ThrowsAny<ArgumentException>(() => new ModuleInit(Seed).Preset(Gpt2).Apply(linear));
        Assert.Contains("'transformer.h.0.attn.c_attn.weight' is [48, 16] in the module but [16, 48] in GPT2LMHeadModel", e.Message);

        e = Assert.ThrowsAny<ArgumentException>(() => new ModuleInit(Seed).Preset("gpt3"));
        Assert.Contains("Unknown preset 'gpt3'; valid: pytorch-default, gpt2, gpt2-medium", e.Message);
    }
}
