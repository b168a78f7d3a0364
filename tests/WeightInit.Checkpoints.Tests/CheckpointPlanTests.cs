using System.Buffers.Binary;
using System.Text;
using WeightInit.Checkpoints;
using WeightInit.IO;
using WeightInit.Shapes;

namespace WeightInit.Checkpoints.Tests;

public class CheckpointPlanTests
{
    [Fact]
    public void Gpt2Preset_Alone_IsTheHuggingFaceConfigWithItsConfigJson()
    {
        var source = CheckpointPresets.Resolve("gpt2", null);
        var plan = CheckpointPlan.Create(source.Tensors, source.Policy, seed: 1, source.DType ?? TensorDType.Float32);

        Assert.Equal(124_439_808, plan.ParameterCount); // GPT-2 small, the tied lm_head once (Radford et al. 2019)
        Assert.Equal(2 + 12 * 12 + 2, plan.Tensors.Count);
        var byName = plan.Tensors.ToDictionary(t => t.Name);
        Assert.Equal("embedding(mean=0, std=0.02)", byName["transformer.wte.weight"].Initializer);
        Assert.Equal("normal(mean=0, std=0.02)", byName["transformer.h.3.attn.c_attn.weight"].Initializer);
        Assert.Equal(WeightLayout.InOut, byName["transformer.h.3.attn.c_attn.weight"].Layout);
        Assert.Equal([768, 2304], byName["transformer.h.3.attn.c_attn.weight"].Dimensions);
        string residual = $"normal(mean=0, std={(0.02 / Math.Sqrt(24)).ToString("R", System.Globalization.CultureInfo.InvariantCulture)})";
        Assert.Equal(residual, byName["transformer.h.3.attn.c_proj.weight"].Initializer);
        Assert.Equal(residual, byName["transformer.h.11.mlp.c_proj.weight"].Initializer);
        Assert.Equal("zeros", byName["transformer.h.0.mlp.c_proj.bias"].Initializer);
        Assert.Equal("ones", byName["transformer.ln_f.weight"].Initializer);
        Assert.DoesNotContain("lm_head.weight", byName.Keys);
        // The same plan as hf.gpt2, and config.json beside the shards.
        var hf = CheckpointPresets.Resolve("hf.gpt2", null);
        Assert.Equal(CheckpointPlan.Create(hf.Tensors, hf.Policy, seed: 1, hf.DType ?? TensorDType.Float32).Tensors, plan.Tensors);
        var companion = Assert.Single(source.Companions!.Invoke(plan));
        Assert.Equal("config.json", companion.FileName);
    }

    [Fact]
    public void Gpt2Preset_OnTemplateNames_TakesLayerCountFromTheNames()
    {
        var tensors = WeightInit.Checkpoints.HuggingFace.HuggingFaceNamedConfigs.Resolve("gpt2(n_layer=3, n_embd=8, n_head=2, vocab_size=10, n_positions=4)").Tensors
            .Select(t => t with { Initializer = null }).ToList();
        var source = CheckpointPresets.Resolve("gpt2", tensors);
        var plan = CheckpointPlan.Create(source.Tensors, source.Policy, seed: 1);
        string residual = $"normal(std={(0.02 / Math.Sqrt(6)).ToString("R", System.Globalization.CultureInfo.InvariantCulture)})";
        Assert.Equal(residual, plan.Tensors.Single(t => t.Name == "transformer.h.2.attn.c_proj.weight").Initializer);
        Assert.Equal("normal(std=0.02)", plan.Tensors.Single(t => t.Name == "transformer.h.2.attn.c_attn.weight").Initializer);
        Assert.Null(source.Companions); // laws over given tensors: no config.json
        var unknown = Assert.Throws<ArgumentException>(() => CheckpointPresets.Resolve("gpt2(n_embd=8)", tensors));
        Assert.Contains("valid: n_layer, std", unknown.Message);
        var twice = Assert.Throws<ArgumentException>(() => CheckpointPresets.Resolve("gpt2(n_layer=2, n_layer=3)", tensors));
        Assert.Contains("'n_layer' is given twice", twice.Message);
    }

