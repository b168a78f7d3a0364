using System.Globalization;
using WeightInit.Sampling;

namespace WeightInit.Cli;

/// <summary>A distribution written as a person writes it: <c>N(0, 0.0123²)</c>, <c>U[-0.05, 0.05)</c>, <c>TN(0, 0.02²; [-0.04, 0.04])</c>.</summary>
internal static class LawText
{
    /// <summary>Significant digits shown (the exact values are in the spec and the statistics table).</summary>
    private const string Format = "G6";

    /// <summary>The law of <paramref name="distribution"/> in the usual notation, with its standard deviation where the notation does not show it.</summary>
    public static string Of(Distribution distribution) => distribution switch
    {
        UniformDistribution u => $"U[{N(u.Low)}, {N(u.High)}), std {N(u.StandardDeviation)}",
        NormalDistribution n => $"N({N(n.Mean)}, {N(n.StdDev)}²)",
        TruncatedNormalDistribution t =>
            $"TN({N(t.Mean)}, {N(t.StdDev)}²; ({N(t.AbsoluteLower)}, {N(t.AbsoluteUpper)})), bounds {N(t.Alpha)}σ and {N(t.Beta)}σ, std {N(t.StandardDeviation)}",
        _ => $"mean {N(distribution.Expectation)}, std {N(distribution.StandardDeviation)}",
    };

    private static string N(double x) => x.ToString(Format, CultureInfo.InvariantCulture);
}
