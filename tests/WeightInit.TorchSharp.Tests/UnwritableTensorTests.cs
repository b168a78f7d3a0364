using System.Text.RegularExpressions;
using TorchSharp;
using WeightInit.Checkpoints;
using WeightInit.Initializers;
using WeightInit.IO;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Tests;

/// <summary>Tensors that cannot be written in place (no data on the meta device, elements sharing memory) are refused by name
/// before the first write, by the module API in both modes and by the checkpoint loader; and the rule edge cases.</summary>
public sealed class UnwritableTensorTests
{
    private static readonly Device Meta = new(DeviceType.META);

    private static Bag WithMetaLinear()
    {
        var late = nn.Linear(4, 3);
        late.to(Meta);
        return new Bag(("fc", nn.Linear(6, 4)), ("late", late));
    }

    private static byte[] FcWeight(nn.Module m) => TestTensors.Bytes(TestTensors.Param(m, "fc.weight"));

    [Fact]
    public void MetaDeviceTensor_IsRefusedByName_BeforeAnyWrite()
    {
        using var m = WithMetaLinear();
        Assert.Equal(DeviceType.META, TestTensors.Param(m, "late.weight").device_type);
        var before = FcWeight(m);
        var e = Assert.ThrowsAny<ArgumentException>(() => new ModuleInit(1).Rule("*.weight", Init.GlorotUniform()).Apply(m));
        Assert.Contains("Parameter 'late.weight' [3, 4] of module type Linear is on the meta device, which holds no data", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        e = Assert.ThrowsAny<ArgumentException>(() => new ModuleInit(1, ModuleInitMode.Torch).Preset("pytorch-default").Apply(m));
        Assert.Contains("'late.weight' [3, 4] of module type Linear is on the meta device", e.Message);
        Assert.Equal(before, FcWeight(m));
    }

    [Fact]
    public void MetaDeviceNormBuffers_AreRefused_NotSilentlyReported()
    {
        var bn = nn.BatchNorm1d(4);
        bn.to(Meta);
        using var m = new Bag(("bn", bn));
        var e = Assert.ThrowsAny<ArgumentException>(() => new ModuleInit(1).Apply(m));
        Assert.Contains("Buffer 'bn.running_mean' [4] of module type BatchNorm1d is on the meta device", e.Message);
    }

    [Fact]
    public void Load_IntoAMetaTensor_IsRefused_BeforeAnyWrite()
    {
        using var source = new Bag(("fc", nn.Linear(6, 4)), ("late", nn.Linear(4, 3)));
        new ModuleInit(5).Rule("*", Init.Normal(0, 0.5)).Apply(source);
        string dir = Directory.CreateTempSubdirectory("wi-ts-meta-").FullName;
        try
        {
            var decls = ModuleLayouts.Enumerate(source).Where(t => !t.IsBuffer).Select(t => TestTensors.Declare(t, "normal(std=0.5)")).ToList();
            CheckpointWriter.Write(CheckpointPlan.Create(decls, InitPolicy.Default, 5, TensorDType.Float32), new CheckpointWriteOptions { Directory = dir });
            using var m = WithMetaLinear();
            var before = FcWeight(m);
            var e = Assert.ThrowsAny<ArgumentException>(() => CheckpointLoader.Load(m, dir));
            Assert.Contains("Cannot load checkpoint tensor 'late.weight': the module's tensor is on the meta device", e.Message);
            Assert.Equal(before, FcWeight(m));
        }
        finally { Directory.Delete(dir, true); }
    }

    private sealed class Expanded : nn.Module
    {
        // "a" first, so without the check it would be written before "w" is reached.
        public Expanded() : base("expanded")
        {
            register_parameter("a", new global::TorchSharp.Modules.Parameter(torch.zeros(3, 4), requires_grad: false));
            register_parameter("w", new global::TorchSharp.Modules.Parameter(torch.zeros(1, 4).expand(3, 4), requires_grad: false));
        }
    }

    [Fact]
    public void ViewWhoseElementsShareMemory_IsRefused_BeforeAnyWrite()
    {
        using var m = new Expanded();
        var e = Assert.ThrowsAny<ArgumentException>(() => new ModuleInit(1).Rule("*", Init.Normal(0, 1)).Apply(m));
        Assert.Contains("Parameter 'w' [3, 4] of module type Expanded is a view whose elements share memory (sizes [3, 4], strides [0, 1]", e.Message);
        Assert.All(TestTensors.Values(TestTensors.Param(m, "a")), v => Assert.Equal(0.0, v));
        Assert.All(TestTensors.Values(TestTensors.Param(m, "w")), v => Assert.Equal(0.0, v));
    }

    [Theory]
    // sizes, strides, overlap: storage offsets written out by hand.
    [InlineData(new long[] { 3, 4 }, new long[] { 0, 1 }, true)]    // expand: rows 0, 1, 2 all at 0..3
    [InlineData(new long[] { 2, 2 }, new long[] { 1, 1 }, true)]    // 0, 1, 1, 2
    [InlineData(new long[] { 3, 2 }, new long[] { 2, 3 }, false)]   // 0, 3, 2, 5, 4, 7: interleaved, disjoint
    [InlineData(new long[] { 3, 2 }, new long[] { 1, 2 }, true)]    // 0, 2, 1, 3, 2, 4: 2 twice
    [InlineData(new long[] { 4, 3 }, new long[] { 1, 4 }, false)]   // a transposed slice: 0, 4, 8, 1, 5, 9, …
    [InlineData(new long[] { 5, 1 }, new long[] { 1, 0 }, false)]   // a size-1 dimension's stride is never used
    public void Overlaps_IsExact(long[] sizes, long[] strides, bool overlaps) =>
        Assert.Equal(overlaps, TensorWriter.Overlaps(sizes, strides));

    [Fact]
    public void InterleavedDisjointView_IsWritten_ElementByElement()
    {
        using var storage = torch.full([8], -7.25);
        using var view = storage.as_strided([3, 2], [2, 3]);   // offsets 0, 3, 2, 5, 4, 7; 1 and 6 untouched
        var init = Init.Uniform(0.5, 1);
        var shape = new Shapes.WeightShape([3, 2]);
        TensorWriter.Write(view, new InitializerSource(init, Random.PhiloxKey.FromSeed(2), shape));
        var expected = init.CreateSingle(Random.PhiloxKey.FromSeed(2), shape);
        var all = TestTensors.Values(storage);
        long[] offsets = [0, 3, 2, 5, 4, 7];
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], all[offsets[i]]);
        Assert.Equal(-7.25, all[1]);
        Assert.Equal(-7.25, all[6]);
    }

    [Fact]
    public void RegexRule_WithIgnorePatternWhitespaceComment_MatchesTheWholeName()
    {
        using var m = new Bag(("fc", nn.Linear(6, 4)));
        var done = new ModuleInit(1).Rule(new Regex(@"fc \. weight   # the Linear's matrix", RegexOptions.IgnorePatternWhitespace), Init.Zeros()).Apply(m);
        Assert.Equal("fc.weight", Assert.Single(done).Name);
        done = new ModuleInit(1).Rule(new Regex(@"(?x) fc\.bias # inline option"), Init.Ones()).Apply(m);
        Assert.Equal("fc.bias", Assert.Single(done).Name);
        // Still the whole name: a prefix does not match.
        var e = Assert.ThrowsAny<ArgumentException>(() => new ModuleInit(1).Rule(new Regex(@"fc # prefix", RegexOptions.IgnorePatternWhitespace), Init.Zeros()).Apply(m));
        Assert.Contains("matches no parameter", e.Message);
    }

    [Fact]
    public void RuleOnAModuleWithoutParameters_SaysItHasNone()
    {
        using var m = nn.ReLU();
        var e = Assert.ThrowsAny<ArgumentException>(() => new ModuleInit(1).Rule("*", Init.Zeros()).Apply(m));
        Assert.Equal("Rule '*' matches no parameter of the ReLU; it has no parameters.", e.Message);
    }

    [Theory]
    [InlineData("uniform_")]
    [InlineData("normal_")]
    [InlineData("trunc_normal_")]
    [InlineData("xavier_normal_")]
    [InlineData("xavier_uniform_")]
    public void TorchInitDropIns_RefuseAnIntegerTensor_InOneLine(string function)
    {
        using var t = torch.zeros([3, 3], ScalarType.Int64);
        Action act = function switch
        {
            "uniform_" => () => TorchInit.uniform_(t),
            "normal_" => () => TorchInit.normal_(t),
            "trunc_normal_" => () => TorchInit.trunc_normal_(t),
            "xavier_normal_" => () => TorchInit.xavier_normal_(t),
            _ => () => TorchInit.xavier_uniform_(t),
        };
        var e = Assert.ThrowsAny<ArgumentException>(act);
        Assert.StartsWith($"TorchInit.{function} fills floating-point tensors (float32, float64, float16, bfloat16); this one is Int64.", e.Message);
        Assert.All(TestTensors.Values(t), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void OutOfRangeSettings_AreOneLine_NamingTheValidRange()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ModuleInit(1).Threads(0));
        Assert.Equal("Threads: 0 is no thread count; give 1 or more (default: every core). (Parameter 'maxThreads')", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new ModuleInit(1).PaddingIndex("emb", -1));
        Assert.Equal("PaddingIndex: -1 is no row of Embedding 'emb'; give a row index ≥ 0 (0 … num_embeddings − 1). (Parameter 'index')", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new ModuleInit(1, (ModuleInitMode)7));
        Assert.Equal("Unknown mode 7; valid modes: Philox, Torch. (Parameter 'mode')", e.Message);
    }
}
