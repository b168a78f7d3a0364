using System.Text.RegularExpressions;
using TorchSharp;
using WeightInit.Checkpoints;
using WeightInit.Initializers;
using WeightInit.IO;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Tests;

/// <summary>Bad input gives one clear message (one line, naming the problem and the valid choices) and writes nothing.</summary>
public sealed class BadInputTests
{
    private static Bag Build() => new(("fc", nn.Linear(6, 4)), ("conv", nn.Conv2d(2, 4, 3)), ("ln", nn.LayerNorm(4)), ("emb", nn.Embedding(5, 3)));

    private static Dictionary<string, byte[]> Snapshot(nn.Module m) =>
        m.named_parameters().ToDictionary(p => p.name, p => TestTensors.Bytes(p.parameter));

    private static string Fails(nn.Module m, Action act)
    {
        var before = Snapshot(m);
        var e = Assert.ThrowsAny<ArgumentException>(act);
        Assert.DoesNotContain('\n', e.Message);
        var after = Snapshot(m);
        foreach (var (n, b) in before) Assert.True(b.AsSpan().SequenceEqual(after[n]), $"{n} was written before the error");
        return e.Message;
    }

    [Fact]
    public void RuleMatchingNothing_NamesTheRuleAndListsTheParameters()
    {
        using var m = Build();
        var msg = Fails(m, () => new ModuleInit(1).Rule("*.weight", Init.HeNormal()).Rule("decoder.*", Init.Zeros()).Apply(m));
        Assert.Contains("'decoder.*' matches no parameter", msg);
        Assert.Contains("fc.weight, fc.bias, conv.weight, conv.bias, ln.weight, ln.bias, emb.weight", msg);
        msg = Fails(m, () => new ModuleInit(1).Rule(new Regex("enc\\..*"), Init.Zeros()).Apply(m));
        Assert.Contains("regex:enc\\..*", msg);
        msg = Fails(m, () => new ModuleInit(1).Rule<LSTMProbe>("weight*", Init.Zeros()).Apply(m));
        Assert.Contains("matches no parameter", msg);
    }

    private sealed class LSTMProbe : nn.Module { public LSTMProbe() : base("probe") { } }

    [Fact]
    public void InitializerThatCannotServeTheShape_NamesParameterShapeAndWhy()
    {
        using var m = Build();
        // fans of a vector: the whole plan fails before fc.weight is written
        var msg = Fails(m, () => new ModuleInit(1).Rule("*.weight", Init.HeNormal()).Apply(m));
        Assert.Contains("'ln.weight' [4] of module type LayerNorm", msg);
        // a structured initializer on the wrong rank, after a parameter it could serve
        msg = Fails(m, () => new ModuleInit(1).Rule("fc.weight", new Identity()).Rule("conv.weight", new Identity()).Apply(m));
        Assert.Contains("'conv.weight' [4, 2, 3, 3] of module type Conv2d", msg);
        Assert.Contains("identity needs a 2-D tensor", msg);
        msg = Fails(m, () => new ModuleInit(1).Rule("fc.bias", new Orthogonal()).Apply(m));
        Assert.Contains("rank ≥ 2", msg);
    }

    private sealed class Custom : nn.Module
    {
        public Custom() : base("custom") => register_parameter("w", new global::TorchSharp.Modules.Parameter(torch.zeros(3, 4)));
    }

    [Fact]
    public void FansOnAModuleTypeWithoutStatedLayout_AreRefused_OtherInitializersServe()
    {
        using var m = new Custom();
        var msg = Fails(m, () => new ModuleInit(1).Rule("w", Init.GlorotUniform()).Apply(m));
        Assert.Contains("no stated layout for this module type", msg);
        Assert.Contains("Linear, Bilinear, Conv1d/2d/3d", msg);
        new ModuleInit(1).Rule("w", Init.Normal(0, 1)).Apply(m);   // no fans needed: fine
        msg = Fails(m, () => new ModuleInit(1).Preset("pytorch-default").Apply(m));
        Assert.Contains("does not know parameter 'w' of module type Custom", msg);
    }

    [Fact]
    public void UnknownPreset_BadPadding_ListTheValidChoices()
    {
        using var m = Build();
        var e = Assert.Throws<ArgumentException>(() => new ModuleInit(1).Preset("keras"));
        Assert.Contains("valid: pytorch-default", e.Message);
        var msg = Fails(m, () => new ModuleInit(1).PaddingIndex("fc", 0).Rule("*.weight", Init.Zeros()).Apply(m));
        Assert.Contains("its embeddings are: emb", msg);
        msg = Fails(m, () => new ModuleInit(1).PaddingIndex("emb", 5).Rule("emb.weight", Init.Zeros()).Apply(m));
        Assert.Contains("valid 0…4", msg);
    }

