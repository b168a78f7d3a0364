using WeightInit.Reporting;
using WeightInit.Random;

namespace WeightInit.Reporting.Tests;

/// <summary>A report with every chart kind, built from fixed keys: the input of the determinism and browser tests.</summary>
internal static class SampleReport
{
    public const int FigureCount = 8;

    public static ReportDocument Build()
    {
        var report = new ReportDocument("Charts <sample> & checks")
        {
            Subtitle = "Every chart kind of WeightInit.Reporting, from fixed keys.",
            Summary = new ReportTable("Initializer", "Var[h] at layer 10", "Overflow layer")
                .AddRow("He normal", 1.0213, null)
                .AddRow("Glorot uniform", 0.00123, null)
                .AddRow("N(0, 1) | no scaling", double.PositiveInfinity, 12),
        };

        var layers = Enumerable.Range(1, 20).Select(i => (double)i).ToArray();
        var he = layers.Select(l => 1.0 + 0.02 * Math.Sin(l)).ToArray();
        var glorot = layers.Select(l => Math.Pow(0.5, l)).ToArray();
        var unscaled = layers.Select(l => l < 12 ? Math.Pow(1e3, l) : double.PositiveInfinity).ToArray();
        unscaled[15] = double.NaN;
        report.AddSection("Variance per layer")
            .AddParagraph("Var[h] per layer on a log axis; the unscaled network overflows float32 from layer 12 on.")
            .AddFigure(new SvgChart { Title = "Variance per layer", XAxis = AxisOptions.Linear("layer"), YAxis = AxisOptions.Log("Var[h]") }
                .AddLine("He normal", layers, he, markers: true)
                .AddLine("Glorot uniform", layers, glorot, markers: true)
                .AddLine("N(0, 1)", layers, unscaled, markers: true, dash: LineDash.Dashed), "Variance of the pre-activations per layer.");

        var edges = HistogramSeries.UniformEdges(-1, 1, 40);
        var activations = new SvgChart
        {
            Title = "Activation values per layer (tanh)",
            XAxis = AxisOptions.Linear("activation value"),
            YAxis = AxisOptions.Linear("density"),
        };
        var key = PhiloxKey.FromSeed(2010);
        for (int layer = 1; layer <= 5; layer++)
        {
            double std = 1.5 / layer;
            var samples = Normals(key.Fold((ulong)layer), 4000).Select(z => Math.Tanh(std * z)).ToArray();
            activations.Add(HistogramSeries.FromSamples($"layer {layer}", samples, edges));
        }

        report.AddSection("Activation histograms")
            .AddFigure(activations, "Overlaid activation histograms, as in Glorot & Bengio (2010), Figs. 6-8.");

        var singularEdges = HistogramSeries.UniformEdges(0, 3, 30);
        var orthogonal = new double[30];
        orthogonal[9] = 1;
        var gaussian = Enumerable.Range(0, 30).Select(i => Math.Max(0, 1 - Math.Abs(i - 10) / 10.0) / 10).ToArray();
        report.AddSection("Singular values")
            .AddTable(new ReportTable("Initializer", "σ_max", "σ_min").AddRow("orthogonal", 1.0, 1.0).AddRow("Gaussian", 2.0, 0.001), "Extreme singular values.")
            .AddFigure(new SvgChart { Title = "Singular values", XAxis = AxisOptions.Linear("σ"), YAxis = AxisOptions.Linear("share"), HistogramLayout = HistogramLayout.SideBySide }
                .AddHistogram("orthogonal", singularEdges, orthogonal)
                .AddHistogram("Gaussian", singularEdges, gaussian), "Singular value distributions, side by side.");

        var weightVariances = Enumerable.Range(0, 25).Select(i => 0.5 + i * 0.1).ToArray();
        var biasVariances = Enumerable.Range(0, 20).Select(i => i * 0.05).ToArray();
        var depthScale = new double[biasVariances.Length, weightVariances.Length];
        for (int r = 0; r < biasVariances.Length; r++)
        {
            for (int c = 0; c < weightVariances.Length; c++)
            {
                double chi = weightVariances[c] / (1 + biasVariances[r]);
                depthScale[r, c] = 1 / Math.Abs(Math.Log(chi));
            }
        }

        var criticalLine = biasVariances.Select(b => 1 + b).ToArray();
        report.AddSection("Phase diagram")
            .AddFigure(new SvgChart { Title = "Depth scale", XAxis = AxisOptions.Linear("σ_w²"), YAxis = AxisOptions.Linear("σ_b²") }
                .SetHeatmap(Heatmap.FromCenters(weightVariances, biasVariances, depthScale) with { ColorTitle = "depth scale ξ", ColorScale = AxisScale.Log10, ColorMax = 1e3 })
                .AddLine("χ₁ = 1", criticalLine, biasVariances), "Phase diagram over (σ_w², σ_b²) with the χ₁ = 1 line.");

        var depths = Enumerable.Range(0, 30).Select(i => (double)i).ToArray();
        var mean = depths.Select(d => Math.Pow(1.1, d)).ToArray();
        var spread = mean.Select((m, i) => m * (0.2 + 0.05 * i)).ToArray();
        report.AddSection("Variance vs depth")
            .AddFigure(new SvgChart { Title = "Variance vs depth", XAxis = AxisOptions.Linear("depth"), YAxis = AxisOptions.Log("Var[h]") }
                .AddMeanWithSpread("mean ± sd over 8 seeds", depths, mean, spread), "Mean ± one standard deviation; the band is cut where mean − sd ≤ 0.");

        var steps = Enumerable.Range(0, 200).Select(i => (double)i * 10).ToArray();
        report.AddSection("Training")
            .AddFigure(new SvgChart { Title = "Training loss", XAxis = AxisOptions.Linear("step"), YAxis = AxisOptions.SymLog("loss − baseline", 0.01) }
                .AddLine("He", steps, steps.Select(s => 2 * Math.Exp(-s / 300) - 0.02).ToArray())
                .AddLine("Glorot", steps, steps.Select(s => 2 * Math.Exp(-s / 500)).ToArray(), dash: LineDash.Dotted), "Training curves on a symlog axis.")
            .AddFigure(new SvgChart { Title = "Gradient norm vs loss", XAxis = AxisOptions.Log("gradient norm"), YAxis = AxisOptions.Linear("loss") }
                .AddScatter("runs", Enumerable.Range(-30, 61).Select(k => Math.Pow(10, k)).ToArray(), Enumerable.Range(-30, 61).Select(k => Math.Abs(k) / 10.0).ToArray()),
                "Scatter over sixty decades (log x).")
            .AddFigure(new SvgChart { Title = "Nothing drawable", YAxis = AxisOptions.Log("y") }
                .AddLine("all non-positive", [1.0, 2, 3], [0.0, -1, double.NaN]), "A chart whose data cannot be drawn still renders, with notes.");
        return report;
    }

    private static double[] Normals(PhiloxKey key, int count)
    {
        var result = new double[count];
        for (int i = 0; i < count; i += 2)
        {
            var (x0, x1, _, _) = key.Block((ulong)(i / 2));
            // Box–Muller on two 32-bit words; (w + 0.5)/2^32 lies strictly inside (0, 1).
            double u1 = (x0 + 0.5) / 4294967296.0, u2 = (x1 + 0.5) / 4294967296.0;
            double radius = Math.Sqrt(-2 * Math.Log(u1));
            result[i] = radius * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < count)
            {
                result[i + 1] = radius * Math.Sin(2 * Math.PI * u2);
            }
        }

        return result;
    }
}
