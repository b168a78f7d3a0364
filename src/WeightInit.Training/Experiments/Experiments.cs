using System.Globalization;
using WeightInit.Models;
using WeightInit.Reporting;
using WeightInit.Analysis.Theory;
using WeightInit.Gains;
using WeightInit.Training.Data;
using WeightInit.Training.Optimization;

namespace WeightInit.Training.Experiments;

/// <summary>Glorot &amp; Bengio (2010) Table 1: sigmoid, tanh and softsign MLPs, each with the standard U[±1/√n] and the normalized init.</summary>
/// <remarks>The paper's setup (paper-setups §1.3): 5 hidden layers of 1000 units, softmax output, zero biases, plain SGD on minibatches
/// of 10 examples with a tuned constant learning rate, 5 million updates on the Shapeset-3×2 stream. Width and updates scale down.</remarks>
public sealed class GlorotTableExperiment : TrainingExperiment
{
    /// <summary>Hidden layers, as in the paper.</summary>
    public const int HiddenLayers = 5;
    /// <summary>Default units per hidden layer (the paper's 1000).</summary>
    public const int DefaultWidth = 1000;
    /// <summary>Minibatch size, as in the paper.</summary>
    public const int DefaultBatch = 10;
    /// <summary>Default updates (the paper ran 5·10⁶).</summary>
    public const int DefaultUpdates = 20_000;
    /// <summary>Default learning rate (the paper tuned it per model and does not state it).</summary>
    public const double DefaultLearningRate = 0.05;

    /// <summary>The activations of Table 1.</summary>
    public static IReadOnlyList<string> Activations { get; } = ["sigmoid", "tanh", "softsign"];

    /// <summary>The two inits: Eq. (1) and Eq. (16).</summary>
    public static IReadOnlyList<(string Name, string Spec)> Inits { get; } = [("standard", "glorot_standard"), ("normalized", "glorot_uniform")];

    /// <inheritdoc/>
    public override string Name => "glorot-table";

    /// <inheritdoc/>
    public override string Title => "Glorot & Bengio Table 1: test error of 5-hidden-layer MLPs, standard vs normalized init";

    /// <inheritdoc/>
    public override IReadOnlyList<PlannedRun> Plan(TrainingSettings settings, TrainingData data)
    {
        int width = settings.Width ?? DefaultWidth, updates = settings.Updates ?? DefaultUpdates, batch = settings.BatchSize ?? DefaultBatch;
        var sgd = settings.Sgd(DefaultLearningRate);
        var runs = new List<PlannedRun>();
        foreach (var activation in Activations)
            foreach (var (init, spec) in Inits)
                runs.Add(new PlannedRun($"{activation}-{init}", $"{activation} {init}",
                    TrainingModels.Mlp(data.InputSize, HiddenLayers, width, activation, data.ClassCount, spec),
                    sgd, new TrainerOptions(updates, batch, Every(updates), 300, settings.Threads), false,
                    Tags(("activation", activation), ("init", init))));
        return runs;
    }

    /// <inheritdoc/>
    public override ExperimentOutcome Summarize(IReadOnlyList<RunRecord> runs, TrainingSettings settings, TrainingData data)
    {
        string[] columns = ["activation", "standard: test error", "normalized: test error", "standard: test loss", "normalized: test loss"];
        var rows = Activations.Select(a =>
        {
            var s = runs.First(r => r.Tags["activation"] == a && r.Tags["init"] == "standard").Result;
            var n = runs.First(r => r.Tags["activation"] == a && r.Tags["init"] == "normalized").Result;
            return (IReadOnlyList<string>)[a, TestError(s), TestError(n), F3(s.FinalTestLoss), F3(n.FinalTestLoss)];
        }).ToList();
        string md = Header(settings, data, runs) +
            $"Network: {HiddenLayers} hidden layers of {settings.Width ?? DefaultWidth}, softmax; SGD lr {F3(settings.LearningRate ?? DefaultLearningRate)}, " +
            $"batch {settings.BatchSize ?? DefaultBatch}, {settings.Updates ?? DefaultUpdates} updates (the paper: 1000 units, batch 10, 5·10⁶ updates, tuned lr).\n\n" +
            MarkdownTable(columns, rows) +
            "\nFigures: error.svg (test error over updates), activations-RUN.svg (Glorot & Bengio Fig. 3/10: per-layer 98th percentile and std of the activations on 300 fixed test examples).\n";
        var figures = new Dictionary<string, SvgChart> { ["error.svg"] = ErrorChart("Test error during training", runs) };
        foreach (var r in runs) figures[$"activations-{r.Id}.svg"] = ActivationChart(r);
        return new ExperimentOutcome(md, figures, TableRows(columns, rows));
    }
}

