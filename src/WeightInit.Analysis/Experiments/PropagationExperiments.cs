using System.Globalization;
using WeightInit.Analysis.Measurement;
using WeightInit.Models;
using WeightInit.Reporting;
using WeightInit.Analysis.Theory;
using WeightInit.Random;

namespace WeightInit.Analysis.Experiments;

/// <summary>Ten (and fifty) layers of matrix products: N(0, 1) vs LeCun (no activation) vs Xavier (tanh) vs He (ReLU).</summary>
public sealed class DeepMatmulExperiment : IExperiment
{
    /// <inheritdoc/>
    public string Name => "deep-matmul";

    /// <inheritdoc/>
    public string Title => "10 and 50 layers of matrix products: N(0, 1), LeCun, Xavier + tanh, He + ReLU";

    private static readonly (string Label, string Init, string Activation)[] Configs =
    [
        ("N(0,1), no activation", "normal(std=1)", "linear"),
        ("LeCun, no activation", "lecun_normal", "linear"),
        ("Xavier, tanh", "glorot_normal", "tanh"),
        ("He, ReLU", "he_normal", "relu"),
    ];

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentSettings settings, IProgress<double>? progress = null)
    {
        int width = settings.Quick ? 256 : 512, batch = settings.Quick ? 128 : 256, repeats = settings.Quick ? 2 : 3;
        var result = new ExperimentResult(Name, Title);
        var root = PhiloxKey.FromSeed(settings.Seed).Fold(Name);
        int step = 0;
        var overflowLayers = new Dictionary<(int Depth, string Label), int>();
        foreach (int depth in Depths)
        {
            var chart = new SvgChart { Title = $"{depth} layers: std of activations per layer", XAxis = AxisOptions.Linear("layer"), YAxis = AxisOptions.Log("std of activations") };
            var data = new Dictionary<string, object>();
            foreach (var (label, init, activation) in Configs)
            {
                var model = Probe.Mlp($"{label} ×{depth}", width, width, depth, activation, init);
                var theory = SignalPropagation.Analyze(model);
                var layersX = Enumerable.Range(1, depth).Select(i => (double)i).ToArray();
                int overflowAt = -1;
                var runs = new List<double[]>();
                for (int r = 0; r < repeats; r++)
                {
                    // The first network keeps the key of a single-run measurement; the others fold in their index.
                    var key = root.Fold($"{depth}/{label}");
                    var pass = Probe.Run(model, r == 0 ? key : key.Fold((ulong)r), batch, settings.Threads, backward: false);
                    var run = Enumerable.Range(0, depth).Select(i => pass.Activations[2 * i + 1].Overflowed ? double.PositiveInfinity : pass.Activations[2 * i + 1].StandardDeviation).ToArray();
                    int first = Array.FindIndex(run, v => !double.IsFinite(v));
                    if (first >= 0 && (overflowAt < 0 || first < overflowAt)) overflowAt = first;
                    runs.Add(run);
                }
                var (measured, spread) = Probe.MeanAndSpread(runs);
                var predicted = Enumerable.Range(0, depth).Select(i => Math.Sqrt(theory.Layer($"act{i + 1}").Output.Variance)).ToArray();
                chart.AddLine($"{label} (theory)", layersX, predicted, dash: LineDash.Dashed, colorGroup: label);
                chart.AddMeanWithSpread($"{label} (measured)", layersX, measured, spread, markers: true, colorGroup: label);
                result.Comparisons.Add(new Comparison($"{depth} layers, {label}: std at the last layer", predicted[^1], measured[^1],
                    overflowAt >= 0 ? $"float32 overflow from layer {overflowAt + 1}" : $"mean of {repeats} networks ± {spread[^1]:G2}; batch {batch} × width {width}").WithRuns(spread[^1], repeats));
                data[label] = new Dictionary<string, object>
                {
                    ["theory_std"] = predicted, ["measured_std"] = measured, ["measured_std_spread"] = spread, ["overflow_layer"] = overflowAt + 1,
                };
                overflowLayers[(depth, label)] = overflowAt + 1;
                progress?.Report(++step / 8.0);
            }
            result.Figures.Add((chart, $"{depth} layers. Dashed: theory; solid with markers and band: measured mean ± spread over {repeats} networks. Missing points: float32 overflow (±∞)."));
            result.AddData($"depth_{depth}", data);
        }
        // The prose quotes the overflow layers measured above and the theory's crossing of float32's largest value.
        string normal = Configs[0].Label;
        int deepest = Depths[^1];
        var overflows = Depths.Select(d => (Depth: d, Layer: overflowLayers[(d, normal)])).ToList();
        double crossing = OverflowCrossing(width);
        string measuredOverflow = string.Join("; ", overflows.Where(o => o.Layer > 0).Select(o => $"float32 overflows at layer {o.Layer} of the {o.Depth}-layer chain")
            .Concat(overflows.Where(o => o.Layer == 0).Select(o => $"the {o.Depth}-layer chain stays finite")));
        result.Paragraphs.Insert(0, $"A batch of {batch} N(0, 1) inputs of width {width} goes through L square layers x ← φ(W x) (no biases). " +
            $"With N(0, 1) weights each layer multiplies the variance by n = {width}, so the std after L layers is n^(L/2), which passes " +
            $"float32's largest value {float.MaxValue.ToString("G4", CultureInfo.InvariantCulture)} at L = 2·ln({float.MaxValue.ToString("G4", CultureInfo.InvariantCulture)})/ln {width} = " +
            $"{crossing.ToString("F1", CultureInfo.InvariantCulture)}; measured, {measuredOverflow}. " +
            "LeCun's 1/n keeps a linear stack at unit variance; Xavier with tanh shrinks slowly (tanh contracts); He's 2/n keeps ReLU " +
            "activations' second moment constant. Theory: the forward moment recursion with E[φ(h)²] by quadrature at the actual variance. " +
            $"Measured: mean ± spread (sample standard deviation) over {repeats} independently keyed networks.");
        int deepOverflow = overflowLayers[(deepest, normal)];
        result.Headline = deepOverflow > 0
            ? $"N(0,1) explodes (float32 overflow within {deepest} layers); LeCun/He keep the scale; Xavier+tanh decays slowly"
            : $"N(0,1) explodes (no float32 overflow within {deepest} layers at width {width}); LeCun/He keep the scale; Xavier+tanh decays slowly";
        return result;
    }

    /// <summary>The chain depths: 10 and 50 layers.</summary>
    private static readonly int[] Depths = [10, 50];

    /// <summary>The L at which n^(L/2), the std of an N(0, 1)-weight linear chain of width n, reaches float32's largest value.</summary>
    internal static double OverflowCrossing(int width) => 2 * Math.Log(float.MaxValue) / Math.Log(width);
}

