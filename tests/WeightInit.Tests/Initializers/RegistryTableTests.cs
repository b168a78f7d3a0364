using WeightInit.Initializers;
using WeightInit.Numerics;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Shapes;
using WeightInit.Tests.Sampling;

namespace WeightInit.Tests.Initializers;

/// <summary>One table over every registry entry × element type × shape: shape honoured, finite, deterministic, moments and KS.</summary>
public class RegistryTableTests
{
    private static readonly WeightShape[] Shapes =
    [
        WeightShape.OutIn(64, 32, 3, 3),
        new WeightShape([3, 3, 48, 96], WeightLayout.KernelInOut),
        WeightShape.OutIn(300, 200),
    ];

    private static readonly string[] DTypes = ["f32", "f64", "f16", "bf16"];

    public static IEnumerable<object[]> Cases() =>
        from info in InitializerRegistry.All
        from dtype in DTypes
        select new object[] { info.Name, dtype };

    // Entries with a required argument (sparse), or a fan the shape cannot carry (pytorch_bias: the owning weight's fan_in).
    private static string Spec(string name) => name switch
    {
        "sparse" => "sparse(sparsity=0.25)",
        "pytorch_bias" => "pytorch_bias(fan_in=64)",
        _ => name,
    };

    private static double[] Fill(Initializer init, PhiloxKey key, WeightShape shape, string dtype)
    {
        int n = (int)shape.ElementCount;
        switch (dtype)
        {
            case "f32": { var a = new float[n]; init.Fill(key, shape, a); return a.Select(v => (double)v).ToArray(); }
            case "f64": { var a = new double[n]; init.Fill(key, shape, a); return a; }
            case "f16": { var a = new Half[n]; init.Fill(key, shape, a); return a.Select(v => (double)v).ToArray(); }
            default: { var a = new ushort[n]; init.FillBFloat16Bits(key, shape, a); return a.Select(v => (double)ElementConversion.BFloat16BitsToSingle(v)).ToArray(); }
        }
    }

    private static bool Applicable(string name, WeightShape shape) => name switch
    {
        "identity" or "sparse" => shape.Rank == 2,
        "dirac" or "delta_orthogonal" or "bilinear" or "caffe.bilinear" => shape.Rank == 4 && shape.Layout == WeightLayout.OutInKernel && (!name.Contains("bilinear") || shape.Dimensions[2] == shape.Dimensions[3]),
        _ => true,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryEntry_EveryDType_ShapeFiniteDeterministicMomentsAndKs(string name, string dtype)
    {
        var init = InitializerRegistry.Parse(Spec(name));
        foreach (var shape in Shapes.Where(s => Applicable(name, s)))
        {
            var key = PhiloxKey.FromSeed(99).Fold($"{name}/{shape}");
            var x = Fill(init, key, shape, dtype);
            Assert.Equal(shape.ElementCount, x.Length);
            Assert.All(x, v => Assert.True(double.IsFinite(v), $"{name} {dtype} {shape}: {v}"));
            Assert.Equal(x, Fill(init, key, shape, dtype));
            if (init.DistributionFor(shape) is not { } d) continue;
            int n = x.Length;
            double mean = x.Average();
            double variance = x.Sum(v => (v - mean) * (v - mean)) / (n - 1);
            double m4 = x.Sum(v => Math.Pow(v - mean, 4)) / n;
            // Rounding to 16-bit types adds at most (relative half-ulp)² of the second moment to the variance.
            double rounding = dtype switch { "f16" => Math.Pow(2, -11), "bf16" => Math.Pow(2, -8), _ => 0 } * (d.Variance + d.Expectation * d.Expectation);
            double seMean = Math.Sqrt(d.Variance / n);
            double seVariance = Math.Sqrt(Math.Max(m4 - variance * variance, 0) / n);
            Assert.True(Math.Abs(mean - d.Expectation) < 6 * seMean + Math.Sqrt(rounding) * 1e-2,
                $"{name} {dtype} {shape}: mean {mean:G6} vs {d.Expectation:G6}");
            Assert.True(Math.Abs(variance - d.Variance) < 6 * seVariance + rounding,
                $"{name} {dtype} {shape}: variance {variance:G6} vs {d.Variance:G6}");
            if (d.Variance > 0)
            {
                var (stat, p) = KolmogorovSmirnov.Test(x, d.Cdf);
                Assert.True(p > 1e-4, $"{name} {dtype} {shape}: KS D = {stat:G4}, p = {p:G3}");
            }
        }
    }

    [Fact]
    [Trait("Category", "Simd")]
    public void SimdGuard_ElementsAroundDestination_Untouched()
    {
        // Fill the middle of a larger buffer: the guard values before and after must survive on every path.
        foreach (var d in SamplingCases.All.Values)
            foreach (int length in new[] { 1, 15, 16, 17, 63, 64, 65, 200 })
            {
                var buffer = new float[length + 16];
                Array.Fill(buffer, -12345f);
                d.Fill(SamplingCases.Key, buffer.AsSpan(8, length), 3);
                for (int i = 0; i < 8; i++) Assert.Equal(-12345f, buffer[i]);
                for (int i = 8 + length; i < buffer.Length; i++) Assert.Equal(-12345f, buffer[i]);
                var dbuffer = new double[length + 16];
                Array.Fill(dbuffer, -12345.0);
                d.Fill(SamplingCases.Key, dbuffer.AsSpan(8, length), 3);
                for (int i = 0; i < 8; i++) Assert.Equal(-12345.0, dbuffer[i]);
                for (int i = 8 + length; i < dbuffer.Length; i++) Assert.Equal(-12345.0, dbuffer[i]);
            }
    }
}