/// <summary>He et al. (2015) Figures 2–3: deep ReLU MLPs (22 and 30 weight layers), Xavier vs He init, fan_in vs fan_out.</summary>
/// <remarks>
/// "Xavier" here is He et al.'s reading of it (and Caffe's default): Var[w] = 1/n, a Gaussian; He's init is Var[w] = 2/n
/// (Eq. 10 with n = fan_in, Eq. 14 with n = fan_out). Training as in He et al. §3: SGD, momentum 0.9, weight decay 5·10⁻⁴, lr 0.01.
/// The paper's networks are convolutional (ImageNet); this is the MLP analogue.
/// </remarks>
public sealed class HeDepthExperiment : TrainingExperiment
{
    /// <summary>Default depths in weight layers (He et al.'s 22-layer model B and 30-layer small model).</summary>
    public static IReadOnlyList<int> DefaultDepths { get; } = [22, 30];
    /// <summary>Default width.</summary>
    public const int DefaultWidth = 256;
    /// <summary>Default minibatch.</summary>
    public const int DefaultBatch = 64;
    /// <summary>Default updates.</summary>
    public const int DefaultUpdates = 1000;
    /// <summary>Default learning rate (He et al.'s initial rate).</summary>
    public const double DefaultLearningRate = 0.01;

    /// <summary>The four inits compared.</summary>
    public static IReadOnlyList<(string Name, string Spec)> Inits { get; } =
    [
        ("xavier fan_in", "variance_scaling(scale=1, mode=fan_in, distribution=normal)"),
        ("xavier fan_out", "variance_scaling(scale=1, mode=fan_out, distribution=normal)"),
        ("he fan_in", "he_normal(mode=fan_in)"),
        ("he fan_out", "he_normal(mode=fan_out)"),
    ];

    /// <inheritdoc/>
    public override string Name => "he-depth";

    /// <inheritdoc/>
    public override string Title => "He et al. Fig. 2-3: deep ReLU networks, Xavier vs He init (fan_in and fan_out)";

    /// <summary>Default channels of the convolutional variant (<c>--arch conv</c>).</summary>
    public const int DefaultChannels = 8;

    /// <summary>He's init for a PReLU net: the variance 2/((1+a²)·n) uses the initial slope a (He et al. 2015, eq. 15).</summary>
    public static string PReluSpec(string spec) =>
        spec.StartsWith("he_normal(", StringComparison.Ordinal)
            ? spec.Replace(")", string.Create(CultureInfo.InvariantCulture, $", negative_slope={Gains.Activation.DefaultPReluSlope:R})"), StringComparison.Ordinal)
            : spec;

    /// <inheritdoc/>
    /// <remarks>
    /// <see cref="TrainingSettings.Architecture"/> "conv" trains plain stacks of depth − 1 3×3 convolutions (stride 1, padding 1,
    /// <see cref="TrainingSettings.Width"/> channels, default <see cref="DefaultChannels"/>) and a dense head on square one-channel images;
    /// <see cref="TrainingSettings.Activation"/> "prelu" puts a learnable channel-wise PReLU (initial slope 0.25) after each hidden layer
    /// and gives He's init that slope. Run ids keep the plain ReLU MLP's form ("relu22-he-fan_in") and gain "conv-" / "prelu" otherwise.
    /// </remarks>
    public override IReadOnlyList<PlannedRun> Plan(TrainingSettings settings, TrainingData data)
    {
        bool conv = settings.Architecture == "conv", prelu = settings.Activation == "prelu";
        int width = settings.Width ?? (conv ? DefaultChannels : DefaultWidth), updates = settings.Updates ?? DefaultUpdates, batch = settings.BatchSize ?? DefaultBatch;
        int side = (int)Math.Round(Math.Sqrt(data.InputSize));
        if (conv && side * side != data.InputSize)
            throw new ArgumentException($"--arch conv needs square one-channel images; {data.Name} has {data.InputSize} input features.");
        var sgd = settings.Sgd(DefaultLearningRate, momentum: 0.9, weightDecay: 5e-4);
        LayerSpec activation = prelu ? new PRelu(Gains.Activation.DefaultPReluSlope, ChannelWise: true) : new ActivationLayer("relu");
        string act = prelu ? "prelu" : "relu";
        var runs = new List<PlannedRun>();
        foreach (int depth in settings.Depths ?? DefaultDepths)
            foreach (var (init, plainSpec) in Inits)
            {
                string spec = prelu ? PReluSpec(plainSpec) : plainSpec;
                var model = conv ? TrainingModels.ConvNet(side, depth - 1, width, activation, data.ClassCount, spec)
                    : prelu ? TrainingModels.Mlp(data.InputSize, depth - 1, width, activation, data.ClassCount, spec)
                    : TrainingModels.Mlp(data.InputSize, depth - 1, width, "relu", data.ClassCount, spec);
                runs.Add(new PlannedRun($"{(conv ? "conv-" : "")}{act}{depth}-{init.Replace(' ', '-')}",
                    $"{depth} layers{(conv ? " conv" : "")}{(prelu ? " PReLU" : "")}, {init}",
                    model, sgd, new TrainerOptions(updates, batch, Every(updates), 300, settings.Threads), false,
                    Tags(("depth", depth.ToString(CultureInfo.InvariantCulture)), ("init", init))));
            }
        return runs;
    }

