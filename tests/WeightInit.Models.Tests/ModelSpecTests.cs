using WeightInit.Models;
using WeightInit.Initializers;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Models.Tests;

public class ModelSpecTests
{
    private static ModelSpec SmallConvNet() => new("convnet", FeatureShape.Image(3, 32, 32),
    [
        new Conv2d(16, 3, Padding: 1) { Name = "conv1" },
        new ActivationLayer("relu"),
        new Conv2d(32, 3, Stride: 2, Padding: 1, Groups: 4),
        new ActivationLayer("leaky_relu:0.2"),
        new Flatten(),
        new Dense(10, Bias: false) { Name = "head" },
        new Softmax(),
    ])
    {
        WeightInitializer = "he_normal",
        Rules = [new InitRule("*.bias", "constant(value=0.1)"), new InitRule("head.weight", "glorot_uniform")],
    };

    [Fact]
    public void Infer_ConvNet_GivesShapesNamesAndLayouts()
    {
        var shapes = SmallConvNet().Infer();

        Assert.Equal(FeatureShape.Image(16, 32, 32), shapes.Layers[0].Output);
        Assert.Equal(FeatureShape.Image(32, 16, 16), shapes.Layers[2].Output); // ⌊(32 + 2 − 3)/2⌋ + 1 = 16
        Assert.Equal(FeatureShape.Features(32 * 16 * 16), shapes.Layers[4].Output);
        Assert.Equal(FeatureShape.Features(10), shapes.Output);
        Assert.Equal(["conv1.weight", "conv1.bias", "layer2.weight", "layer2.bias", "head.weight"], shapes.Parameters.Select(p => p.Name));

        var grouped = shapes.Parameter("layer2.weight");
        Assert.Equal([32, 16 / 4, 3, 3], grouped.Shape.Dimensions);
        Assert.Equal(4, grouped.Shape.Groups);
        Assert.Equal(WeightLayout.OutInKernel, grouped.Shape.Layout);
        Assert.Equal(new Fans(4 * 9, 8 * 9), grouped.Shape.Fans);
        Assert.Equal([10, 8192], shapes.Parameter("head.weight").Shape.Dimensions);
        Assert.Equal(16 * 3 * 9 + 16 + 32 * 4 * 9 + 32 + 10 * 8192, shapes.ParameterCount);
    }

    [Fact]
    public void Infer_Rules_LastMatchWinsElseDefaultByRole()
    {
        var shapes = SmallConvNet().Infer();

        Assert.Equal("he_normal", shapes.Parameter("conv1.weight").InitializerSpec);
        Assert.Equal(new VarianceScaling(2, FanMode.FanIn, VarianceDistribution.Normal), shapes.Parameter("conv1.weight").Initializer);
        Assert.Equal("constant(value=0.1)", shapes.Parameter("layer2.bias").InitializerSpec);
        Assert.Equal(new Constant(0.1), shapes.Parameter("layer2.bias").Initializer);
        Assert.Equal(Init.GlorotUniform(), shapes.Parameter("head.weight").Initializer);

        var overridden = SmallConvNet() with { Rules = [new InitRule("*", "lecun_normal"), new InitRule("conv?.weight", "orthogonal")] };
        Assert.Equal("orthogonal", overridden.InitializerSpecFor("conv1.weight", ParameterRole.Weight));
        Assert.Equal("lecun_normal", overridden.InitializerSpecFor("conv1.bias", ParameterRole.Bias));
        Assert.Equal("lecun_normal", overridden.InitializerSpecFor("conv12.weight", ParameterRole.Weight));
    }

    [Theory]
    [InlineData("*.bias", "layer3.bias", true)]
    [InlineData("*.bias", "layer3.weight", false)]
    [InlineData("layer3.weight", "layer3.weight", true)]
    [InlineData("layer3.weight", "layer13.weight", false)]
    [InlineData("layer?.weight", "layer3.weight", true)]
    [InlineData("layer?.weight", "layer13.weight", false)]
    [InlineData("*3*", "block3.0.weight", true)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("*", "", true)]
    public void InitRule_Matches_WholeNameGlob(string pattern, string name, bool expected) =>
        Assert.Equal(expected, new InitRule(pattern, "zeros").Matches(name));

