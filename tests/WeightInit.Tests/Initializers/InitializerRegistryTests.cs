using WeightInit.Initializers;
using WeightInit.Random;
using WeightInit.Shapes;

namespace WeightInit.Tests.Initializers;

public class InitializerRegistryTests
{
    public static IEnumerable<object[]> Names() => InitializerRegistry.All.Select(i => new object[] { i.Name });

    private static string MinimalSpec(string name) => name == "sparse" ? "sparse(sparsity=0.1)" : name;

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
    [InlineData("xavier_uniform", "glorot_uniform")]
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
