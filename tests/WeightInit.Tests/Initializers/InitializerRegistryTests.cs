using WeightInit.Initializers;
using WeightInit.Random;
using WeightInit.Shapes;

namespace WeightInit.Tests.Initializers;

public class InitializerRegistryTests
{
    public static IEnumerable<object[]> Names() => InitializerRegistry.All.Select(i => new object[] { i.Name });

    // Entries with a required argument (sparse), or a fan the shape cannot carry (pytorch_bias: the owning weight's fan_in).
    private static string MinimalSpec(string name) => name switch
    {
        "sparse" => "sparse(sparsity=0.1)",
        "pytorch_bias" => "pytorch_bias(fan_in=64)",
        _ => name,
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Spec_RoundTrips_ToAnEqualInitializer(string name)
    {
        var init = InitializerRegistry.Parse(MinimalSpec(name));
        var again = InitializerRegistry.Parse(init.Spec);
        Assert.Equal(init, again);
        Assert.Equal(init.Spec, again.Spec);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Json_RoundTrips(string name)
    {
        var init = InitializerRegistry.Parse(MinimalSpec(name));
        string json = System.Text.Json.JsonSerializer.Serialize(init);
        Assert.Equal(init, System.Text.Json.JsonSerializer.Deserialize<Initializer>(json));
    }

    [Fact]
    public void Json_ObjectForm_Parses()
    {
        var init = System.Text.Json.JsonSerializer.Deserialize<Initializer>("{\"name\": \"kaiming_normal\", \"mode\": \"fan_out\", \"a\": 0.2}");
        Assert.Equal(InitializerRegistry.Parse("he_normal(negative_slope=0.2, mode=fan_out)"), init);
        var ex = Assert.Throws<System.Text.Json.JsonException>(() => System.Text.Json.JsonSerializer.Deserialize<Initializer>("{\"mode\": \"fan_out\"}"));
        Assert.Contains("needs a \"name\"", ex.Message);
    }

    [Theory]
    [InlineData("xavier_uniform", "glorot_uniform")]
    [InlineData("trunc_normal(std=0.02, a=-2, b=2, bounds=sigma)", "truncated_normal(std=0.02, lower=-2, upper=2, unit=sigma)")]
    [InlineData("kaiming_normal(mode=fan_out, nonlinearity=leaky_relu, negative_slope=0.2)", "he_normal(negative_slope=0.2, mode=fan_out)")]
    [InlineData("GlorotUniform", "glorot_uniform")]
    [InlineData("kaiming_normal(a=0.25, mode=fan_out)", "he_normal(negative_slope=0.25, mode=fan_out)")]
    [InlineData("msra", "he_normal")]
    [InlineData("eye", "identity")]
    [InlineData("trunc_normal(std=0.02, a=-0.04, b=0.04)", "truncated_normal(std=0.02, lower=-0.04, upper=0.04, unit=absolute)")]
    [InlineData("caffe.xavier(variance_norm=AVERAGE)", "variance_scaling(scale=1, mode=fan_avg, distribution=uniform, fans=caffe)")]
    [InlineData("kaiming_uniform(a=sqrt(5))", "he_uniform(negative_slope=2.23606797749979)")]
    [InlineData("kaiming_normal(nonlinearity=tanh)", "variance_scaling(scale=2.7777777777777777, mode=fan_in, distribution=normal)")]
    [InlineData("kaiming_normal(nonlinearity=relu)", "he_normal")]
    [InlineData("kaiming_uniform(nonlinearity=leaky_relu, a=0.2)", "he_uniform(negative_slope=0.2)")]
    [InlineData("kaiming_normal(nonlinearity=linear)", "lecun_normal")]
    [InlineData("xavier_uniform(gain=tanh)", "glorot_uniform(gain=1.6666666666666667)")]
    public void Aliases_BuildTheSameInitializer(string alias, string canonical) =>
        Assert.Equal(InitializerRegistry.Parse(canonical), InitializerRegistry.Parse(alias));

    // TensorFlow/Keras: VarianceScaling(scale, mode, 'truncated_normal') draws N(0, σ²) cut at ±2σ with
    // σ = √(scale/n) / 0.87962566103423978 (the std of N(0,1) truncated to (−2, 2)); GlorotNormal = (1, fan_avg),
    // HeNormal = (2, fan_in), LecunNormal = (1, fan_in). Keras layout [kh, kw, in, out] = [3, 3, 16, 32]: n_in 144, n_out 288.
    private const double KerasTruncatedStd = 0.87962566103423978;

    [Theory]
    [InlineData("GlorotNormal", 1.0, 2.0 / (144 + 288))]
    [InlineData("HeNormal", 2.0, 1.0 / 144)]
    [InlineData("LecunNormal", 1.0, 1.0 / 144)]
    public void KerasClassNames_AreKerasTruncatedNormals(string name, double scale, double inverseFan)
    {
        var shape = new WeightShape([3, 3, 16, 32], WeightLayout.KernelInOut);
        var d = Assert.IsType<WeightInit.Sampling.TruncatedNormalDistribution>(InitializerRegistry.Parse(name).DistributionFor(shape));

        Assert.Equal(WeightInit.Sampling.BoundUnit.StandardDeviations, d.Unit);
        Assert.Equal((-2.0, 2.0), (d.Lower, d.Upper));
        Assert.Equal(0.0, d.Mean);
        double expected = Math.Sqrt(scale * inverseFan) / KerasTruncatedStd;
        Assert.True(Math.Abs(d.StdDev - expected) <= 4e-16 * expected, $"{name}: σ = {d.StdDev:R}, Keras {expected:R}");
    }

    [Theory]
    [InlineData("glorot_normal", "glorot_normal")]
    [InlineData("Glorot_Normal", "glorot_normal")]
    [InlineData("glorot-normal", "glorot_normal")]
    [InlineData("xavier_normal", "glorot_normal")]
    [InlineData("he_normal", "he_normal")]
    [InlineData("HE_NORMAL", "he_normal")]
    [InlineData("kaiming_normal", "he_normal")]
    [InlineData("lecun_normal", "lecun_normal")]
    [InlineData("GlorotNormal", "glorot_truncated_normal")]
    [InlineData("HeNormal", "he_truncated_normal")]
    [InlineData("LecunNormal", "lecun_truncated_normal")]
    [InlineData("GlorotUniform", "glorot_uniform")]
    [InlineData("glorotuniform", "glorot_uniform")]
    public void SharedKeys_ResolveBySpelling(string name, string entry) =>
        Assert.Equal(entry, InitializerRegistry.Find(name).Name);

    [Theory]
    [InlineData("glorotnormal", "glorot_truncated_normal", "glorot_normal")]
    [InlineData("GLOROTNORMAL", "glorot_truncated_normal", "glorot_normal")]
    [InlineData("heNormal", "he_truncated_normal", "he_normal")]
    [InlineData("lecunnormal", "lecun_truncated_normal", "lecun_normal")]
    public void SharedKeys_OtherSpellings_AreRefusedNamingBoth(string name, string truncated, string untruncated)
    {
        var e = Assert.Throws<ArgumentException>(() => InitializerRegistry.Parse(name));
        Assert.Contains($"'{name}' is ambiguous", e.Message);
        Assert.Contains($"= {truncated} is ±2σ truncated normal", e.Message);
        Assert.Contains($"{untruncated} is N(0,", e.Message);
    }

    [Fact]
    public void EveryListedSpelling_ResolvesToItsEntry()
    {
        foreach (var info in InitializerRegistry.All)
            foreach (var spelling in info.Aliases.Prepend(info.Name))
                Assert.Same(info, InitializerRegistry.Find(spelling));
    }

    [Theory]
    [InlineData("glorot_uniformm", "Unknown initializer 'glorot_uniformm'. Valid names: variance_scaling")]
    [InlineData("he_normal(mode=sideways)", "must be fan_in, fan_out or fan_avg")]
    [InlineData("he_normal(scale=2)", "he_normal has no argument 'scale'. Valid arguments: negative_slope (a, slope, alpha), mode (variance_norm), nonlinearity, gain")]
    [InlineData("kaiming_normal(nonlinearity=swishy)", "unknown nonlinearity 'swishy'")]
    [InlineData("normal(std=abc)", "'std' must be a finite number")]
    [InlineData("normal(std=1", "missing ')'")]
    [InlineData("sparse", "sparse needs the argument 'sparsity'")]
    [InlineData("uniform(low=1, high=0)", "Low < High")]
    public void BadSpecs_ClearMessages(string spec, string expected) =>
        Assert.Contains(expected, Assert.ThrowsAny<ArgumentException>(() => InitializerRegistry.Parse(spec)).Message);

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryInitializer_FillsEveryElementType_Consistently(string name)
    {
        var init = InitializerRegistry.Parse(MinimalSpec(name));
        var shape = name.Contains("bilinear") || name == "dirac" ? WeightShape.OutIn(4, 4, 3, 3) : name == "identity" || name == "sparse" ? WeightShape.OutIn(12, 12) : WeightShape.OutIn(16, 8, 3);
        var key = PhiloxKey.FromSeed(3).Fold(name);
        var f = init.CreateSingle(key, shape);
        var h = new Half[f.Length]; init.Fill(key, shape, h);
        Assert.All(f, v => Assert.True(float.IsFinite(v)));
        for (int i = 0; i < f.Length; i++) Assert.Equal((Half)f[i], h[i]);
    }
}