    [Fact]
    public void Infer_ResidualBranch_NamedUnderItsBlockAndShapeChecked()
    {
        var model = new ModelSpec("res", FeatureShape.Features(64),
            [new Residual([new Dense(32), new ActivationLayer("relu"), new Dense(64)], 0.5), new Dense(10)]);
        var shapes = model.Infer();

        Assert.Equal(["layer0.0.weight", "layer0.0.bias", "layer0.2.weight", "layer0.2.bias", "layer1.weight", "layer1.bias"],
            shapes.Parameters.Select(p => p.Name));
        Assert.Equal(FeatureShape.Features(32), shapes.Layers[0].Branch[0].Output);
        Assert.Equal(FeatureShape.Features(64), shapes.Layers[0].Output);

        var broken = model with { Layers = [new Residual([new Dense(32)]) { Name = "block" }] };
        var e = Assert.Throws<ArgumentException>(() => broken.Infer());
        Assert.Contains("layer 0 (block)", e.Message);
        Assert.Contains("maps 64 to 32", e.Message);
    }

    public static TheoryData<ModelSpec, string[]> BadModels => new()
    {
        { new("m", FeatureShape.Image(6, 8, 8), [new Conv2d(64, 3, Groups: 4) { Name = "conv2" }]), ["layer 0 (conv2)", "Groups 4 does not divide the input channels 6"] },
        { new("m", FeatureShape.Image(6, 8, 8), [new ActivationLayer("relu"), new Conv2d(64, 3, Groups: 3) { Name = "conv" }]), ["layer 1 (conv)", "Groups 3 does not divide Channels 64"] },
        { new("m", FeatureShape.Image(3, 8, 8), [new Dense(10)]), ["layer 0 (layer0)", "flat input", "flatten"] },
        { new("m", FeatureShape.Features(10), [new Conv2d(4, 3)]), ["layer 0", "conv2d needs a channels x height x width input"] },
        { new("m", FeatureShape.Image(3, 4, 4), [new Conv2d(4, 7)]), ["layer 0", "Kernel 7", "height"] },
        { new("m", FeatureShape.Image(3, 4, 4), [new Conv2d(4, 3, Stride: 0)]), ["layer 0", "Stride must be positive"] },
        { new("m", FeatureShape.Features(10), [new Dense(0)]), ["layer 0", "Units must be positive"] },
        { new("m", FeatureShape.Features(10), [new ActivationLayer("tahn")]), ["layer 0", "Unknown activation 'tahn'", "tanh"] },
        { new("m", FeatureShape.Features(10), [new Softmax(), new Dense(3)]), ["layer 0", "only as the last layer"] },
        { new("m", FeatureShape.Features(10), [new Dense(3) { Name = "fc" }, new Dense(3) { Name = "fc" }]), ["layer 1 (fc)", "'fc.weight' is used twice"] },
        { new("m", FeatureShape.Features(10), [new Residual([])]), ["layer 0", "at least one branch layer"] },
        { new("m", FeatureShape.Features(10), [new Dense(3)]) { WeightInitializer = "he_nromal" }, ["layer 0", "layer0.weight", "Unknown initializer 'he_nromal'", "he_normal"] },
        { new("m", FeatureShape.Features(10), [new Dense(3)]) { BiasInitializer = "he_normal" }, ["layer 0", "layer0.bias [3]", "he_normal"] },
    };

