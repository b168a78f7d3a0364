using System.Globalization;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Initializers;

/// <summary>The spellings used in specifications: snake_case words, invariant numbers.</summary>
internal static class SpecText
{
    public static string Of(FanMode mode) => mode switch { FanMode.FanIn => "fan_in", FanMode.FanOut => "fan_out", _ => "fan_avg" };

    public static string Of(VarianceDistribution d) => d switch
    {
        VarianceDistribution.Uniform => "uniform",
        VarianceDistribution.Normal => "normal",
        _ => "truncated_normal",
    };

    public static string Of(BoundUnit unit) => unit == BoundUnit.Absolute ? "absolute" : "sigma";

    public static string Of(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
