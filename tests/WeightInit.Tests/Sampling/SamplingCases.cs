using WeightInit.Random;
using WeightInit.Sampling;

namespace WeightInit.Tests.Sampling;

/// <summary>The distributions every sampling test runs over: each kernel and each truncation regime.</summary>
public static class SamplingCases
{
    public static readonly PhiloxKey Key = PhiloxKey.FromSeed(20240229).Fold("sampling.tests");

    public static readonly Dictionary<string, Distribution> All = new()
    {
        ["uniform[-1,1)"] = new UniformDistribution(-1, 1),
        ["uniform[3,3.5)"] = new UniformDistribution(3, 3.5),
        ["normal(0,1)"] = new NormalDistribution(0, 1),
        ["normal(2,0.5)"] = new NormalDistribution(2, 0.5),
        ["truncnormal(±2σ)"] = new TruncatedNormalDistribution(0, 1, -2, 2),
        ["truncnormal[5σ,6σ]"] = new TruncatedNormalDistribution(0, 1, 5, 6),
        ["truncnormal[-6σ,-5σ]"] = new TruncatedNormalDistribution(0, 1, -6, -5),
        ["truncnormal(±0.001σ)"] = new TruncatedNormalDistribution(0, 1, -0.001, 0.001),
        ["truncnormal[-38σ,-37σ]"] = new TruncatedNormalDistribution(0, 1, -38, -37),
        ["truncnormal(0.1,0.02;abs -0.05,0.3)"] = new TruncatedNormalDistribution(0.1, 0.02, -0.05, 0.3, BoundUnit.Absolute),
        ["truncnormal[0,∞)"] = new TruncatedNormalDistribution(0, 1, 0, double.PositiveInfinity),
        // Beyond 37.5σ Φ's tail underflows: [37.5σ, 38σ] by the inverse CDF, the others by the tail form.
        ["truncnormal[37.5σ,38σ]"] = new TruncatedNormalDistribution(0, 1, 37.5, 38),
        ["truncnormal[38σ,38.3σ]"] = new TruncatedNormalDistribution(0, 1, 38, 38.3),
        ["truncnormal[-60σ,-50σ]"] = new TruncatedNormalDistribution(0, 1, -60, -50),
        ["truncnormal(0,0.01;abs 0.5,0.6)"] = new TruncatedNormalDistribution(0, 0.01, 0.5, 0.6, BoundUnit.Absolute),
        ["truncnormal[40σ,∞)"] = new TruncatedNormalDistribution(0, 1, 40, double.PositiveInfinity),
    };

    public static IEnumerable<object[]> Names() => All.Keys.Select(k => new object[] { k });
}
