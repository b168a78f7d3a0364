namespace WeightInit.Numerics;

/// <summary>The one-sample Kolmogorov–Smirnov test: the statistic D of a sample against a continuous CDF and its p-value.</summary>
/// <remarks>
/// p-values use Kolmogorov's limiting distribution Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²} at Stephens' (1970) finite-sample
/// argument λ = (√n + 0.12 + 0.11/√n)·D, accurate to about 1 % in p for n ≥ 5 — ample for accepting or rejecting at p = 10⁻⁴.
/// </remarks>
public static class KolmogorovSmirnov
{
    /// <summary>D = sup |F_n(x) − F(x)| of the sample against <paramref name="cdf"/>. The sample is copied and sorted.</summary>
    public static double Statistic(ReadOnlySpan<double> sample, Func<double, double> cdf)
    {
        ArgumentNullException.ThrowIfNull(cdf);
        if (sample.Length == 0) throw new ArgumentException("The KS statistic needs at least one value.", nameof(sample));
        var x = sample.ToArray();
        Array.Sort(x);
        double n = x.Length, d = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double f = cdf(x[i]);
            if (double.IsNaN(f)) throw new ArgumentException($"The CDF is NaN at {x[i]}.", nameof(cdf));
            d = Math.Max(d, Math.Max(f - i / n, (i + 1) / n - f));
        }
        return d;
    }

    /// <summary>Kolmogorov's limiting survival function Q(λ) = P(√n·D &gt; λ).</summary>
    public static double LimitingSurvival(double lambda)
    {
        if (double.IsNaN(lambda)) return double.NaN;
        if (lambda <= 0) return 1.0;
        if (lambda < 0.27) return 1.0; // 1 − Q(0.27) < 1e−16
        if (lambda < 1.0)
        {
            // Jacobi-transformed series, fast for small λ: 1 − (√(2π)/λ) Σ e^{−(2k−1)²π²/(8λ²)}.
            double s = 0;
            for (int k = 1; k <= 6; k++)
                s += Math.Exp(-(2 * k - 1) * (2 * k - 1) * Math.PI * Math.PI / (8 * lambda * lambda));
            return 1.0 - Math.Sqrt(2 * Math.PI) / lambda * s;
        }
        double sum = 0, sign = 1;
        for (int k = 1; k <= 100; k++)
        {
            double term = Math.Exp(-2.0 * k * k * lambda * lambda);
            sum += sign * term;
            if (term < 1e-17) break;
            sign = -sign;
        }
        return Math.Clamp(2 * sum, 0, 1);
    }

    /// <summary>The p-value of statistic <paramref name="d"/> for a sample of <paramref name="n"/> values (Stephens' approximation).</summary>
    public static double PValue(double d, long n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "The sample size must be positive.");
        double sqrtN = Math.Sqrt(n);
        return LimitingSurvival((sqrtN + 0.12 + 0.11 / sqrtN) * d);
    }

    /// <summary>The statistic and its p-value.</summary>
    public static (double Statistic, double PValue) Test(ReadOnlySpan<double> sample, Func<double, double> cdf)
    {
        double d = Statistic(sample, cdf);
        return (d, PValue(d, sample.Length));
    }
}