/// <summary>Constant and all-zero initialization: every unit of a layer stays identical and SGD never breaks the symmetry.</summary>
public sealed class SymmetryExperiment : IExperiment
{
    /// <inheritdoc/>
    public string Name => "symmetry";

    /// <inheritdoc/>
    public string Title => "Constant / all-zero init: symmetric units, rank-1 gradients, never broken by SGD";

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentSettings settings, IProgress<double>? progress = null)
    {
        const int inputs = 20, hidden = 32, classes = 4, batch = 16, steps = 50;
        const float learningRate = 0.1f;
        var result = new ExperimentResult(Name, Title);
        result.Paragraphs.Add($"A {inputs}-{hidden}-{hidden}-{classes} tanh network with biases is trained by plain SGD (learning rate {learningRate.ToString(CultureInfo.InvariantCulture)}, {steps} steps, batch {batch}, random " +
            "Gaussian inputs and labels) from three inits. With every weight equal, all hidden units compute the same function, receive the " +
            "same gradient and stay identical: the weight gradient of a hidden layer has identical rows (rank 1). With all weights zero the " +
            "hidden gradients vanish altogether. A random init breaks the symmetry at once.");
        var root = PhiloxKey.FromSeed(settings.Seed).Fold(Name);
        var table = new ReportTable("init", "max unit spread, layer 1, before", $"after {steps} SGD steps", "rank of ∂L/∂W₂ (rows differing)", "loss before", "loss after");
        int done = 0;
        foreach (var init in new[] { "constant(value=0.1)", "zeros", "he_normal" })
        {
            var model = new ModelSpec(init, FeatureShape.Features(inputs),
                [new Dense(hidden) { Name = "dense1" }, new ActivationLayer("tanh"), new Dense(hidden) { Name = "dense2" }, new ActivationLayer("tanh"), new Dense(classes) { Name = "out" }])
            { WeightInitializer = init };
            var net = Network.Build(model, root.Fold("weights"), settings.Threads);
            var x = new float[batch * inputs];
            new WeightInit.Sampling.NormalDistribution(0, 1).Fill(root.Fold("x"), x);
            var u = new float[batch];
            new WeightInit.Sampling.UniformDistribution(0, classes).Fill(root.Fold("labels"), u);
            var labels = u.Select(v => (int)v).ToArray();
            double spreadBefore = 0, lossBefore = 0, lossAfter = 0;
            int distinctRows = 0;
            for (int stepIndex = 0; stepIndex <= steps; stepIndex++)
            {
                var logits = net.Forward(x, batch);
                var (loss, grad) = Network.SoftmaxCrossEntropy(logits, labels, batch);
                if (stepIndex == 0) { spreadBefore = UnitSpread(net.Activations[1], hidden); lossBefore = loss; }
                net.Backward(grad);
                if (stepIndex == 0) distinctRows = DistinctRows(net.Parameters.First(p => p.Name == "dense2.weight").Gradient, hidden, hidden);
                if (stepIndex == steps) { lossAfter = loss; break; }
                foreach (var p in net.Parameters)
                    for (int i = 0; i < p.Value.Length; i++) p.Value[i] -= learningRate * p.Gradient[i];
            }
            double spreadAfter = UnitSpread(net.Activations[1], hidden);
            table.AddRow(init, spreadBefore, spreadAfter, distinctRows, lossBefore.ToString("G4", CultureInfo.InvariantCulture), lossAfter.ToString("G4", CultureInfo.InvariantCulture));
            if (init != "he_normal")
                result.Comparisons.Add(new Comparison($"{init}: spread between hidden units after {steps} SGD steps", 0, spreadAfter, "symmetry predicts exactly 0"));
            result.AddData(init, new Dictionary<string, object> { ["spread_before"] = spreadBefore, ["spread_after"] = spreadAfter, ["distinct_gradient_rows"] = distinctRows, ["loss_before"] = lossBefore, ["loss_after"] = lossAfter });
            progress?.Report(++done / 3.0);
        }
        result.Tables.Add((table, "Spread = max over examples and units of |unit − unit 0| in hidden layer 1 (exactly 0 means identical units). Rank counts distinct rows of the second layer's weight gradient at step 0."));
        result.Headline = "constant and zero init: hidden units identical after training (spread exactly 0); random init breaks it";
        return result;
    }

    private static double UnitSpread(float[] activations, int units)
    {
        double max = 0;
        for (int b = 0; b < activations.Length / units; b++)
            for (int u = 1; u < units; u++) max = Math.Max(max, Math.Abs(activations[b * units + u] - activations[b * units]));
        return max;
    }

    private static int DistinctRows(float[] matrix, int rows, int cols)
    {
        var seen = new HashSet<string>();
        for (int r = 0; r < rows; r++) seen.Add(string.Join(",", matrix.AsSpan(r * cols, cols).ToArray().Select(v => BitConverter.SingleToInt32Bits(v))));
        return seen.Count;
    }
}

