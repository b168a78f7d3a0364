using System.Diagnostics;
using WeightInit.Random;
using WeightInit.Sampling;

// A quick fill timer for comparing two builds side by side (BenchmarkDotNet's FillBenchmarks is the thorough version):
//   dotnet run -c Release --project bench/WeightInit.FillTimer -- [threads=1] [cases=all] [types=all] [size=16777216]
// e.g. `-- 2 uniform,trunc2 f32,bf16`. Each line is the best of 5 fills of a touched buffer after 0.5 s of untimed fills.
// To time an older commit, copy this folder into a checkout of it and run it there.
int threads = args.Length > 0 ? int.Parse(args[0]) : 1;
string[]? onlyCases = args.Length > 1 && args[1] != "all" ? args[1].Split(',') : null;
string[]? onlyTypes = args.Length > 2 && args[2] != "all" ? args[2].Split(',') : null;
int n = args.Length > 3 ? int.Parse(args[3]) : 1 << 24;
var options = new SamplingOptions { MaxThreads = threads };
var key = PhiloxKey.FromSeed(1).Fold("fill-timer");
var f32 = new float[n]; var f64 = new double[n]; var f16 = new Half[n]; var bf16 = new ushort[n];
(string Name, Distribution Distribution)[] cases =
[
    ("uniform", new UniformDistribution(-1, 1)),
    ("normal", new NormalDistribution(0, 1)),
    ("trunc2", new TruncatedNormalDistribution(0, 1)),                 // ±2σ: about one value in nine takes AS 241's tail branch
    ("truncC", new TruncatedNormalDistribution(0, 1, -0.3, 0.3)),      // central branch only
    ("truncT", new TruncatedNormalDistribution(0, 1, 3, 6)),           // tail branch only
];
foreach (var (name, d) in cases)
{
    if (onlyCases is not null && !onlyCases.Contains(name)) continue;
    foreach (var type in new[] { "f32", "f64", "f16", "bf16" })
    {
        if (onlyTypes is not null && !onlyTypes.Contains(type)) continue;
        Action fill = type switch
        {
            "f32" => () => d.Fill(key, f32, 0, options),
            "f64" => () => d.Fill(key, f64, 0, options),
            "f16" => () => d.Fill(key, f16, 0, options),
            _ => () => d.FillBFloat16Bits(key, bf16, 0, options),
        };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < 0.5) fill();
        double best = double.MaxValue;
        for (int r = 0; r < 5; r++)
        {
            clock.Restart();
            fill();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"{name,-8} {type,-5} {n / best / 1e9:F3} G/s");
    }
}