    /// <inheritdoc/>
    public override ExperimentOutcome Summarize(IReadOnlyList<RunRecord> runs, TrainingSettings settings, TrainingData data)
    {
        string[] columns = ["depth", "init", "test loss at start", "train loss at end", "test loss at end", "test error at end"];
        var rows = runs.Select(r => (IReadOnlyList<string>)[r.Tags["depth"], r.Tags["init"], F3(r.Result.Curve[0].TestLoss), F3(r.Result.FinalTrainLoss),
            F3(r.Result.FinalTestLoss), TestError(r.Result)]).ToList();
        string md = Header(settings, data, runs) +
            (settings.Architecture == "conv" ? $"Plain 3×3 convolutional nets ({settings.Width ?? DefaultChannels} channels, padding 1, dense head)" : $"MLPs of width {settings.Width ?? DefaultWidth}") +
            (settings.Activation == "prelu" ? " with learnable channel-wise PReLU (initial slope 0.25; He's init uses it)" : " with ReLU") + $"; SGD lr {F3(settings.LearningRate ?? DefaultLearningRate)}, momentum 0.9, weight decay 5e-4, " +
            $"batch {settings.BatchSize ?? DefaultBatch}, {settings.Updates ?? DefaultUpdates} updates. ln({data.ClassCount}) = {F3(Math.Log(data.ClassCount))} is the loss of a uniform guess.\n\n" +
            MarkdownTable(columns, rows) + "\nFigures: loss.svg (training loss), error.svg (test error).\n";
        return LossAndErrorOutcome(md, runs, columns, rows);
    }
}

/// <summary>Schoenholz et al. (2017): the deepest trainable tanh MLP per weight variance σ_w² (σ_b² = 0.05), against the mean-field bound 6·ξ_c.</summary>
/// <remarks>
/// Weights N(0, σ_w²/fan_in), biases N(0, σ_b²). A network counts as trainable when its final test error is at most halfway between
/// chance and the best error of the sweep. ξ_c = −1/ln χ_c comes from <see cref="MeanField"/>; at the critical σ_w² it diverges.
/// </remarks>
public sealed class DepthSweepExperiment : TrainingExperiment
{
    /// <summary>Bias variance, as in Schoenholz et al.'s trainability figures.</summary>
    public const double BiasVariance = 0.05;
    /// <summary>Default depths in weight layers.</summary>
    public static IReadOnlyList<int> DefaultDepths { get; } = [5, 10, 20, 40, 80];
    /// <summary>Default width.</summary>
    public const int DefaultWidth = 128;
    /// <summary>Default minibatch.</summary>
    public const int DefaultBatch = 64;
    /// <summary>Default updates.</summary>
    public const int DefaultUpdates = 500;
    /// <summary>Default learning rate.</summary>
    public const double DefaultLearningRate = 0.005;

    /// <summary>The weight variances swept: ordered, near-critical (computed), chaotic.</summary>
    public static IReadOnlyList<double> WeightVariances { get; } =
        [1.0, Math.Round(MeanField.CriticalWeightVariance(Activation.Tanh, BiasVariance), 3), 2.5, 4.0];