/// <summary>Glorot &amp; Bengio's Figures 6–7: activation and back-propagated gradient histograms per layer, standard vs normalized init.</summary>
public sealed class GlorotExperiment : IExperiment
{
    /// <inheritdoc/>
    public string Name => "glorot";

    /// <inheritdoc/>
    public string Title => "Glorot & Bengio: activations and back-propagated gradients per layer, standard vs normalized init";

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentSettings settings, IProgress<double>? progress = null)
    {
        int width = settings.Quick ? 256 : 1000, batch = settings.Quick ? 128 : 300, depth = 5, repeats = settings.Quick ? 2 : 3;
        var result = new ExperimentResult(Name, Title);
        result.Paragraphs.Add($"{depth} hidden layers of {width} units (the paper has 5 of 1000), {batch} N(0, 1) inputs, biases 0. " +
            "'Standard' is U[−1/√n, 1/√n] (n·Var W = 1/3), 'normalized' is U[±√(6/(n_in + n_out))] (Glorot's eq. 16). " +
            "Back-propagated gradients ∂C/∂s (s the pre-activations) start from a unit-variance random gradient at the top. " +
            "With the standard init the back-propagated gradient variance shrinks by about 1/3·E[φ′²] per layer going down (eq. 6); " +
            "with the normalized init it stays roughly constant.");
        var root = PhiloxKey.FromSeed(settings.Seed).Fold(Name);
        var table = new ReportTable("activation", "init", "Var ∂C/∂s layer 1 / layer 5 (theory)", "(measured, mean)", "± spread", "Var activations layer 5 / layer 1 (measured, mean)", "± spread");
        int done = 0;
        foreach (var activation in new[] { "tanh", "softsign", "sigmoid" })
        {
            foreach (var (label, init) in new[] { ("standard", "glorot_standard"), ("normalized", "glorot_uniform") })
            {
                var model = Probe.Mlp($"{activation} {label}", width, width, depth, activation, init);
                var key = root.Fold($"{activation}/{label}");
                var pass = Probe.Run(model, key, batch, settings.Threads);
                var theory = SignalPropagation.Analyze(model);
                // Gradients[2i] is ∂C/∂(output of dense i+1) = ∂C/∂s for layer i+1.
                static (double Gradient, double Activation) Ratios(Probe.Pass p, int depth) =>
                    (p.Gradients[0].Variance / p.Gradients[2 * (depth - 1)].Variance, p.Activations[2 * depth - 1].Variance / p.Activations[1].Variance);
                var ratios = new List<(double Gradient, double Activation)> { Ratios(pass, depth) };
                for (int r = 1; r < repeats; r++)
                    ratios.Add(Ratios(Probe.Run(model, key.Fold((ulong)r), batch, settings.Threads), depth));
                var (gradientMean, gradientSpread) = Probe.MeanAndSpread(ratios.Select(x => new[] { x.Gradient }).ToList());
                var (activationMean, activationSpread) = Probe.MeanAndSpread(ratios.Select(x => new[] { x.Activation }).ToList());
                double measuredRatio = gradientMean[0];
                double theoryRatio = theory.Layer("dense1").OutputGradientSecondMoment / theory.Layer($"dense{depth}").OutputGradientSecondMoment;
                table.AddRow(activation, label, theoryRatio, measuredRatio, gradientSpread[0], activationMean[0], activationSpread[0]);
                result.Comparisons.Add(new Comparison($"{activation}, {label}: Var ∂C/∂s₁ / Var ∂C/∂s₅", theoryRatio, measuredRatio,
                    $"mean of {repeats} networks ± {gradientSpread[0]:G2}; batch {batch}, width {width}").WithRuns(gradientSpread[0], repeats));
                result.AddData($"{activation}_{label}_ratios", new Dictionary<string, object>
                {
                    ["gradient_ratio_theory"] = theoryRatio, ["gradient_ratio_mean"] = gradientMean[0], ["gradient_ratio_spread"] = gradientSpread[0],
                    ["activation_ratio_mean"] = activationMean[0], ["activation_ratio_spread"] = activationSpread[0],
                });
                if (activation == "tanh")
                {
                    var acts = new SvgChart { Title = $"tanh, {label} init: activation histograms", XAxis = AxisOptions.Linear("activation value"), YAxis = AxisOptions.Linear("fraction") };
                    var grads = new SvgChart { Title = $"tanh, {label} init: back-propagated gradient histograms", XAxis = AxisOptions.Linear("∂C/∂s"), YAxis = AxisOptions.Linear("fraction") };
                    var edges = Enumerable.Range(0, 41).Select(i => -1.0 + i * 0.05).ToArray();
                    double g = HistogramStds * Math.Sqrt(pass.Gradients[2 * (depth - 1)].Variance);
                    var gEdges = Enumerable.Range(0, 41).Select(i => -g + i * g / 20).ToArray();
                    var actData = new List<double[]>();
                    var gradData = new List<double[]>();
                    for (int l = 0; l < depth; l++)
                    {
                        var h = TensorStatistics.Histogram(pass.Network.Activations[2 * l + 1], -1, 1, 40);
                        acts.AddHistogram($"layer {l + 1}", edges, h);
                        var hg = TensorStatistics.Histogram(pass.Network.Gradients[2 * l], -g, g, 40);
                        grads.AddHistogram($"layer {l + 1}", gEdges, hg);
                        actData.Add(h);
                        gradData.Add(hg);
                    }
                    result.Figures.Add((acts, $"Figure 6 analogue: tanh activation histograms per layer, {label} init."));
                    result.Figures.Add((grads, $"Figure 7 analogue: back-propagated gradient histograms per layer, {label} init (common scale: ±{HistogramStds} std of layer {depth})."));
                    result.AddData($"tanh_{label}_activation_histograms", actData);
                    result.AddData($"tanh_{label}_gradient_histograms", gradData);
                }
                progress?.Report(++done / 7.0);
            }
        }
        result.Tables.Add((table, $"Ratios of variances between the bottom and the top layer: mean and spread (sample standard deviation) over {repeats} independently keyed networks; the histograms are of the first."));
        AddJacobians(result, settings, root, depth);
        progress?.Report(1.0);
        result.Headline = "standard init: back-propagated gradients and Jacobian singular values shrink going down; normalized init keeps them level";
        return result;
    }

    /// <summary>The gradient histograms span ± this many standard deviations of the top layer's gradient.</summary>
    private const int HistogramStds = 3;

    /// <summary>Singular values of the layer-to-layer and end-to-end Jacobians of 5-layer tanh nets, standard vs normalized init (Glorot &amp; Bengio §4.2.1).</summary>
    private static void AddJacobians(ExperimentResult result, ExperimentSettings settings, PhiloxKey root, int depth)
    {
        int width = settings.Quick ? 64 : 200, examples = 2;
        result.Paragraphs.Add($"Jacobians J_l = ∂z_l/∂z_(l−1) = diag(tanh′(h_l))·W_l of the same {depth}-layer tanh nets at width {width}, at {examples} N(0, 1) inputs " +
            "(singular values by the Jacobi eigen solver on JᵀJ, in double). Glorot & Bengio report an average singular value near 0.8 " +
            "for the normalized init and 0.5 for the standard one: their product, the end-to-end Jacobian, keeps its spectrum near 1 " +
            "only with the normalized init. Theory: the mean of σ² of J_l is n_out·E[W²]·E[tanh′(h_l)²], the backward factor of eq. 6.");
        var table = new ReportTable("init", "mean σ of J₁…J₅ (measured, mean over inputs)", "mean σ² of J₃: theory", "measured",
            "end-to-end J: σ at rank 0.9n", "median σ", "max σ", "mean σ²: theory", "measured");
        var spectrum = new SvgChart { Title = $"Singular values of the end-to-end Jacobian ({depth} tanh layers, width {width})", XAxis = AxisOptions.Linear("rank / n"), YAxis = AxisOptions.Log("singular value") };
        var perLayer = new SvgChart { Title = "RMS singular value of each layer's Jacobian", XAxis = AxisOptions.Linear("layer"), YAxis = AxisOptions.Linear("RMS σ") };
        foreach (var (label, init) in new[] { ("standard", "glorot_standard"), ("normalized", "glorot_uniform") })
        {
            var model = Probe.Mlp($"tanh {label} (Jacobian)", width, width, depth, "tanh", init);
            var theory = SignalPropagation.Analyze(model);
            var key = root.Fold($"jacobian/{label}");
            var net = Network.Build(model, key.Fold("weights"), settings.Threads);
            var meanSigma = new double[depth];
            var meanSquare = new double[depth];
            var endSpectrum = new double[width];
            double endSquare = 0;
            for (int e = 0; e < examples; e++)
            {
                var x = new float[width];
                new WeightInit.Sampling.NormalDistribution(0, 1).Fill(key.Fold("input").Fold((ulong)e), x);
                var blocks = Jacobians.LayerToLayer(net, x);
                for (int l = 0; l < depth; l++)
                {
                    meanSigma[l] += blocks[l].SingularValues().Average() / examples;
                    meanSquare[l] += blocks[l].MeanSquaredSingularValue() / examples;
                }
                var end = Jacobians.EndToEnd(blocks);
                var sigma = end.SingularValues();
                for (int i = 0; i < width; i++) endSpectrum[i] += sigma[i] / examples;
                endSquare += end.MeanSquaredSingularValue() / examples;
            }
            var predicted = Enumerable.Range(1, depth).Select(l => theory.Layer($"dense{l}").BackwardRatio * theory.Layer($"act{l}").BackwardRatio).ToArray();
            double predictedEnd = predicted.Aggregate(1.0, (a, b) => a * b);
            var layersX = Enumerable.Range(1, depth).Select(l => (double)l).ToArray();
            perLayer.AddLine($"{label} (theory)", layersX, predicted.Select(Math.Sqrt).ToArray(), dash: LineDash.Dashed, colorGroup: label);
            perLayer.AddLine($"{label} (measured)", layersX, meanSquare.Select(Math.Sqrt).ToArray(), markers: true, colorGroup: label);
            spectrum.AddLine(label, Enumerable.Range(1, width).Select(i => (double)i / width).ToArray(), endSpectrum, markers: false);
            table.AddRow(label, string.Join(", ", meanSigma.Select(v => v.ToString("F2", CultureInfo.InvariantCulture))), predicted[2], meanSquare[2],
                endSpectrum[(int)(0.9 * width)], endSpectrum[width / 2], endSpectrum[0], predictedEnd, endSquare);
            result.Comparisons.Add(new Comparison($"tanh, {label}: mean σ² of the layer-3 Jacobian", predicted[2], meanSquare[2], $"width {width}, {examples} inputs"));
            result.Comparisons.Add(new Comparison($"tanh, {label}: mean σ² of the end-to-end Jacobian", predictedEnd, endSquare, $"width {width}, {examples} inputs"));
            result.AddData($"jacobian_{label}", new Dictionary<string, object>
            {
                ["layer_mean_singular_value"] = meanSigma, ["layer_mean_squared_singular_value"] = meanSquare, ["layer_mean_squared_theory"] = predicted,
                ["end_to_end_singular_values"] = endSpectrum, ["end_to_end_mean_squared"] = endSquare, ["end_to_end_mean_squared_theory"] = predictedEnd,
            });
        }
        result.Tables.Add((table, "Jacobian singular values at initialization, tanh. σ of a block averaged over its min(n_out, n_in) values; end-to-end spectrum averaged rank by rank over the inputs. The smallest singular values (below about 1e-8·σ_max, unresolved through JᵀJ) are left out of the table."));
        result.Figures.Add((spectrum, "Singular values of ∂z₅/∂x, largest first: the standard init shrinks the whole spectrum (each layer scales by about 1/√3·E[tanh′]), the normalized init keeps it near 1."));
        result.Figures.Add((perLayer, "RMS singular value √(mean σ²) of each layer's Jacobian: dashed theory (√(n·Var W·E[tanh′²])), markers measured."));
    }
}

