using System.Globalization;
using WeightInit.Reporting;
using WeightInit.Gains;
using WeightInit.Initializers;
using WeightInit.Numerics;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Analysis.Experiments;

/// <summary>Caffe's xavier and msra fillers with FAN_IN / FAN_OUT / AVERAGE on real convolution blobs, and the logistic 1/16 factor.</summary>
/// <remarks>
/// Caffe computes fan_in = count / num and fan_out = count / channels from the blob shape [num, channels, k, k]; with
/// grouped convolutions (AlexNet's conv2, conv4, conv5 use group 2) its fan_out is twice the true one. Each blob is filled
/// with our implementation of the filler and its sample variance compared with 1/n (xavier) or 2/n (msra).
/// </remarks>
public sealed class CaffeFansExperiment : IExperiment
{
    /// <inheritdoc/>
    public string Name => "caffe-fans";

    /// <inheritdoc/>
    public string Title => "Caffe fillers: FAN_IN, FAN_OUT, AVERAGE on convolution blobs; the logistic 1/16";

    private static readonly (string Name, int[] Shape, int Groups)[] Blobs =
    [
        ("AlexNet conv1", [96, 3, 11, 11], 1),
        ("AlexNet conv2 (group 2)", [256, 48, 5, 5], 2),
        ("AlexNet conv3", [384, 256, 3, 3], 1),
        ("VGG conv3_1", [256, 128, 3, 3], 1),
        ("AlexNet fc6", [4096, 9216], 1),
    ];

