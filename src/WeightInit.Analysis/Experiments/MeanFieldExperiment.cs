using System.Globalization;
using WeightInit.Models;
using WeightInit.Reporting;
using WeightInit.Analysis.Theory;
using WeightInit.Gains;
using WeightInit.Random;

namespace WeightInit.Analysis.Experiments;

/// <summary>Mean field for tanh: the order-to-chaos phase diagram (χ₁ = 1), fixed points, depth scales, checked by simulation.</summary>
public sealed class MeanFieldExperiment : IExperiment
{
    /// <inheritdoc/>
    public string Name => "mean-field";

    /// <inheritdoc/>
    public string Title => "Mean field for tanh: order-to-chaos phase diagram, fixed points and depth scales";

    /// <summary>Schoenholz et al. (2017): networks train up to about this many correlation depth scales ξ_c.</summary>
    private const int TrainableDepthScales = 6;

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentSettings settings, IProgress<double>? progress = null)
    {
        var tanh = Activation.Parse("tanh");
        var result = new ExperimentResult(Name, Title);
        result.Paragraphs.Add("Wide random tanh networks with W ~ N(0, σ_w²/n) and b ~ N(0, σ_b²) (Poole et al. 2016; Schoenholz et al. 2017). " +
            "The length map q ↦ σ_w² E[φ(√q z)²] + σ_b² has a fixed point q*; χ₁ = σ_w² E[φ′(√q* z)²] separates the ordered phase " +
            "(χ₁ < 1: inputs become correlated, gradients vanish) from the chaotic one (χ₁ > 1: gradients explode). The correlation " +
            $"depth scale ξ_c = −1/ln χ_c diverges on the critical line; Schoenholz et al. find networks trainable up to about {TrainableDepthScales}ξ_c layers.");
        int n = settings.Quick ? 21 : 41;
        var sw = Enumerable.Range(0, n).Select(i => 1.0 + 3.0 * i / (n - 1)).ToArray();
        var sb = Enumerable.Range(0, n).Select(i => 0.3 * i / (n - 1)).ToArray();
        var diagram = MeanField.PhaseDiagram(tanh, sw, sb);
        var values = new double[sb.Length, sw.Length];
        for (int i = 0; i < sw.Length; i++)
            for (int j = 0; j < sb.Length; j++) values[j, i] = diagram.Chi1[i, j];
        var chart = new SvgChart { Title = "tanh: χ₁ over (σ_w², σ_b²) and the edge of chaos χ₁ = 1", XAxis = AxisOptions.Linear("σ_w²"), YAxis = AxisOptions.Linear("σ_b²") };
        chart.SetHeatmap(Heatmap.FromCenters(sw, sb, values) with { ColorTitle = "χ₁", ColorScale = AxisScale.Log10 });
        var criticalB = sb.Where(b => b > 0).ToArray();
        var criticalW = criticalB.Select(b => MeanField.CriticalWeightVariance(tanh, b)).ToArray();
        chart.AddLine("edge of chaos (χ₁ = 1)", criticalW, criticalB);
        result.Figures.Add((chart, "Order-to-chaos phase diagram for tanh. Ordered (χ₁ < 1) to the left of the line, chaotic to the right."));
        progress?.Report(0.3);

        // Depth scales along σ_b² = 0.05, DIP's setting.
        const double biasVariance = 0.05;
        string bias = biasVariance.ToString(CultureInfo.InvariantCulture);
        // In the chaotic phase ξ_c needs c* from a two-dimensional integral: a coarser grid keeps this part to seconds.
        int m = settings.Quick ? 9 : 17;
        var swDepth = Enumerable.Range(0, m).Select(i => 1.0 + 2.0 * i / (m - 1)).ToArray();
        var scales = swDepth.Select(w => new MeanField(tanh, w, biasVariance)).ToList();
        var depthChart = new SvgChart { Title = $"Depth scales at σ_b² = {bias}", XAxis = AxisOptions.Linear("σ_w²"), YAxis = AxisOptions.Log("layers") };
        depthChart.AddLine("ξ_c", swDepth, scales.Select(f => f.CorrelationDepthScale).ToArray(), markers: true);
        depthChart.AddLine($"{TrainableDepthScales} ξ_c (trainability bound)", swDepth, scales.Select(f => TrainableDepthScales * f.CorrelationDepthScale).ToArray(), dash: LineDash.Dashed);
        depthChart.AddLine("ξ_q", swDepth, scales.Select(f => f.LengthDepthScale).ToArray(), markers: true);
        double critical = MeanField.CriticalWeightVariance(tanh, biasVariance);
        result.Figures.Add((depthChart, $"ξ_c diverges at the critical σ_w² = {critical.ToString("G5", CultureInfo.InvariantCulture)} (σ_b² = {bias}); ξ_q stays finite."));
        result.AddData("phase_weight_variances", sw);
        result.AddData("phase_bias_variances", sb);
        result.AddData("critical_weight_variance_at_bias_0.05", critical);
        result.AddData("xi_c_weight_variances", swDepth);
        result.AddData("xi_c_at_bias_0.05", scales.Select(f => f.CorrelationDepthScale).ToArray());
        progress?.Report(0.5);

        // Simulation: pre-activation variance after many layers vs q*, and the per-layer gradient growth vs χ₁.
        int width = settings.Quick ? 256 : 1000, batch = settings.Quick ? 64 : 128, depth = 30;
        var root = PhiloxKey.FromSeed(settings.Seed).Fold(Name);
        var points = new (double W, double B)[] { (1.3 * 1.3, 0.09), (2.5 * 2.5, 0.09), (4.0 * 4.0, 0.09), (critical, biasVariance) };
        int done = 0;
        foreach (var (w, b) in points)
        {
            var mf = new MeanField(tanh, w, b);
            var layers = new List<LayerSpec>();
            for (int i = 0; i < depth; i++) { layers.Add(new Dense(width) { Name = $"dense{i + 1}" }); layers.Add(new ActivationLayer("tanh") { Name = $"act{i + 1}" }); }
            var model = new ModelSpec($"tanh σw²={w:G3} σb²={b:G3}", FeatureShape.Features(width), layers)
            {
                WeightInitializer = $"variance_scaling(scale={w.ToString("R", CultureInfo.InvariantCulture)}, mode=fan_in, distribution=normal)",
                BiasInitializer = $"normal(std={Math.Sqrt(b).ToString("R", CultureInfo.InvariantCulture)})",
            };
            var pass = Probe.Run(model, root.Fold($"{w}/{b}"), batch, settings.Threads);
            double q = pass.Activations[2 * (depth - 1)].Variance + pass.Activations[2 * (depth - 1)].Mean * pass.Activations[2 * (depth - 1)].Mean;
            result.Comparisons.Add(new Comparison($"σ_w² = {w:G4}, σ_b² = {b:G3}: pre-activation q at layer {depth} vs q*", mf.FixedPointLength, q, $"width {width}, batch {batch}"));
            // Gradients[2i] = ∂C/∂s at layer i+1; per-layer growth averaged over the middle 20 layers.
            double g1 = pass.Gradients[2 * 5].Variance, g2 = pass.Gradients[2 * 25].Variance;
            double growth = Math.Pow(g1 / g2, 1.0 / 20);
            result.Comparisons.Add(new Comparison($"σ_w² = {w:G4}, σ_b² = {b:G3}: backward growth per layer vs χ₁", mf.Chi1, growth,
                "(Var ∂C/∂s₆ / Var ∂C/∂s₂₆)^(1/20)"));
            progress?.Report(0.5 + 0.5 * ++done / points.Length);
        }
        result.Headline = $"tanh edge of chaos at σ_b² = {bias}: σ_w² = {critical.ToString("G4", CultureInfo.InvariantCulture)}; simulated q* and χ₁ agree";
        return result;
    }
}
