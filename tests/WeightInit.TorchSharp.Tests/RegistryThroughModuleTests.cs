using TorchSharp;
using WeightInit.Initializers;
using WeightInit.Shapes;
using WeightInit.Random;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Tests;

/// <summary>Every registry initializer applied through <see cref="ModuleInit"/> gives, for each parameter, exactly the core
/// library's Span output for <c>PhiloxKey.FromSeed(seed).Fold(name)</c> and exactly the bytes the checkpoint plan
/// (<c>weightinit init</c>) writes for that name, in every dtype.</summary>
public sealed class RegistryThroughModuleTests
{
    private const ulong Seed = 20261207;

    public static IEnumerable<object[]> Cases() =>
        from info in InitializerRegistry.All
        from dtype in TestTensors.FloatTypes
        select new object[] { info.Name, dtype.ToString() };

    // Entries with a required argument (sparse), or a fan the shape cannot carry (pytorch_bias: the owning weight's fan_in,
    // stated here so that the Span output, the module API and the checkpoint plan all get the same law).
    private static string Spec(string name) => name switch
    {
        "sparse" => "sparse(sparsity=0.25)",
        "pytorch_bias" => "pytorch_bias(fan_in=12)",
        _ => name,
    };

    // Which parameters an entry can serve: 2-D only for identity/sparse, a 4-D conv kernel for the conv-only ones.
    private static string[] Targets(string name) => name switch
    {
        "identity" or "sparse" => ["fc.weight"],
        "dirac" or "delta_orthogonal" or "bilinear" or "caffe.bilinear" => ["conv.weight"],
        _ => ["fc.weight", "conv.weight", "fc.bias"],
    };

    private static Bag Build() => new(
        ("fc", nn.Linear(12, 20)),
        ("conv", nn.Conv2d(4, 8, 3, groups: 2)));

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryEntry_EveryDType_EqualsSpanOutputAndCheckpointBytes(string name, string dtypeName)
    {
        var dtype = Enum.Parse<ScalarType>(dtypeName);
        string spec = Spec(name);
        var init = InitializerRegistry.Parse(spec);
        using var module = Build();
        module.to(dtype);
        var tensors = ModuleLayouts.Enumerate(module);
        // A bias (a vector) for the entries that need neither fans nor a matrix.
        var targets = Targets(name).Where(n => !n.EndsWith(".bias") || !(NeedsFans(init) || init is Orthogonal)).ToArray();
        var mi = new ModuleInit(Seed);
        foreach (var t in targets) mi.Rule(t, init);
        var done = mi.Apply(module);
        Assert.Equal(targets.Order(), done.Select(d => d.Name).Order());
        foreach (var target in targets)
        {
            var t = tensors.Single(x => x.Name == target);
            var shape = t.Shape!;
            byte[] actual = TestTensors.Bytes(t.Tensor);
            byte[] span = SpanOutput(init, PhiloxKey.FromSeed(Seed).Fold(target), shape, dtype);
            Assert.Equal(span, actual);
            byte[] plan = TestTensors.PlanBytes(TestTensors.Declare(t, spec), Seed, TestTensors.ToDType(dtype));
            Assert.Equal(plan, actual);
        }
    }

    private static bool NeedsFans(Initializer init) => init is VarianceScaling or GlorotStandard;

    internal static byte[] SpanOutput(Initializer init, PhiloxKey key, WeightShape shape, ScalarType dtype)
    {
        int n = (int)shape.ElementCount;
        switch (dtype)
        {
            case ScalarType.Float32: { var a = new float[n]; init.Fill(key, shape, a); return System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()).ToArray(); }
            case ScalarType.Float64: { var a = new double[n]; init.Fill(key, shape, a); return System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()).ToArray(); }
            case ScalarType.Float16: { var a = new Half[n]; init.Fill(key, shape, a); return System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()).ToArray(); }
            default: { var a = new ushort[n]; init.FillBFloat16Bits(key, shape, a); return System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()).ToArray(); }
        }
    }

    [Fact]
    public void KeysByName_ConstructionOrderAndOtherModulesDoNotChangeBits()
    {
        var init = Init.HeNormal();
        using var a = new Bag(("fc", nn.Linear(12, 20)), ("conv", nn.Conv2d(4, 8, 3, groups: 2)));
        using var b = new Bag(("extra", nn.Linear(3, 3)), ("conv", nn.Conv2d(4, 8, 3, groups: 2)), ("fc", nn.Linear(12, 20)));
        new ModuleInit(Seed).Rule("*.weight", init).Apply(a);
        new ModuleInit(Seed).Rule("*.weight", init).Apply(b);
        foreach (var n in new[] { "fc.weight", "conv.weight" })
            Assert.Equal(TestTensors.Bytes(TestTensors.Param(a, n)), TestTensors.Bytes(TestTensors.Param(b, n)));
        Assert.NotEqual(TestTensors.Bytes(TestTensors.Param(a, "fc.weight")), TestTensors.Bytes(InitOther()));

        static Tensor InitOther()
        {
            var c = new Bag(("fc", nn.Linear(12, 20)));
            new ModuleInit(Seed + 1).Rule("*.weight", Init.HeNormal()).Apply(c);
            return TestTensors.Param(c, "fc.weight");
        }
    }

    [Fact]
    public void Threads_DoNotChangeBits_AndEqualTheSpanOutput()
    {
        // 2²⁰ elements: enough for the fill to be split across threads.
        byte[] Fill(int? threads)
        {
            using var m = new Bag(("fc", nn.Linear(1024, 1024, hasBias: false)));
            var mi = new ModuleInit(Seed).Rule("fc.weight", Init.HeNormal());
            if (threads is { } n) mi.Threads(n);
            mi.Apply(m);
            return TestTensors.Bytes(TestTensors.Param(m, "fc.weight"));
        }
        byte[] one = Fill(1);
        Assert.Equal(one, Fill(2));
        Assert.Equal(one, Fill(null));
        Assert.Equal(SpanOutput(Init.HeNormal(), PhiloxKey.FromSeed(Seed).Fold("fc.weight"), WeightShape.OutIn(1024, 1024), ScalarType.Float32), one);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModuleInit(Seed).Threads(0));
    }
}
