using System.Globalization;
using WeightInit.Sampling;
using WeightInit.Tests.Oracles;

namespace WeightInit.Tests.Sampling;

/// <summary>The truncated normal's stated law for any bounds: moments and distribution function against mpmath at 400 digits.</summary>
public class TruncatedNormalTailTests
{
    // Far in both tails, narrow anywhere, wide, one-sided; α, β are passed to mpmath as the exact doubles.
    public static readonly (double Alpha, double Beta)[] Intervals =
    [
        (-2, 2), (-1, 1.5), (-3, 10), (-50, 50), (double.NegativeInfinity, double.PositiveInfinity),
        (0, double.PositiveInfinity), (double.NegativeInfinity, 0.5), (-0.5, double.PositiveInfinity),
        (5, 6), (-6, -5), (5, 5.5), (20, 21), (-21, -20), (1, 40), (10, 1000),
        (37.5, 38), (-38, -37.5), (37.5, double.PositiveInfinity),
        (0.1, 0.1001), (-0.1001, -0.1), (0.1, 0.1 + 1e-10), (3, 3 + 1e-12), (-1e-8, 1e-8), (-1e-3, 2e-3), (-2e-3, 1e-3),
    ];

    public static IEnumerable<object[]> IntervalIndices() => Enumerable.Range(0, Intervals.Length).Select(i => new object[] { i });

    private static string Py(double x) => double.IsPositiveInfinity(x) ? "mpf('inf')" : double.IsNegativeInfinity(x) ? "mpf('-inf')" : $"mpf({x.ToString("R", CultureInfo.InvariantCulture)})";

    // Mean and variance by the closed forms, at 400 digits (enough for every cancellation in the table).
    private const string MpmathMoments = """
from mpmath import mp, mpf, npdf, ncdf, erfc, sqrt, isinf
mp.dps = 400
def Q(x): return mpf(0) if x == mpf('inf') else (mpf(1) if x == mpf('-inf') else erfc(x / sqrt(2)) / 2)
def pdf(x): return mpf(0) if isinf(x) else npdf(x)
def xpdf(x): return mpf(0) if isinf(x) else x * npdf(x)
def mass(a, b):
    # P(a < Z < b) from the side of the smaller tails (1 − 10⁻⁵⁴⁵ is 1 even at 400 digits)
    if a >= 0: return Q(a) - Q(b)
    if b <= 0: return Q(-b) - Q(-a)
    return 1 - Q(b) - Q(-a)
def moments(a, b):
    z = mass(a, b)
    m = (pdf(a) - pdf(b)) / z
    v = 1 + (xpdf(a) - xpdf(b)) / z - m * m
    return m, v
""";

    private static Lazy<Dictionary<int, (double Mean, double Variance)>> Reference { get; } = new(() =>
    {
        var script = MpmathMoments + "\n" + string.Join("\n", Intervals.Select((iv, i) =>
            $"m, v = moments({Py(iv.Alpha)}, {Py(iv.Beta)}); print({i}, mp.nstr(m, 25), mp.nstr(v, 25))"));
        var rows = Python.Run(script).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return rows.Select(r => r.Split(' ')).ToDictionary(p => int.Parse(p[0], CultureInfo.InvariantCulture),
            p => (double.Parse(p[1], CultureInfo.InvariantCulture), double.Parse(p[2], CultureInfo.InvariantCulture)));
    });

    [OracleTheory(Oracle.Mpmath)]
    [MemberData(nameof(IntervalIndices))]
    public void Moments_AnyBounds_MatchMpmath(int index)
    {
        var (alpha, beta) = Intervals[index];
        var (mean, variance) = Reference.Value[index];
        var d = new TruncatedNormalDistribution(0, 1, alpha, beta);
        double sd = Math.Sqrt(variance);
        // 1e-12 relative: the issue asks for 1e-9; the quadrature gives about 1e-15.
        Assert.True(Math.Abs(d.Expectation - mean) <= 1e-12 * Math.Max(Math.Abs(mean), sd), $"({alpha}, {beta}): mean {d.Expectation:R} vs mpmath {mean:R}");
        Assert.True(Math.Abs(d.Variance - variance) <= 1e-12 * variance, $"({alpha}, {beta}): variance {d.Variance:R} vs mpmath {variance:R}");
    }

    [OracleTheory(Oracle.Mpmath)]
    [InlineData(37.5, 38.0)]
    [InlineData(-38.0, -37.5)]
    [InlineData(0.1, 0.1001)]
    [InlineData(-2.0, 2.0)]
    [InlineData(-1e-8, 1e-8)]
    [InlineData(0.0, double.PositiveInfinity)]
    public void Cdf_AnyBounds_MatchesMpmath(double alpha, double beta)
    {
        var d = new TruncatedNormalDistribution(0, 1, alpha, beta);
        // Points at quantiles 1/8 … 7/8 of a rough scale: the near bound plus multiples of the width or of 1/|near bound|.
        double lo = double.IsNegativeInfinity(alpha) ? beta - 8 : alpha, hi = double.IsPositiveInfinity(beta) ? alpha + 8 / Math.Max(1, Math.Abs(alpha)) : beta;
        var points = Enumerable.Range(1, 7).Select(k => lo + (hi - lo) * k / 8).ToArray();
        var script = MpmathMoments + "\n" + $"a, b = {Py(alpha)}, {Py(beta)}\n" +
            string.Join("\n", points.Select(x => $"print(mp.nstr(mass(a, {Py(x)}) / mass(a, b), 25))"));
        var expected = Python.Run(script).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        for (int i = 0; i < points.Length; i++)
            Assert.True(Math.Abs(d.Cdf(points[i]) - expected[i]) <= 1e-12, $"({alpha}, {beta}) F({points[i]:R}) = {d.Cdf(points[i]):R} vs mpmath {expected[i]:R}");
    }
}