    [Fact]
    public void PyTorchDefault_LinearAndConv_KaimingUniformSqrt5AndBiasOneOverSqrtFanIn()
    {
        var tensors = new List<TensorDeclaration>
        {
            new("fc.weight", [64, 1000]), new("fc.bias", [64]),
            new("conv.weight", [16, 8, 3, 3]), new("conv.bias", [16]),
            new("embedding.weight", [100, 16]), new("norm.weight", [16]), new("norm.bias", [16]),
        };
        var source = CheckpointPresets.Resolve("pytorch-default", tensors);
        var plan = CheckpointPlan.Create(source.Tensors, source.Policy, seed: 1);
        var byName = plan.Tensors.ToDictionary(t => t.Name);
        Assert.Equal("kaiming_uniform(a=sqrt(5))", byName["fc.weight"].Initializer);
        double b = 1 / Math.Sqrt(1000);
        Assert.Equal($"uniform(low={(-b).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, high={b.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})", byName["fc.bias"].Initializer);
        double c = 1 / Math.Sqrt(8 * 9);
        Assert.Equal($"uniform(low={(-c).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, high={c.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})", byName["conv.bias"].Initializer);
        Assert.Equal("normal(std=1)", byName["embedding.weight"].Initializer);
        Assert.Equal("ones", byName["norm.weight"].Initializer);
        Assert.Equal("zeros", byName["norm.bias"].Initializer);
        Assert.Throws<ArgumentException>(() => CheckpointPresets.Resolve("pytorch-default", null));
        var unknown = Assert.Throws<ArgumentException>(() => CheckpointPresets.Resolve("llama", null));
        Assert.Contains("valid: pytorch-default, or a Hugging Face config: gpt2, gpt2-medium", unknown.Message);
    }

    private static byte[] Bytes(CheckpointPlan plan, int index, CheckpointGenerator generator)
    {
        var source = plan.Sources([index], torch: generator == CheckpointGenerator.Torch ? new TorchSequentialInit(plan) : null)[0];
        var bytes = new byte[source.ByteLength];
        source.Fill(0, bytes);
        return bytes;
    }

    [Theory]
    [InlineData(CheckpointGenerator.Philox)]
    [InlineData(CheckpointGenerator.Torch)]
    public void PyTorchBias_RegistryEntry_CompletedFromTheWeightBeside_OrGivenItsFanIn_SameBitsAsTheUniform(CheckpointGenerator generator)
    {
        // 1/√64 = 0.125 exactly. The weight comes first so that the torch stream draws the bias after the same 512 values.
        TensorDeclaration W(string init) => new("fc.weight", [8, 64], Initializer: init);
        var completed = CheckpointPlan.Create([W("kaiming_uniform(a=sqrt(5))"), new("fc.bias", [8], Initializer: "pytorch_bias")], InitPolicy.Default, 5, generator: generator);
        var stated = CheckpointPlan.Create([W("kaiming_uniform(a=sqrt(5))"), new("fc.bias", [8], Initializer: "pytorch_bias(fan_in=64)")], InitPolicy.Default, 5, generator: generator);
        var uniform = CheckpointPlan.Create([W("kaiming_uniform(a=sqrt(5))"), new("fc.bias", [8], Initializer: "uniform(low=-0.125, high=0.125)")], InitPolicy.Default, 5, generator: generator);
        Assert.Equal("uniform(low=-0.125, high=0.125)", completed.Tensors[1].Initializer);
        Assert.Equal("pytorch_bias(fan_in=64)", stated.Tensors[1].Initializer);
        Assert.Equal(Bytes(uniform, 1, generator), Bytes(completed, 1, generator));
        Assert.Equal(Bytes(uniform, 1, generator), Bytes(stated, 1, generator));
    }