    /// <inheritdoc/>
    public override string Name => "depth-sweep";

    /// <inheritdoc/>
    public override string Title => "Deepest trainable tanh network per weight variance vs the mean-field bound 6·ξ_c";

    /// <inheritdoc/>
    public override IReadOnlyList<PlannedRun> Plan(TrainingSettings settings, TrainingData data)
    {
        int width = settings.Width ?? DefaultWidth, updates = settings.Updates ?? DefaultUpdates, batch = settings.BatchSize ?? DefaultBatch;
        var sgd = settings.Sgd(DefaultLearningRate, momentum: 0.9);
        string bias = $"normal(std={Math.Sqrt(BiasVariance).ToString("R", CultureInfo.InvariantCulture)})";
        var runs = new List<PlannedRun>();
        foreach (double sw in WeightVariances)
            foreach (int depth in settings.Depths ?? DefaultDepths)
            {
                string s = sw.ToString("R", CultureInfo.InvariantCulture);
                runs.Add(new PlannedRun($"tanh-sw{s}-depth{depth}", $"σw²={s}, {depth} layers",
                    TrainingModels.Mlp(data.InputSize, depth - 1, width, "tanh", data.ClassCount, $"variance_scaling(scale={s}, mode=fan_in, distribution=normal)", bias),
                    sgd, new TrainerOptions(updates, batch, Every(updates), 0, settings.Threads), false,
                    Tags(("weight_variance", s), ("depth", depth.ToString(CultureInfo.InvariantCulture)))));
            }
        return runs;
    }