    [Fact]
    public void IntegerParameter_IsRefused_NamingTheDTypesWritten()
    {
        using var m = new Custom();
        m.to(ScalarType.Float64);
        new ModuleInit(1).Rule("w", Init.Ones()).Apply(m);
        using var bad = new IntModule();
        var e = Assert.ThrowsAny<ArgumentException>(() => new ModuleInit(1).Rule("n", Init.Ones()).Apply(bad));
        Assert.Contains("float32, float64, float16 and bfloat16", e.Message);
    }

    private sealed class IntModule : nn.Module
    {
        public IntModule() : base("ints") => register_parameter("n", new global::TorchSharp.Modules.Parameter(torch.zeros(3, ScalarType.Int32), requires_grad: false));
    }

    // ---- Checkpoint loading ----

    private static string WriteCheckpoint(nn.Module like, ulong seed, TensorDType dtype, long shardBytes, Func<string, IReadOnlyList<int>, IReadOnlyList<int>>? reshape = null, string? extra = null)
    {
        string dir = Directory.CreateTempSubdirectory("wi-ts-").FullName;
        var decls = ModuleLayouts.Enumerate(like).Where(t => !t.IsBuffer)
            .Select(t => TestTensors.Declare(t, "normal(std=0.5)") with { Dimensions = reshape?.Invoke(t.Name, t.Dimensions) ?? t.Dimensions })
            .ToList();
        if (extra is not null) decls.Add(new TensorDeclaration(extra, [2], Initializer: "ones"));
        var plan = CheckpointPlan.Create(decls, InitPolicy.Default, seed, dtype);
        CheckpointWriter.Write(plan, new CheckpointWriteOptions { Directory = dir, ShardBytes = shardBytes });
        return dir;
    }

    [Theory]
    [InlineData("Float32", 1L << 40)]
    [InlineData("BFloat16", 200)]    // sharded: several files and an index
    [InlineData("Float64", 300)]
    [InlineData("Float16", 1L << 40)]
    public void Load_PutsTheCheckpointsBytesIntoTheParameters(string dtypeName, long shardBytes)
    {
        var dtype = Enum.Parse<ScalarType>(dtypeName);
        using var m = Build();
        m.to(dtype);
        string dir = WriteCheckpoint(m, 8, TestTensors.ToDType(dtype), shardBytes);
        try
        {
            if (shardBytes < 1000) Assert.True(File.Exists(Path.Combine(dir, ShardIndex.IndexFileName)));
            var loaded = CheckpointLoader.Load(m, dir);
            Assert.Equal(m.named_parameters().Select(p => p.name), loaded);
            // The same bytes the module API writes for normal(std=0.5) by name.
            using var twin = Build();
            twin.to(dtype);
            new ModuleInit(8).Rule("*", Init.Normal(0, 0.5)).Apply(twin);
            var expected = Snapshot(twin);
            foreach (var (n, b) in Snapshot(m)) Assert.True(expected[n].AsSpan().SequenceEqual(b), n);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Load_Mismatches_OneMessageEach_NothingWritten()
    {
        using var m = Build();
        string f16 = WriteCheckpoint(m, 8, TensorDType.Float16, 1L << 40);
        string shape = WriteCheckpoint(m, 8, TensorDType.Float32, 1L << 40, (n, d) => n == "conv.weight" ? [4, 2, 3, 2] : d);
        string extra = WriteCheckpoint(m, 8, TensorDType.Float32, 1L << 40, extra: "head.bias");
        using var smaller = new Bag(("fc", nn.Linear(6, 4)));
        string missing = WriteCheckpoint(smaller, 8, TensorDType.Float32, 1L << 40);
        try
        {
            var msg = Fails(m, () => CheckpointLoader.Load(m, f16));
            Assert.Contains("'fc.weight' is F16, but the module's is Float32; convert the module (module.to(ScalarType.Float16)) or write the checkpoint with --dtype", msg);
            msg = Fails(m, () => CheckpointLoader.Load(m, shape));
            Assert.Contains("'conv.weight' has shape [4, 2, 3, 2], but the module's is [4, 2, 3, 3]", msg);
            msg = Fails(m, () => CheckpointLoader.Load(m, extra));
            Assert.Contains("'head.bias' is no parameter or buffer", msg);
            msg = Fails(m, () => CheckpointLoader.Load(m, missing));
            Assert.Contains("Parameter 'conv.weight' of the Bag is not in checkpoint", msg);
            Assert.Throws<FileNotFoundException>(() => CheckpointLoader.Load(m, Path.Combine(missing, "nothing.safetensors")));
        }
        finally
        {
            foreach (var d in new[] { f16, shape, extra, missing }) Directory.Delete(d, true);
        }
    }
}
