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
    /// <remarks>Sums run in double in index order, so the result is deterministic. Percentiles use the nearest-rank rule on the
    /// finite values: the value of rank ⌈p/100·n⌉ in sorted order, found by selection (expected linear time, the same value a
    /// full sort gives).</remarks>
    public static TensorStatistics Of(ReadOnlySpan<float> values, Func<float, bool>? saturated = null)
    {
        float[] buffer = System.Buffers.ArrayPool<float>.Shared.Rent(Math.Max(1, values.Length));
        try
        {
            int count = 0;
            long bad = 0, sat = 0;
            double mean = 0;
            foreach (float v in values)
            {
                if (!float.IsFinite(v)) { bad++; continue; }
                buffer[count++] = v;
                mean += v;
                if (saturated is not null && saturated(v)) sat++;
            }
            if (count == 0) return new TensorStatistics(values.Length, bad, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
            mean /= count;
            double ss = 0;
            for (int i = 0; i < count; i++) ss += (buffer[i] - mean) * (buffer[i] - mean);
            double variance = count > 1 ? ss / (count - 1) : 0;
            var finite = buffer.AsSpan(0, count);
            int Rank(double p) => Math.Clamp((int)Math.Ceiling(p / 100 * count) - 1, 0, count - 1);
            int r2 = Rank(2), r50 = Rank(50), r98 = Rank(98);
            // Select the median first; the 2nd and 98th percentiles then lie in the parts on either side of it.
            float p50 = OrderStatistics.Select(finite, r50);
            float p2 = OrderStatistics.Select(finite[..(r50 + 1)], r2);
            float p98 = r98 == r50 ? p50 : OrderStatistics.Select(finite[r50..], r98 - r50);
            return new TensorStatistics(values.Length, bad, mean, variance, p2, p50, p98,
                saturated is null ? double.NaN : (double)sat / count);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(buffer);
        }
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

/// <summary>Selection of the k-th smallest value in place (Hoare's quickselect with median-of-three pivots, falling back to a sort).</summary>
internal static class OrderStatistics
{
    /// <summary>Rearranges <paramref name="values"/> so that index <paramref name="k"/> holds the value a full ascending sort puts there,
    /// smaller-or-equal values before it and greater-or-equal after it; returns that value.</summary>
    /// <remarks>Deterministic; expected linear time. After 2·log₂(n) partitions without finishing, the remaining range is sorted,
    /// so the worst case stays O(n log n). Values must be finite (no NaN).</remarks>
    public static float Select(Span<float> values, int k)
    {
        if ((uint)k >= (uint)values.Length) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must lie in [0, {values.Length}).");
        int lo = 0, hi = values.Length - 1, budget = 2 * (int)Math.Log2(values.Length + 1) + 4;
        while (hi > lo)
        {
            if (--budget < 0 || hi - lo < 16)
            {
                values[lo..(hi + 1)].Sort();
                return values[k];
            }
            int mid = lo + (hi - lo) / 2;
            // Median of three, moved to mid.
            if (values[mid] < values[lo]) Swap(values, mid, lo);
            if (values[hi] < values[lo]) Swap(values, hi, lo);
            if (values[hi] < values[mid]) Swap(values, hi, mid);
            float pivot = values[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j) { Swap(values, i, j); i++; j--; }
            }
            // Now [lo, j] ≤ pivot ≤ [i, hi], and everything strictly between j and i equals the pivot.
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return values[k];
        }
        return values[k];
    }

    private static void Swap(Span<float> values, int a, int b) => (values[a], values[b]) = (values[b], values[a]);
}