    private static readonly (FanMode Mode, string Caffe)[] Norms = [(FanMode.FanIn, "FAN_IN"), (FanMode.FanOut, "FAN_OUT"), (FanMode.FanAverage, "AVERAGE")];

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentSettings settings, IProgress<double>? progress = null)
    {
        var result = new ExperimentResult(Name, Title);
        var root = PhiloxKey.FromSeed(settings.Seed).Fold(Name);
        var options = new SamplingOptions { MaxThreads = settings.Threads };
        result.Paragraphs.Add(
            "Caffe's XavierFiller draws U(−√(3/n), √(3/n)) and its MSRAFiller N(0, 2/n), where n is chosen by variance_norm: " +
            "FAN_IN (the default) n = count/num, FAN_OUT n = count/channels, AVERAGE their mean. With the default the " +
            "'xavier' filler is therefore LeCun's uniform init, not Glorot's normalized one. Each blob below is filled with " +
            "WeightInit's caffe.xavier / caffe.msra (float32, fixed keys) and its sample variance compared with 1/n and 2/n.");
        var table = new ReportTable("blob", "shape", "fan_in (Caffe)", "fan_out (Caffe)", "fan_out (exact, groups)", "xavier bound FAN_IN", "msra std FAN_IN");
        var chart = new SvgChart
        {
            Title = "Var(W) of caffe.xavier per blob and variance_norm",
            XAxis = AxisOptions.Linear("blob index"),
            YAxis = AxisOptions.Log("Var(W)"),
        };
        int done = 0, total = (settings.Quick ? 4 : Blobs.Length) * Norms.Length * 2;
        var theoryByNorm = Norms.ToDictionary(n => n.Caffe, _ => new List<double>());
        var measuredByNorm = Norms.ToDictionary(n => n.Caffe, _ => new List<double>());
        var blobs = settings.Quick ? Blobs[..4] : Blobs;
        foreach (var (blobName, dims, groups) in blobs)
        {
            var caffeShape = new WeightShape(dims, WeightLayout.OutInKernel, 1, FanConvention.Caffe);
            var exact = new WeightShape(dims, WeightLayout.OutInKernel, groups).Fans;
            var caffeFans = caffeShape.Fans;
            table.AddRow(blobName, "[" + string.Join(", ", dims) + "]", caffeFans.FanIn, caffeFans.FanOut, exact.FanOut,
                Math.Sqrt(3 / caffeFans.FanIn).ToString("G5", CultureInfo.InvariantCulture), Math.Sqrt(2 / caffeFans.FanIn).ToString("G5", CultureInfo.InvariantCulture));
            long count = caffeShape.ElementCount;
            var w = new float[count];
            foreach (var (mode, caffe) in Norms)
            {
                foreach (var (filler, numerator) in new[] { ("xavier", 1.0), ("msra", 2.0) })
                {
                    var init = InitializerRegistry.Parse($"caffe.{filler}(variance_norm={caffe})");
                    init.Fill(root.Fold($"{blobName}/{filler}/{caffe}"), caffeShape, w, 0, options);
                    double n = caffeFans.Select(mode);
                    double theory = numerator / n;
                    double measured = SampleVariance<float>(w);
                    // Relative standard error of a sample variance: √((κ − 1)/N), κ = 9/5 (uniform) or 3 (normal).
                    double kurtosis = filler == "xavier" ? 1.8 : 3.0;
                    double se = Math.Sqrt((kurtosis - 1) / count);
                    result.Comparisons.Add(new Comparison($"{blobName}: {filler} {caffe} Var(W) = {numerator:0}/{n:0}", theory, measured,
                        $"N = {count}, expected relative SE {100 * se:G2} %") { StandardError = se * theory });
                    if (filler == "xavier") { theoryByNorm[caffe].Add(theory); measuredByNorm[caffe].Add(measured); }
                    progress?.Report(++done / (double)total);
                }
            }
        }
        var x = Enumerable.Range(0, blobs.Length).Select(i => (double)i).ToArray();
        foreach (var (_, caffe) in Norms)
        {
            chart.AddLine($"{caffe} theory 1/n", x, theoryByNorm[caffe], dash: LineDash.Dashed, colorGroup: caffe);
            chart.AddScatter($"{caffe} measured", x, measuredByNorm[caffe], colorGroup: caffe);
        }
        result.Tables.Add((table, "Caffe's fans ignore groups: for AlexNet's conv2 (group 2) its fan_out is twice the true one."));
        result.Figures.Add((chart, "caffe.xavier: 1/n per variance_norm (lines) and the sample variance of the filled blob (points). Blob index as in the table."));

        // The logistic 1/16: σ(x) ≈ ½ + x/4 near 0, so Var σ(x) ≈ Var x / 16 while x is small.
        var scales = new[] { 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 4.0 };
        var sigmoid = Activation.Parse("sigmoid");
        var exactRatio = new List<double>();
        var measuredRatio = new List<double>();
        int samples = settings.Quick ? 1 << 16 : 1 << 20;
        var z = new double[samples];
        foreach (double s in scales)
        {
            double mean = GaussianExpectation.Evaluate(sigmoid.Function, 0, s * s);
            double second = GaussianExpectation.Evaluate(v => sigmoid.Function(v) * sigmoid.Function(v), 0, s * s);
            double ratio = (second - mean * mean) / (s * s);
            new NormalDistribution(0, s).Fill(root.Fold($"logistic/{s.ToString(CultureInfo.InvariantCulture)}"), z, 0, options);
            var y = new double[samples];
            for (int i = 0; i < samples; i++) y[i] = sigmoid.Function(z[i]);
            double measured = SampleVariance<double>(y) / SampleVariance<double>(z);
            exactRatio.Add(ratio);
            measuredRatio.Add(measured);
            result.Comparisons.Add(new Comparison($"Var σ(x) / Var x at std(x) = {s}", ratio, measured,
                $"linear regime predicts 1/16 = 0.0625; N = {samples}") { StandardError = measured * RatioRelativeError(y, z) });
        }
        var logistic = new SvgChart
        {
            Title = "Logistic sigmoid: Var σ(x) / Var x",
            XAxis = AxisOptions.Log("std of x"),
            YAxis = AxisOptions.Linear("variance ratio"),
        };
        logistic.AddLine("1/16 (σ′(0)² = (1/4)²)", scales, scales.Select(_ => 1.0 / 16).ToArray());
        logistic.AddLine("exact (quadrature)", scales, exactRatio);
        logistic.AddScatter("measured", scales, measuredRatio);
        result.Figures.Add((logistic, "The seed's 1/16 factor holds while the input is small and falls as the sigmoid saturates; hence Glorot's 4× (16× variance) for logistic units."));
        result.Headline = $"caffe 'xavier' = LeCun uniform (1/fan_in); Var σ(x)/Var x → 1/16 = 0.0625 for small x ({exactRatio[0]:G4} at std 0.05)";
        result.AddData("blobs", blobs.Select(b => b.Name).ToArray());
        result.AddData("xavier_theory", Norms.ToDictionary(n => n.Caffe, n => (object)theoryByNorm[n.Caffe]));
        result.AddData("xavier_measured", Norms.ToDictionary(n => n.Caffe, n => (object)measuredByNorm[n.Caffe]));
        result.AddData("logistic_scales", scales);
        result.AddData("logistic_exact_ratio", exactRatio);
        result.AddData("logistic_measured_ratio", measuredRatio);
        return result;
    }

    /// <summary>The delta-method relative standard error of s_y²/s_z² from the same N draws: the sample sd of
    /// (y − ȳ)²/s_y² − (z − z̄)²/s_z², over √N (the log of the ratio is the mean of that, to first order).</summary>
    private static double RatioRelativeError(double[] y, double[] z)
    {
        double my = y.Average(), mz = z.Average(), vy = SampleVariance<double>(y), vz = SampleVariance<double>(z);
        var u = new double[y.Length];
        for (int i = 0; i < y.Length; i++) u[i] = (y[i] - my) * (y[i] - my) / vy - (z[i] - mz) * (z[i] - mz) / vz;
        return Math.Sqrt(SampleVariance<double>(u) / y.Length);
    }

    internal static double SampleVariance<T>(ReadOnlySpan<T> x) where T : System.Numerics.INumberBase<T>
    {
        double mean = 0;
        foreach (T v in x) mean += double.CreateTruncating(v);
        mean /= x.Length;
        double s = 0;
        foreach (T v in x) { double d = double.CreateTruncating(v) - mean; s += d * d; }
        return s / (x.Length - 1);
    }
}