    /// <inheritdoc/>
    public override ExperimentOutcome Summarize(IReadOnlyList<RunRecord> runs, TrainingSettings settings, TrainingData data)
    {
        double chance = 1 - 1.0 / data.ClassCount;
        double best = runs.Min(r => double.IsFinite(r.Result.FinalTestError) ? r.Result.FinalTestError : 1);
        double threshold = (chance + best) / 2;
        var depths = runs.Select(r => int.Parse(r.Tags["depth"], CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        var columns = new List<string> { "σw²", "χ₁", "ξ_c", "6·ξ_c", "deepest trainable" };
        columns.AddRange(depths.Select(d => $"error @ {d}"));
        var chart = new SvgChart { Title = "Final test error against depth", XAxis = AxisOptions.Log("depth (weight layers)"), YAxis = AxisOptions.Linear("test error") };
        var rows = new List<IReadOnlyList<string>>();
        foreach (var group in runs.GroupBy(r => r.Tags["weight_variance"]))
        {
            double sw = double.Parse(group.Key, CultureInfo.InvariantCulture);
            var mf = new MeanField(Activation.Tanh, sw, BiasVariance);
            var byDepth = group.OrderBy(r => int.Parse(r.Tags["depth"], CultureInfo.InvariantCulture)).ToList();
            var trainable = byDepth.Where(r => r.Result.FinalTestError <= threshold).Select(r => r.Tags["depth"]).LastOrDefault() ?? "none";
            var row = new List<string> { group.Key, F3(mf.Chi1), F3(mf.CorrelationDepthScale), F3(6 * mf.CorrelationDepthScale), trainable };
            row.AddRange(byDepth.Select(r => TrainingRunner.Percent(r.Result.FinalTestError)));
            rows.Add(row);
            chart.AddLine($"σw²={group.Key}", byDepth.Select(r => double.Parse(r.Tags["depth"], CultureInfo.InvariantCulture)).ToList(), byDepth.Select(r => r.Result.FinalTestError).ToList(), markers: true);
        }
        string md = Header(settings, data, runs) +
            $"tanh MLPs of width {settings.Width ?? DefaultWidth}, weights N(0, σw²/fan_in), biases N(0, {BiasVariance}); SGD lr {F3(settings.LearningRate ?? DefaultLearningRate)}, momentum 0.9, " +
            $"batch {settings.BatchSize ?? DefaultBatch}, {settings.Updates ?? DefaultUpdates} updates. Trainable: final test error ≤ {TrainingRunner.Percent(threshold)} " +
            $"(halfway between chance {TrainingRunner.Percent(chance)} and the sweep's best {TrainingRunner.Percent(best)}). " +
            "Schoenholz et al. predict trainability up to about 6·ξ_c (infinite at the critical point, where χ₁ = 1).\n\n" +
            MarkdownTable(columns, rows) + "\nFigure: depth.svg (final test error against depth).\n";
        return new ExperimentOutcome(md, new Dictionary<string, SvgChart> { ["depth.svg"] = chart }, TableRows(columns, rows));
    }
}

/// <summary>LSUV (Mishkin &amp; Matas 2016) against orthogonal, Xavier and He init on a deep MLP; <c>lsuv</c> uses ReLU, <c>orthogonal</c> tanh.</summary>
/// <remarks>LSUV = orthogonal pre-initialization, then <see cref="Initialization.Lsuv"/> on 256 training examples (tolerance 0.02, at most 20 rescalings per layer).</remarks>
public sealed class InitComparisonExperiment(string name, string activation) : TrainingExperiment
{
    /// <summary>Default depth in weight layers.</summary>
    public const int DefaultDepth = 22;
    /// <summary>Default width.</summary>
    public const int DefaultWidth = 256;
    /// <summary>Default minibatch.</summary>
    public const int DefaultBatch = 64;
    /// <summary>Default updates.</summary>
    public const int DefaultUpdates = 1000;
    /// <summary>Default learning rate.</summary>
    public const double DefaultLearningRate = 0.01;

    /// <summary>The activation of every hidden layer.</summary>
    public string Activation { get; } = activation;

    /// <inheritdoc/>
    public override string Name { get; } = name;

    /// <inheritdoc/>
    public override string Title => $"LSUV vs orthogonal, Xavier and He init: {Activation} MLP";

    private IReadOnlyList<(string Name, string Spec, bool Lsuv)> Inits =>
    [
        ("lsuv", "orthogonal", true),
        ("orthogonal", Activation == "relu" ? "orthogonal(gain=relu)" : "orthogonal", false),
        ("xavier", "glorot_normal", false),
        ("he", "he_normal", false),
    ];

    /// <inheritdoc/>
    public override IReadOnlyList<PlannedRun> Plan(TrainingSettings settings, TrainingData data)
    {
        int width = settings.Width ?? DefaultWidth, updates = settings.Updates ?? DefaultUpdates, batch = settings.BatchSize ?? DefaultBatch;
        var sgd = settings.Sgd(DefaultLearningRate, momentum: 0.9, weightDecay: 5e-4);
        var runs = new List<PlannedRun>();
        foreach (int depth in settings.Depths ?? [DefaultDepth])
            foreach (var (init, spec, lsuv) in Inits)
                runs.Add(new PlannedRun($"{Activation}{depth}-{init}", $"{depth} layers, {init}",
                    TrainingModels.Mlp(data.InputSize, depth - 1, width, Activation, data.ClassCount, spec),
                    sgd, new TrainerOptions(updates, batch, Every(updates), 300, settings.Threads), lsuv,
                    Tags(("depth", depth.ToString(CultureInfo.InvariantCulture)), ("init", init))));
        return runs;
    }

    /// <inheritdoc/>
    public override ExperimentOutcome Summarize(IReadOnlyList<RunRecord> runs, TrainingSettings settings, TrainingData data)
    {
        string[] columns = ["depth", "init", "test loss at start", "train loss at end", "test error at end", "LSUV rescalings"];
        var rows = runs.Select(r => (IReadOnlyList<string>)[r.Tags["depth"], r.Tags["init"], F3(r.Result.Curve[0].TestLoss), F3(r.Result.FinalTrainLoss),
            TestError(r.Result),
            r.Lsuv is null ? "—" : r.Lsuv.Sum(l => l.Iterations).ToString(CultureInfo.InvariantCulture)]).ToList();
        string md = Header(settings, data, runs) +
            $"{Activation} MLPs of width {settings.Width ?? DefaultWidth}; SGD lr {F3(settings.LearningRate ?? DefaultLearningRate)}, momentum 0.9, weight decay 5e-4, " +
            $"batch {settings.BatchSize ?? DefaultBatch}, {settings.Updates ?? DefaultUpdates} updates. LSUV: orthogonal, then each layer's pre-activation scaled to unit variance on {TrainingRunner.LsuvBatch} training examples.\n\n" +
            MarkdownTable(columns, rows) + "\nFigures: loss.svg, error.svg.\n";
        return LossAndErrorOutcome(md, runs, columns, rows);
    }
}