    [Theory]
    [MemberData(nameof(BadModels))]
    public void Infer_BadModel_MessageNamesLayerAndField(ModelSpec model, string[] fragments)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => model.Infer());
        foreach (var f in fragments) Assert.Contains(f, e.Message);
    }

    [Fact]
    public void Json_RoundTrip_GivesEqualModel()
    {
        var model = SmallConvNet() with
        {
            Layers = [.. SmallConvNet().Layers.Take(5), new Residual([new Dense(8192), new ActivationLayer("tanh")], 0.125) { Name = "block" }, .. SmallConvNet().Layers.Skip(5)],
        };
        string json = model.ToJson();
        var back = ModelSpec.FromJson(json);

        Assert.Equal(model, back);
        Assert.Equal(json, back.ToJson());
        Assert.Contains("\"type\": \"conv2d\"", json);
        Assert.Contains("\"branch_scale\": 0.125", json);
        Assert.Equal(model.Infer().Parameters.Select(p => (p.Name, p.Shape, p.InitializerSpec)),
                     back.Infer().Parameters.Select(p => (p.Name, p.Shape, p.InitializerSpec)));
    }

    [Fact]
    public void FromJson_OptionalFields_TakeDefaults()
    {
        var m = ModelSpec.FromJson("""{"input": [4], "layers": [{"type": "dense", "units": 2}]}""");
        Assert.Equal(new ModelSpec("model", FeatureShape.Features(4), [new Dense(2)]), m);
        Assert.Equal("glorot_uniform", m.WeightInitializer);
        Assert.Equal("zeros", m.BiasInitializer);
    }

    [Theory]
    [InlineData("{\"input\": [4], \"layers\": [{\"type\": \"dens\", \"units\": 2}]}", "$.layers[0].type", "unknown layer type 'dens'", "dense, conv2d, activation, flatten, residual, softmax")]
    [InlineData("{\"input\": [4], \"layers\": [{\"type\": \"dense\"}]}", "$.layers[0]", "\"units\" is missing")]
    [InlineData("{\"input\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 2.5}]}", "$.layers[0].units must be an integer")]
    [InlineData("{\"input\": [4], \"layers\": [{\"type\": \"dense\", \"unit\": 2}]}", "unknown property \"unit\"", "units, bias")]
    [InlineData("{\"input\": [4, 4], \"layers\": []}", "$.input", "1 dimension", "3")]
    [InlineData("{\"layers\": []}", "\"input\" is missing")]
    [InlineData("{\"input\": [4], \"layers\": [], \"rules\": [{\"pattern\": \"*\"}]}", "$.rules[0]", "\"init\" is missing")]
    [InlineData("{\"input\": [4], \"layers\": [{\"type\": \"residual\", \"branch\": [{\"type\": \"activation\", \"activation\": 3}]}]}", "$.layers[0].branch[0].activation must be a string")]
    [InlineData("{\"input\": [4], \"layers\": [", "malformed")]
    public void FromJson_BadInput_MessageGivesPathAndChoices(string json, params string[] fragments)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => ModelSpec.FromJson(json));
        foreach (var f in fragments) Assert.Contains(f, e.Message);
    }

    [Fact]
    public void Parse_Mlp_ExpandsRepeatsAndPlacesActivations()
    {
        var m = ModelSpec.Parse("mlp:784-1000x5-10:tanh");

        Assert.Equal(FeatureShape.Features(784), m.Input);
        Assert.Equal(11, m.Layers.Count);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(new Dense(1000), m.Layers[2 * i]);
            Assert.Equal(new ActivationLayer("tanh"), m.Layers[2 * i + 1]);
        }
        Assert.Equal(new Dense(10), m.Layers[10]);
        Assert.Equal("glorot_uniform", m.WeightInitializer);
        var shapes = m.Infer();
        Assert.Equal([1000, 784], shapes.Parameter("layer0.weight").Shape.Dimensions);
        Assert.Equal([10, 1000], shapes.Parameter("layer10.weight").Shape.Dimensions);
    }

    [Fact]
    public void Parse_MlpWithOptions_ReadsInitBiasSoftmaxAndParameterizedActivation()
    {
        var m = ModelSpec.Parse("mlp:100-50-20-3:leaky_relu:0.2:init=he_normal(negative_slope=0.2, mode=fan_out):bias_init=constant(value=0.5):softmax");

        Assert.Equal(new ActivationLayer("leaky_relu:0.2"), m.Layers[1]);
        Assert.Equal("he_normal(negative_slope=0.2, mode=fan_out)", m.WeightInitializer);
        Assert.Equal("constant(value=0.5)", m.BiasInitializer);
        Assert.IsType<Softmax>(m.Layers[^1]);
        Assert.Equal(new VarianceScaling(2 / 1.04, FanMode.FanOut, VarianceDistribution.Normal), m.Infer().Parameter("layer0.weight").Initializer);

        var colonInside = ModelSpec.Parse("mlp:8-4-2:tanh:init=glorot_uniform(gain=leaky_relu:0.2):bias=false");
        Assert.Equal("glorot_uniform(gain=leaky_relu:0.2)", colonInside.WeightInitializer);
        Assert.Equal(new Dense(4, Bias: false), colonInside.Layers[0]);
        Assert.Equal(new ModelSpec("mlp:784-10", FeatureShape.Features(784), [new Dense(10)]), ModelSpec.Parse("mlp:784-10"));
    }

    [Theory]
    [InlineData("resmlp:64x8:relu", 1.0)]
    [InlineData("resmlp:64x8:relu:scale=0.25", 0.25)]
    [InlineData("resmlp:64x8:relu:scale=1/sqrt(L)", 0.35355339059327373)]
    [InlineData("resmlp:64x8:relu:scale=1/sqrt(2L)", 0.25)]
    [InlineData("resmlp:64x8:relu:scale=1/L", 0.125)]
    public void Parse_ResMlp_BuildsDepthBlocksWithScale(string text, double scale)
    {
        var m = ModelSpec.Parse(text);

        Assert.Equal(8, m.Layers.Count);
        var block = Assert.IsType<Residual>(m.Layers[3]);
        Assert.Equal(scale, block.BranchScale, 15);
        Assert.Equal([new Dense(64), new ActivationLayer("relu"), new Dense(64)], block.Branch);
        Assert.Equal(FeatureShape.Features(64), m.Infer().Output);
    }

    [Fact]
    public void Parse_ResMlpWithOut_AddsHead()
    {
        var m = ModelSpec.Parse("resmlp:16x2:tanh:out=10:init=orthogonal");
        Assert.Equal(new Dense(10), m.Layers[^1]);
        Assert.Equal("orthogonal", m.WeightInitializer);
        Assert.Equal(FeatureShape.Features(10), m.Infer().Output);
    }

    [Theory]
    [InlineData("mlp:784-1000x5-10", "need an activation")]
    [InlineData("mlp:784", "at least an input and an output width")]
    [InlineData("mlp:784-abc-10:tanh", "hidden width 'abc'")]
    [InlineData("mlp:784-100x0-10:tanh", "repeat count '0'")]
    [InlineData("mlp:784-100-10:tnah", "Unknown activation 'tnah'")]
    [InlineData("mlp:784-100-10:tanh:depth=3", "unknown option 'depth'", "init, bias_init, bias")]
    [InlineData("mlp:784-100-10:tanh:bias=maybe", "bias must be true or false")]
    [InlineData("resmlp:64:relu", "WIDTHxDEPTH")]
    [InlineData("resmlp:64x4", "missing the activation")]
    [InlineData("resmlp:64x4:relu:scale=big", "scale must be a number or 1/sqrt(L)")]
    [InlineData("cnn:3x32x32", "Cannot read model", "mlp:784-1000x5-10:tanh", "no such file")]
    public void Parse_BadInline_MessageNamesProblemAndForms(string text, params string[] fragments)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => ModelSpec.Parse(text));
        foreach (var f in fragments) Assert.Contains(f, e.Message);
    }

    [Fact]
    public void Parse_FilePath_ReadsJsonOrInline()
    {
        string dir = Path.Combine(Path.GetTempPath(), "weightinit-modelspec-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var model = SmallConvNet();
            string jsonPath = Path.Combine(dir, "model.json"), inlinePath = Path.Combine(dir, "model.txt"), badPath = Path.Combine(dir, "bad.txt");
            File.WriteAllText(jsonPath, model.ToJson());
            File.WriteAllText(inlinePath, "mlp:4-3-2:relu\n");
            File.WriteAllText(badPath, "hello");

            Assert.Equal(model, ModelSpec.Parse(jsonPath));
            Assert.Equal(ModelSpec.Parse("mlp:4-3-2:relu"), ModelSpec.Parse(inlinePath));
            Assert.Equal(model, ModelSpec.Parse(model.ToJson(indented: false)));
            var e = Assert.Throws<ArgumentException>(() => ModelSpec.Parse(badPath));
            Assert.Contains("holds neither JSON", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("784", 784, 1, 1, false)]
    [InlineData("3x32x32", 3, 32, 32, true)]
    [InlineData("[3, 28, 28]", 3, 28, 28, true)]
    public void FeatureShape_Parse_ReadsFlatAndImage(string text, int c, int h, int w, bool spatial)
    {
        var s = FeatureShape.Parse(text);
        Assert.Equal((c, h, w, spatial), (s.Channels, s.Height, s.Width, s.IsSpatial));
        Assert.Equal(s, FeatureShape.Parse(s.ToString()));
    }

    [Theory]
    [InlineData("3x32")]
    [InlineData("0")]
    [InlineData("a")]
    public void FeatureShape_ParseBad_Throws(string text) =>
        Assert.Contains("expected", Assert.Throws<FormatException>(() => FeatureShape.Parse(text)).Message);
}
