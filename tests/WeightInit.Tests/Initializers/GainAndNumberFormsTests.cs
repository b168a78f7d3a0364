using WeightInit.Initializers;

namespace WeightInit.Tests.Initializers;

/// <summary>Every gain parameter takes a number, an expression or an activation name; every number parameter takes the same expressions.</summary>
public class GainAndNumberFormsTests
{
    [Theory]
    [InlineData("xavier_uniform(gain=sqrt(2))", "variance_scaling(scale=2.0000000000000004, mode=fan_avg, distribution=uniform)")] // (√2)² in double
    [InlineData("xavier_uniform(gain=relu)", "variance_scaling(scale=2.0000000000000004, mode=fan_avg, distribution=uniform)")]    // calculate_gain('relu') = √2
    [InlineData("orthogonal(gain=sqrt(2))", "orthogonal(gain=1.4142135623730951)")]
    [InlineData("orthogonal(gain=relu)", "orthogonal(gain=1.4142135623730951)")]
    [InlineData("identity(gain=relu)", "identity(gain=1.4142135623730951)")]
    [InlineData("identity(gain=tanh)", "identity(gain=1.6666666666666667)")]                                                   // 5/3
    [InlineData("delta_orthogonal(gain=1/sqrt(2))", "delta_orthogonal(gain=0.7071067811865475)")]
    [InlineData("he_normal(a=sqrt(5))", "variance_scaling(scale=0.33333333333333326, mode=fan_in, distribution=normal)")]         // 2/(1+(√5)²), (√5)² = 5.000000000000001 in double
    [InlineData("uniform(low=-1/sqrt(4), high=sqrt(4)/4)", "uniform(low=-0.5, high=0.5)")]
    [InlineData("normal(std=1/sqrt(100))", "normal(mean=0, std=0.1)")]
    public void Forms_ParseToTheSameTypedInitializer(string spec, string canonical) =>
        Assert.Equal(canonical, InitializerRegistry.Parse(spec).Spec);
}