/// <summary>He et al.: deep ReLU/PReLU nets (22 and 30 layers), Xavier vs He, fan-in vs fan-out, and the PReLU slope in the formula.</summary>
public sealed class HeDepthExperiment : IExperiment
{
    /// <inheritdoc/>
    public string Name => "he-depth";

    /// <inheritdoc/>
    public string Title => "He et al.: 22- and 30-layer ReLU/PReLU nets, Xavier vs He, fan_in vs fan_out";

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentSettings settings, IProgress<double>? progress = null)
    {
        int width = settings.Quick ? 128 : 256, batch = settings.Quick ? 128 : 256, repeats = settings.Quick ? 4 : 6;
        var result = new ExperimentResult(Name, Title);
        result.Paragraphs.Add("Xavier's n·Var W = 1 halves the second moment of ReLU activations at every layer (He's eq. 8), so after L layers " +
            "the signal is 2^(−L/2) of He's in standard deviation; He's 2/n keeps it constant. For PReLU with slope a the preserving variance is " +
            "2/((1 + a²)n) (eq. 15): the ReLU formula (a = 0) used with a = 0.25 PReLU units grows the second moment by (1 + a²) per layer. " +
            "Fan-out init (eq. 14) preserves the backward signal instead; in a net whose widths change, its forward variance ratio over the whole " +
            "net is the product of n_in/n_out, i.e. c₂/d_L, which does not vanish. At finite width the energy of one network drifts " +
            "log-normally with depth (the variance of its log grows like L/n; Hanin 2018), so measurements are averaged over several independently keyed networks.");
        var root = PhiloxKey.FromSeed(settings.Seed).Fold(Name);
        var configs = new (string Label, string Activation, string Init)[]
        {
            ("Xavier, ReLU", "relu", "glorot_normal"),
            ("He fan_in, ReLU", "relu", "he_normal"),
            ("He fan_out, ReLU", "relu", "he_normal(mode=fan_out)"),
            ("He a=0.25, PReLU(0.25)", "leaky_relu:0.25", "he_normal(a=0.25)"),
            ("He a=0 (ReLU formula), PReLU(0.25)", "leaky_relu:0.25", "he_normal"),
        };
        int done = 0, total = 2 * configs.Length + 2;
        var depths = new[] { 22, 30 };
        double[] xavierDeepest = [];
        foreach (int depth in depths)
        {
            var chart = new SvgChart { Title = $"{depth} layers: E[x²] of activations per layer", XAxis = AxisOptions.Linear("layer"), YAxis = AxisOptions.Log("second moment") };
            foreach (var (label, activation, init) in configs)
            {
                var model = Probe.Mlp(label, width, width, depth, activation, init);
                var theory = SignalPropagation.Analyze(model);
                var x = Enumerable.Range(1, depth).Select(i => (double)i).ToArray();
                // Finite width makes E[x²] of one network fluctuate log-normally with depth: average over several seeds.
                var runs = Enumerable.Range(0, repeats).Select(r =>
                {
                    var pass = Probe.Run(model, root.Fold($"{depth}/{label}").Fold((ulong)r), batch, settings.Threads, backward: false);
                    return Enumerable.Range(0, depth).Select(i => SecondMoment(pass.Activations[2 * i + 1])).ToArray();
                }).ToList();
                var (mean, spread) = Probe.MeanAndSpread(runs);
                var predicted = Enumerable.Range(0, depth).Select(i => theory.Layer($"act{i + 1}").Output.SecondMoment).ToArray();
                chart.AddLine($"{label} (theory)", x, predicted, dash: LineDash.Dashed, colorGroup: label);
                chart.AddLine($"{label}", x, mean, markers: true, colorGroup: label);
                result.Comparisons.Add(new Comparison($"{depth} layers, {label}: E[x²] at the last layer", predicted[^1], mean[^1],
                    $"mean of {repeats} networks ± {spread[^1]:G2}; width {width}, batch {batch}").WithRuns(spread[^1], repeats));
                result.AddData($"{depth}_{label}", new Dictionary<string, object> { ["theory"] = predicted, ["measured_mean"] = mean, ["measured_spread"] = spread });
                if (depth == depths[^1] && label == configs[0].Label) xavierDeepest = predicted;
                progress?.Report(++done / (double)total);
            }
            result.Figures.Add((chart, $"{depth} ReLU/PReLU layers of width {width}: dashed theory, solid measured."));
        }
        // Tapered widths: fan_out init gives a forward ratio c₂/d_L over the net.
        const int layers = 30, narrowest = 64, widest = 512;
        var widths = Enumerable.Range(0, layers).Select(i => narrowest + (int)Math.Round(i * ((double)widest - narrowest) / (layers - 1))).ToArray();
        foreach (var (label, init) in new[] { ("fan_in", "he_normal"), ("fan_out", "he_normal(mode=fan_out)") })
        {
            var spec = new List<LayerSpec>();
            for (int i = 0; i < layers; i++) { spec.Add(new Dense(widths[i], Bias: false) { Name = $"dense{i + 1}" }); spec.Add(new ActivationLayer("relu") { Name = $"act{i + 1}" }); }
            var model = new ModelSpec($"tapered {label}", FeatureShape.Features(64), spec) { WeightInitializer = init };
            var ratios = new List<double[]>();
            double measured = Enumerable.Range(0, repeats).Average(r =>
            {
                var pass = Probe.Run(model, root.Fold($"tapered/{label}").Fold((ulong)r), batch, settings.Threads, backward: false);
                double ratio = SecondMoment(pass.Activations[2 * layers - 1]) / SecondMoment(pass.Activations[1]);
                ratios.Add([ratio]);
                return ratio;
            });
            var (_, ratioSpread) = Probe.MeanAndSpread(ratios);
            // He's argument: with fan_out init each layer multiplies E[x²] by n_in/n_out, so from layer 1 to L the ratio is ∏ = d_1... = c₂/d_L.
            double predicted = label == "fan_in" ? 1.0 : (double)widths[0] / widths[^1];
            result.Comparisons.Add(new Comparison($"widths {widths[0]}→{widths[^1]} over {layers} ReLU layers, He {label}: E[x²] last / first", predicted, measured,
                (label == "fan_out" ? $"c₂/d_L = {widths[0]}/{widths[^1]}" : "fan_in keeps it at 1") + $"; mean of {repeats} networks").WithRuns(ratioSpread[0], repeats));
            progress?.Report(++done / (double)total);
        }
        // The theory's per-layer factor and its power at the deepest depth, as the headline quotes them.
        double perLayer = xavierDeepest[^1] / xavierDeepest[^2];
        int exponent = (int)Math.Round(Math.Log2(xavierDeepest[^1]));
        result.Headline = $"Xavier {(Math.Abs(perLayer - 0.5) < 1e-9 ? "halves" : $"multiplies by {perLayer:G4}")} ReLU signal energy per layer " +
            $"(2^{(exponent < 0 ? "−" : "")}{Math.Abs(exponent)} after {depths[^1]} layers); He keeps it; PReLU needs the (1 + a²) term";
        return result;
    }

    private static double SecondMoment(TensorStatistics s) => s.Variance + s.Mean * s.Mean;
}

