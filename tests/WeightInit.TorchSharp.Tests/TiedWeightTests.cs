using TorchSharp;
using TorchSharp.Modules;
using WeightInit.Checkpoints;
using WeightInit.Initializers;
using WeightInit.IO;
using WeightInit.Random;
using WeightInit.Shapes;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Tests;

/// <summary>A tensor registered under two names (tied weights: <c>b.weight = a.weight</c>) is one tensor, as PyTorch's
/// <c>named_parameters()</c> has it: initialized once, under its first name, and loaded from whichever name a checkpoint holds.</summary>
public sealed class TiedWeightTests
{
    private static (Bag Module, Linear A, Linear B) Tied()
    {
        var a = nn.Linear(3, 3);
        var b = nn.Linear(3, 3);
        b.weight = a.weight;
        return (new Bag(("a", a), ("b", b)), a, b);
    }

    [Fact]
    public void TiedWeight_IsInitializedOnce_UnderItsFirstName()
    {
        var (m, a, b) = Tied();
        using var _ = m;
        Assert.Equal(["a.weight", "a.bias", "b.bias"], m.named_parameters().Select(p => p.name)); // TorchSharp's own view
        var done = new ModuleInit(4).Rule("*.weight", Init.HeNormal()).Apply(m);
        Assert.Equal("a.weight", Assert.Single(done).Name);
        var expected = Init.HeNormal().CreateSingle(PhiloxKey.FromSeed(4).Fold("a.weight"), new WeightShape([3, 3], WeightLayout.OutIn));
        Assert.Equal(expected, TestTensors.Singles(TestTensors.Bytes(b.weight!)));
    }

    [Fact]
    public void RuleMatchingOnlyTheTiedName_SaysWhichTensorItIs()
    {
        var (m, _, _) = Tied();
        using var _m = m;
        var e = Assert.ThrowsAny<ArgumentException>(() => new ModuleInit(4).Rule("b.weight", Init.Zeros()).Apply(m));
        Assert.Contains("Rule 'b.weight' matches no parameter of the Bag; its parameters are: a.weight, a.bias, b.bias " +
            "(a tied tensor is initialized once, under its first name: b.weight is a.weight).", e.Message);
    }

    private static string Checkpoint(params (string Name, int[] Dims)[] tensors)
    {
        string dir = Directory.CreateTempSubdirectory("wi-ts-tied-").FullName;
        var decls = tensors.Select(t => new TensorDeclaration(t.Name, t.Dims, Initializer: "normal(std=0.5)")).ToList();
        CheckpointWriter.Write(CheckpointPlan.Create(decls, InitPolicy.Default, 6, TensorDType.Float32), new CheckpointWriteOptions { Directory = dir });
        return dir;
    }

    [Theory]
    [InlineData("a.weight")]   // the first name, as PyTorch's named_parameters() and a deduplicated save give it
    [InlineData("b.weight")]   // the other name
    public void TiedWeight_LoadsFromACheckpointHoldingEitherName(string savedAs)
    {
        string dir = Checkpoint((savedAs, [3, 3]), ("a.bias", [3]), ("b.bias", [3]));
        try
        {
            var (m, a, _) = Tied();
            using var _m = m;
            Assert.Equal(["a.weight", "a.bias", "b.bias"], CheckpointLoader.Load(m, dir));
            using var reader = SafetensorsReader.Open(Path.Combine(dir, "model.safetensors"));
            Assert.Equal(reader.ReadBytes(savedAs), TestTensors.Bytes(a.weight!));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void TorchMode_TiedWeight_DrawsTheTiedNameAsPyTorchsConstructorDid_ThenDiscardsIt()
    {
        // PyTorch (and TorchSharp's correct Linear constructor): a draws weight and bias, b draws weight and bias, then the tie
        // replaces b's weight; so b.bias is the fourth draw, and a.weight the first.
        torch.manual_seed(11);
        var (reference, _, _) = Tied();
        using var _r = reference;
        var (ours, a, b) = Tied();
        using var _o = ours;
        new ModuleInit(11, ModuleInitMode.Torch).Preset("pytorch-default").Apply(ours);
        foreach (var (n, p) in reference.named_parameters())
            Assert.True(TestTensors.Bytes(p).AsSpan().SequenceEqual(TestTensors.Bytes(TestTensors.Param(ours, n))), $"{n} differs from TorchSharp's constructor");
        Assert.True(ReferenceEquals(a.weight, b.weight));
    }

    [Fact]
    public void PyTorchDefaultPreset_BiasBesideATiedWeight_TakesThatWeightsFanIn()
    {
        var (m, _, _) = Tied();
        using var _m = m;
        var done = new ModuleInit(2).Preset("pytorch-default").Apply(m).ToDictionary(d => d.Name, d => d.How);
        Assert.Equal(["a.weight", "a.bias", "b.bias"], done.Keys);
        // nn.Linear(3, 3)'s bias: U(±1/√3), fan_in 3 of the (tied) weight beside it.
        Assert.Equal("uniform(low=-0.5773502691896258, high=0.5773502691896258)", done["b.bias"]);
    }
}
