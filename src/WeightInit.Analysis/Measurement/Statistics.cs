namespace WeightInit.Analysis.Measurement;

/// <summary>Summary statistics of one tensor (a layer's activations or gradients over a batch).</summary>
/// <param name="Count">Values summarised.</param>
/// <param name="NonFinite">Values that were NaN or ±∞ (float32 overflow); the other statistics exclude them.</param>
/// <param name="Mean">Mean of the finite values.</param>
/// <param name="Variance">Variance of the finite values (divisor n − 1).</param>
/// <param name="P2">2nd percentile.</param>
/// <param name="P50">Median.</param>
/// <param name="P98">98th percentile.</param>
/// <param name="Saturated">Fraction of values counted as saturated by the caller's rule (NaN when no rule was given).</param>
public sealed record TensorStatistics(long Count, long NonFinite, double Mean, double Variance, double P2, double P50, double P98, double Saturated)
{
    /// <summary>√Variance.</summary>
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>True when any value overflowed.</summary>
    public bool Overflowed => NonFinite > 0;

    /// <summary>Computes the statistics; <paramref name="saturated"/> marks saturated values (e.g. |tanh(x)| &gt; 0.99), or null.</summary>
    /// <remarks>Sums run in double in index order, so the result is deterministic. Percentiles use the nearest-rank rule on the sorted finite values.</remarks>
    public static TensorStatistics Of(ReadOnlySpan<float> values, Func<float, bool>? saturated = null)
    {
        var finite = new List<float>(values.Length);
        long bad = 0, sat = 0;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) { bad++; continue; }
            finite.Add(v);
            if (saturated is not null && saturated(v)) sat++;
        }
        if (finite.Count == 0) return new TensorStatistics(values.Length, bad, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double mean = 0;
        foreach (float v in finite) mean += v;
        mean /= finite.Count;
        double ss = 0;
        foreach (float v in finite) ss += (v - mean) * (v - mean);
        double variance = finite.Count > 1 ? ss / (finite.Count - 1) : 0;
        finite.Sort();
        double Percentile(double p) => finite[Math.Clamp((int)Math.Ceiling(p / 100 * finite.Count) - 1, 0, finite.Count - 1)];
        return new TensorStatistics(values.Length, bad, mean, variance, Percentile(2), Percentile(50), Percentile(98),
            saturated is null ? double.NaN : (double)sat / finite.Count);
    }

    /// <summary>Counts of the finite values in equal bins over [low, high] (values outside are clamped into the end bins), as fractions.</summary>
    public static double[] Histogram(ReadOnlySpan<float> values, double low, double high, int bins)
    {
        if (!(high > low) || bins < 1) throw new ArgumentException($"A histogram needs low < high and at least one bin; got [{low}, {high}], {bins} bins.");
        var counts = new double[bins];
        long n = 0;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            int b = (int)Math.Floor((v - low) / (high - low) * bins);
            counts[Math.Clamp(b, 0, bins - 1)]++;
            n++;
        }
        if (n > 0) for (int i = 0; i < bins; i++) counts[i] /= n;
        return counts;
    }
}