/// <summary>Residual networks: output variance against depth, with and without depth-dependent branch scaling.</summary>
public sealed class ResidualExperiment : IExperiment
{
    /// <inheritdoc/>
    public string Name => "residual";

    /// <inheritdoc/>
    public string Title => "Residual networks: variance against depth with branch scaling 1, 1/√L, 1/√(2L)";

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentSettings settings, IProgress<double>? progress = null)
    {
        int width = settings.Quick ? 128 : 256, batch = settings.Quick ? 64 : 256, repeats = settings.Quick ? 2 : 3;
        var depths = settings.Quick ? new[] { 2, 4, 8, 16, 32 } : new[] { 2, 4, 8, 16, 32, 64 };
        var result = new ExperimentResult(Name, Title);
        var theoryAt = new Dictionary<string, List<double>>();
        var measuredAt = new Dictionary<string, List<double>>();
        var root = PhiloxKey.FromSeed(settings.Seed).Fold(Name);
        var chart = new SvgChart { Title = "Output variance / input variance against depth", XAxis = AxisOptions.Log("residual blocks L"), YAxis = AxisOptions.Log("variance ratio") };
        int done = 0, total = 3 * depths.Length;
        foreach (var (label, scale) in new (string, Func<int, double>)[] { ("α = 1", _ => 1.0), ("α = 1/√L", l => 1 / Math.Sqrt(l)), ("α = 1/√(2L)", l => 1 / Math.Sqrt(2.0 * l)) })
        {
            var measured = new List<double>();
            var measuredSpread = new List<double>();
            var predicted = new List<double>();
            foreach (int depth in depths)
            {
                var layers = new List<LayerSpec>();
                for (int i = 0; i < depth; i++)
                    layers.Add(new Residual([new Dense(width, Bias: false), new ActivationLayer("relu"), new Dense(width, Bias: false)], scale(depth)) { Name = $"block{i + 1}" });
                var model = new ModelSpec($"res {label} L={depth}", FeatureShape.Features(width), layers) { WeightInitializer = "he_normal" };
                var key = root.Fold($"{label}/{depth}");
                var runs = Enumerable.Range(0, repeats).Select(r =>
                {
                    var pass = Probe.Run(model, r == 0 ? key : key.Fold((ulong)r), batch, settings.Threads, backward: false);
                    return new[] { pass.Activations[^1].Variance / TensorStatistics.Of(pass.Input).Variance };
                }).ToList();
                var (mean, spread) = Probe.MeanAndSpread(runs);
                var theory = SignalPropagation.Analyze(model);
                measured.Add(mean[0]);
                measuredSpread.Add(spread[0]);
                predicted.Add(theory.Layer($"block{depth}").Output.Variance / theory.Input.Variance);
                progress?.Report(++done / (double)total);
            }
            var x = depths.Select(d => (double)d).ToArray();
            chart.AddLine($"{label} (theory)", x, predicted, dash: LineDash.Dashed, colorGroup: label);
            chart.AddMeanWithSpread(label, x, measured, measuredSpread, markers: true, colorGroup: label);
            result.Comparisons.Add(new Comparison($"{label}: Var out / Var in at L = {depths[^1]}", predicted[^1], measured[^1],
                $"mean of {repeats} networks ± {measuredSpread[^1]:G2}; width {width}, batch {batch}").WithRuns(measuredSpread[^1], repeats));
            result.AddData(label, new Dictionary<string, object> { ["depths"] = depths, ["theory"] = predicted, ["measured"] = measured, ["measured_spread"] = measuredSpread });
            theoryAt[label] = predicted;
            measuredAt[label] = measured;
        }
        // The per-block factor is read off the theory at the shallowest depth; the limits are the theory's at the deepest.
        int shallow = depths[0], deep = depths[^1];
        double factor = Math.Pow(theoryAt["α = 1"][0], 1.0 / shallow);
        static string G(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
        result.Paragraphs.Insert(0, "Blocks x ← x + α·W₂ relu(W₁ x) with He-initialized W (fan_in): W₁x has variance 2·E[x²], relu keeps half " +
            "of its second moment, and W₂ doubles that again, so each block adds 2α²·E[x²] and the variance grows as (1 + 2α²)^L. " +
            $"With α = 1 that is {G(factor)}^L: {G(theoryAt["α = 1"][^1])} at L = {deep} in theory, {G(measuredAt["α = 1"][^1])} measured. " +
            "Scaling the branch by 1/√L (Yang & Schoenholz; Fixup-like) or 1/√(2L) (GPT-2's residual projections) keeps the growth bounded: " +
            $"(1 + 2/L)^L → e² = {G(Math.E * Math.E)} ({G(theoryAt["α = 1/√L"][^1])} at L = {deep} in theory, {G(measuredAt["α = 1/√L"][^1])} measured) " +
            $"and (1 + 1/L)^L → e = {G(Math.E)} ({G(theoryAt["α = 1/√(2L)"][^1])} in theory, {G(measuredAt["α = 1/√(2L)"][^1])} measured). " +
            $"Measured: mean ± spread (sample standard deviation) over {repeats} independently keyed networks.");
        result.Figures.Add((chart, $"Residual MLPs (He init in the branches): unscaled branches multiply the variance by {G(factor)} per block; 1/√L and 1/√(2L) keep it bounded. Bands: ± spread over {repeats} networks."));
        result.Headline = $"unscaled residual branches: variance (1 + 2α²)^L = {G(factor)}^L ({G(theoryAt["α = 1"][^1])} at L = {deep}); 1/√L and 1/√(2L) scaling: bounded (→ e² and e)";
        return result;
    }
}
