namespace WeightInit.Analysis.Measurement;

/// <summary>Mean and spread over repeated runs (independently keyed networks, training seeds): the bands of the report's figures.</summary>
public static class RunSpread
{
    /// <summary>Element-wise mean and spread (sample standard deviation, divisor n − 1; 0 for one run) of several runs' curves.</summary>
    /// <remarks>Where any run is not finite (a float32 overflow), the mean is +∞ and the spread 0: the point is reported as an overflow, not averaged.</remarks>
    public static (double[] Mean, double[] Spread) MeanAndSpread(IReadOnlyList<double[]> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("No runs to average.", nameof(runs));
        if (runs.Any(r => r.Length != runs[0].Length)) throw new ArgumentException("The runs' curves differ in length; cut them to a common length first.", nameof(runs));
        int n = runs[0].Length;
        var mean = new double[n];
        var spread = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (runs.Any(r => !double.IsFinite(r[i]))) { mean[i] = double.PositiveInfinity; continue; }
            double m = 0;
            foreach (var r in runs) m += r[i];
            m /= runs.Count;
            double ss = 0;
            foreach (var r in runs) ss += (r[i] - m) * (r[i] - m);
            mean[i] = m;
            spread[i] = runs.Count > 1 ? Math.Sqrt(ss / (runs.Count - 1)) : 0;
        }
        return (mean, spread);
    }
}