    [Fact]
    public void LawBeyondTheTensorsType_RefusedWhenThePlanIsMade()
    {
        // N(0, (1e300)²) overflows float32 but not float64; the plan, not the writer, says so (no file is begun).
        var e = Assert.Throws<ArgumentException>(() =>
            CheckpointPlan.Create([new("a", [4, 4]), new("w", [4, 4], Initializer: "normal(std=1e300)")], InitPolicy.Default, 5));
        Assert.Contains("Tensor 'w' [4, 4]", e.Message);
        Assert.Contains("does not fit float32", e.Message);
        var f64 = CheckpointPlan.Create([new("w", [4, 4], TensorDType.Float64, Initializer: "normal(std=1e300)")], InitPolicy.Default, 5);
        Assert.Single(f64.Tensors);
        Assert.Contains("does not fit bfloat16", Assert.Throws<ArgumentException>(() =>
            CheckpointPlan.Create([new("w", [4, 4], TensorDType.BFloat16, Initializer: "uniform(low=-3e38, high=3e38)")], InitPolicy.Default, 5)).Message);
    }

    [Fact]
    public void PyTorchBias_WithoutAWeightBeside_RefusesWithTheRegistrysMessage()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            CheckpointPlan.Create([new("fc.weight", [8, 64]), new("head.bias", [8], Initializer: "pytorch_bias")], InitPolicy.Default, 5));
        Assert.Contains("Tensor 'head.bias' [8]", e.Message);
        Assert.Contains("pytorch_bias needs the fan_in of the weight the bias belongs to", e.Message);
    }

    [Theory]
    [InlineData("h.0.attn.c_attn.weight", 2, TensorRole.Linear)]
    [InlineData("h.0.attn.c_attn.bias", 1, TensorRole.Bias)]
    [InlineData("h.0.ln_1.weight", 1, TensorRole.NormWeight)]
    [InlineData("h.0.ln_1.bias", 1, TensorRole.NormBias)]
    [InlineData("model.layers.0.input_layernorm.weight", 1, TensorRole.NormWeight)]
    [InlineData("encoder.layer.0.output.LayerNorm.bias", 1, TensorRole.NormBias)]
    [InlineData("wte.weight", 2, TensorRole.Embedding)]
    [InlineData("model.embed_tokens.weight", 2, TensorRole.Embedding)]
    [InlineData("features.0.weight", 4, TensorRole.Conv)]
    [InlineData("logit_scale", 0, TensorRole.Other)]
    public void InferRole_CommonCheckpointNames(string name, int rank, TensorRole expected) =>
        Assert.Equal(expected, TensorRoles.Infer(name, rank));

    [Fact]
    public void Spec_RulesGlobAndRegex_LastMatchWins_ExplicitInitWinsOverAll()
    {
        var source = CheckpointSpec.Parse("""
            {
              "dtype": "f16",
              "defaults": { "linear": "he_normal" },
              "rules": [ { "pattern": "*.weight", "init": "glorot_normal" }, { "regex": "b\\d\\.w.*", "init": "orthogonal" } ],
              "tensors": [
                { "name": "a.weight", "shape": [4, 3] },
                { "name": "b1.weight", "shape": [4, 4] },
                { "name": "c", "shape": [4, 4], "role": "linear", "init": "zeros", "dtype": "f64" },
                { "name": "d", "shape": [5, 2] },
                { "name": "e.bias", "shape": [4] }
              ]
            }
            """);
        var plan = CheckpointPlan.Create(source.Tensors, source.Policy, 7, source.DType ?? TensorDType.Float32);
        Assert.Equal(["glorot_normal", "orthogonal", "zeros", "he_normal", "zeros"], plan.Tensors.Select(t => t.Initializer));
        Assert.Equal([TensorDType.Float16, TensorDType.Float16, TensorDType.Float64, TensorDType.Float16, TensorDType.Float16], plan.Tensors.Select(t => t.DType));
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"tensors": [], "color": 1}""", "$.color: unknown member")]
    [InlineData("""{"tensors": [{"name": "w", "shape": [3, -1]}]}""", "$.tensors[0].shape (w)")]
    [InlineData("""{"tensors": [{"name": "w", "shape": [3, 2], "dtype": "f8"}]}""", "unknown dtype 'f8'; valid: f32")]
    [InlineData("""{"tensors": [{"name": "w", "shape": [3, 2], "role": "head"}]}""", "Unknown tensor role 'head'")]
    [InlineData("""{"rules": [{"regex": "(", "init": "zeros"}], "tensors": [{"name": "w", "shape": [3, 2]}]}""", "not a valid regular expression")]
    [InlineData("""{"rules": [{"pattern": "*", "regex": "w", "init": "zeros"}], "tensors": [{"name": "w", "shape": [3, 2]}]}""", "exactly one of")]
    [InlineData("""{"defaults": {"linear": 3}, "tensors": [{"name": "w", "shape": [3, 2]}]}""", "$.defaults.linear must be a string")]
    [InlineData("""{"name": "x"}""", "exactly one of \"tensors\"")]
    public void Spec_Malformed_NamesTheProblem(string json, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => CheckpointSpec.Parse(json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Plan_BadInitializerOrDuplicate_NamesTheTensor()
    {
        var e = Assert.Throws<ArgumentException>(() => CheckpointPlan.Create([new("b", [8], Initializer: "he_normal")], InitPolicy.Default, 1));
        Assert.Contains("Tensor 'b' [8]", e.Message);
        var unknown = Assert.Throws<ArgumentException>(() => CheckpointPlan.Create([new("w", [8, 8], Initializer: "magic")], InitPolicy.Default, 1));
        Assert.Contains("Unknown initializer 'magic'", unknown.Message);
        var twice = Assert.Throws<ArgumentException>(() => CheckpointPlan.Create([new("w", [2, 2]), new("w", [2, 2])], InitPolicy.Default, 1));
        Assert.Contains("Two tensors are named 'w'", twice.Message);
        Assert.Throws<ArgumentException>(() => CheckpointPlan.Create([], InitPolicy.Default, 1));
        var torch = Assert.Throws<ArgumentException>(() => CheckpointPlan.Create([new("w", [8, 8], Initializer: "orthogonal")], InitPolicy.Default, 1, generator: CheckpointGenerator.Torch));
        Assert.Contains("no PyTorch-exact form", torch.Message);
    }

    [Fact]
    public void Spec_LayerModel_GivesItsWeightsAndBiasesWithItsInitializers()
    {
        var source = CheckpointSpec.Parse("""
            { "name": "m", "input": [3, 8, 8], "weight_init": "he_normal",
              "layers": [ { "type": "conv2d", "name": "conv", "channels": 4, "kernel": 3 }, { "type": "flatten" }, { "type": "dense", "name": "fc", "units": 10 } ] }
            """);
        var plan = CheckpointPlan.Create(source.Tensors, source.Policy, 1);
        Assert.Equal(["conv.weight", "conv.bias", "fc.weight", "fc.bias"], plan.Tensors.Select(t => t.Name));
        Assert.Equal([10, 4 * 6 * 6], plan.Tensors[2].Dimensions);
        Assert.Equal(["he_normal", "zeros", "he_normal", "zeros"], plan.Tensors.Select(t => t.Initializer));
        Assert.Equal(TensorRole.Conv, plan.Tensors[0].Role);
    }

    [Fact]
    public void Template_ReadsHeaderOnly_NamesShapesDTypesInFileOrder()
    {
        string path = Path.Combine(Path.GetTempPath(), $"template-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafetensorsWriter.WriteFile(path,
            [
                new TensorSource("b.weight", TensorDType.BFloat16, [6, 4], (_, _) => { }),
                new TensorSource("a.bias", TensorDType.Float32, [6], (_, _) => { }),
            ]);
            var source = CheckpointSpec.FromTemplate(path);
            Assert.Equal(["b.weight", "a.bias"], source.Tensors.Select(t => t.Name));
            Assert.Equal([6, 4], source.Tensors[0].Dimensions);
            Assert.Equal(TensorDType.BFloat16, source.Tensors[0].DType);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string, byte[]> BadTemplates()
    {
        static byte[] File(string json, int dataBytes, ulong? declared = null)
        {
            byte[] header = Encoding.UTF8.GetBytes(json);
            var bytes = new byte[8 + header.Length + dataBytes];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, declared ?? (ulong)header.Length);
            header.CopyTo(bytes, 8);
            return bytes;
        }
        return new()
        {
            { "shorter than the 8-byte header length", [1, 2, 3] },
            { "only 10 bytes follow the length", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 0, 1000)[..18] },
            { "bytes follow the length", File("{}", 0, 4096) },
            { "overlap", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12) },
            { "Q7", File("{\"a\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8) },
        };
    }

    [Theory]
    [MemberData(nameof(BadTemplates))]
    public void Template_Invalid_InvalidDataExceptionSaysWhy(string expected, byte[] content)
    {
        string path = Path.Combine(Path.GetTempPath(), $"bad-template-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(path, content);
            var e = Assert.Throws<InvalidDataException>(() => CheckpointSpec.FromTemplate(path));
            Assert.Contains(expected, e.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Manifest_RoundTrips()
    {
        var source = CheckpointPresets.Resolve("gpt2(n_layer=2, n_embd=8, n_head=2, vocab_size=11, n_positions=5)", null);
        var plan = CheckpointPlan.Create(source.Tensors, source.Policy, 99, TensorDType.BFloat16);
        var (back, files, extra) = CheckpointPlan.FromJson(plan.ToJson(new Dictionary<string, string> { ["transformer.wte.weight"] = "x.safetensors" }, new Dictionary<string, string> { ["format"] = "npz" }));
        Assert.Equal(plan.Tensors, back.Tensors);
        Assert.Equal(99UL, back.Seed);
        Assert.Equal("x.safetensors", files["transformer.wte.weight"]);
        Assert.Equal("npz", extra["format"]);
    }

    [Fact]
    public void LaunchEnvironment_ReadsTheLaunchersInOrder()
    {
        Assert.Null(LaunchEnvironment.Detect(_ => null));
        var env = new Dictionary<string, string> { ["SLURM_PROCID"] = "3", ["SLURM_NTASKS"] = "8", ["RANK"] = "1", ["WORLD_SIZE"] = "2" };
        Assert.Equal((3, 8, "SLURM_PROCID/SLURM_NTASKS"), LaunchEnvironment.Detect(env.GetValueOrDefault));
        env["OMPI_COMM_WORLD_RANK"] = "0"; env["OMPI_COMM_WORLD_SIZE"] = "2";
        Assert.Equal((0, 2, "OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE"), LaunchEnvironment.Detect(env.GetValueOrDefault));
        Assert.Equal((1, 4, "PMI_RANK/PMI_SIZE"), LaunchEnvironment.Detect(new Dictionary<string, string> { ["PMI_RANK"] = "1", ["PMI_SIZE"] = "4" }.GetValueOrDefault));
        Assert.Equal((1, 2, "RANK/WORLD_SIZE"), LaunchEnvironment.Detect(new Dictionary<string, string> { ["RANK"] = "1", ["WORLD_SIZE"] = "2" }.GetValueOrDefault));
        Assert.Throws<ArgumentException>(() => LaunchEnvironment.Detect(new Dictionary<string, string> { ["RANK"] = "1" }.GetValueOrDefault));
    }
}
