using System.Globalization;
using WeightInit.Models;
using WeightInit.Analysis.Experiments;
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
    public override ExperimentResult Summarize(IReadOnlyList<RunRecord> runs, TrainingSettings settings, DataFacts data)
    {
        var groups = RunGroup.Of(runs);
        var table = new ReportTable("activation", "standard: test error", "normalized: test error", "standard: test loss", "normalized: test loss");
        foreach (var a in Activations)
        {
            var s = groups.First(g => g.Tags["activation"] == a && g.Tags["init"] == "standard");
            var n = groups.First(g => g.Tags["activation"] == a && g.Tags["init"] == "normalized");
            table.AddRow(a, TestError(s), TestError(n), MeanF3(s, r => r.FinalTestLoss), MeanF3(n, r => r.FinalTestLoss));
        }
        var result = NewResult(settings, data, runs);
        result.Paragraphs.Add($"Network: {HiddenLayers} hidden layers of {settings.Width ?? DefaultWidth}, softmax; SGD lr {F3(settings.LearningRate ?? DefaultLearningRate)}, " +
            $"batch {settings.BatchSize ?? DefaultBatch}, {settings.Updates ?? DefaultUpdates} updates (the paper: 1000 units, batch 10, 5·10⁶ updates, tuned lr).");
        Finish(result, runs, settings, data, table);
        foreach (var g in groups)
            result.AddFigure(ActivationChart(g.Runs[0]), $"Glorot & Bengio Fig. 3/10, {g.Label}, seed {g.Runs[0].Seed ?? settings.Seed}: per-layer 98th percentile and standard deviation of the activations on 300 fixed test examples.",
                $"activations-{g.Id}.svg");
        return result;
    }
}

/// <summary>He et al. (2015) Figures 2–3: deep ReLU MLPs (22 and 30 weight layers), Xavier vs He init, fan_in vs fan_out.</summary>
/// <remarks>
/// "Xavier" here is He et al.'s reading of it (and Caffe's default): Var[w] = 1/n, a Gaussian; He's init is Var[w] = 2/n
/// (Eq. 10 with n = fan_in, Eq. 14 with n = fan_out). Training as in He et al. §3: SGD, momentum 0.9, weight decay 5·10⁻⁴, lr 0.01.
/// The paper's networks are convolutional (ImageNet); this is the MLP analogue.
/// </remarks>
public sealed class HeDepthTrainingExperiment : TrainingExperiment
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
    public override ExperimentResult Summarize(IReadOnlyList<RunRecord> runs, TrainingSettings settings, DataFacts data)
    {
        var table = new ReportTable("depth", "init", "test loss at start", "train loss at end", "test loss at end", "test error at end");
        foreach (var g in RunGroup.Of(runs))
            table.AddRow(g.Tags["depth"], g.Tags["init"], MeanF3(g, r => r.Curve[0].TestLoss), MeanF3(g, r => r.FinalTrainLoss), MeanF3(g, r => r.FinalTestLoss), TestError(g));
        var result = NewResult(settings, data, runs);
        result.Paragraphs.Add((settings.Architecture == "conv" ? $"Plain 3×3 convolutional nets ({settings.Width ?? DefaultChannels} channels, padding 1, dense head)" : $"MLPs of width {settings.Width ?? DefaultWidth}") +
            (settings.Activation == "prelu" ? " with learnable channel-wise PReLU (initial slope 0.25; He's init uses it)" : " with ReLU") + $"; SGD lr {F3(settings.LearningRate ?? DefaultLearningRate)}, momentum 0.9, weight decay 5e-4, " +
            $"batch {settings.BatchSize ?? DefaultBatch}, {settings.Updates ?? DefaultUpdates} updates. ln({data.ClassCount}) = {F3(Math.Log(data.ClassCount))} is the loss of a uniform guess.");
        Finish(result, runs, settings, data, table);
        return result;
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
    public override ExperimentResult Summarize(IReadOnlyList<RunRecord> runs, TrainingSettings settings, DataFacts data)
    {
        var groups = RunGroup.Of(runs);
        double chance = 1 - 1.0 / data.ClassCount;
        double best = groups.Min(g => g.Final(r => r.FinalTestError).Mean is var m && double.IsFinite(m) ? m : 1);
        double threshold = (chance + best) / 2;
        var depths = groups.Select(g => int.Parse(g.Tags["depth"], CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        var columns = new List<string> { "σw²", "χ₁", "ξ_c", "6·ξ_c", "deepest trainable" };
        columns.AddRange(depths.Select(d => $"error @ {d}"));
        var table = new ReportTable([.. columns]);
        var chart = new SvgChart { Title = "Final test error against depth", XAxis = AxisOptions.Log("depth (weight layers)"), YAxis = AxisOptions.Linear("test error") };
        int seeds = groups.Max(g => g.Runs.Count);
        foreach (var variance in groups.GroupBy(g => g.Tags["weight_variance"]))
        {
            double sw = double.Parse(variance.Key, CultureInfo.InvariantCulture);
            var mf = new MeanField(Activation.Tanh, sw, BiasVariance);
            var byDepth = variance.OrderBy(g => int.Parse(g.Tags["depth"], CultureInfo.InvariantCulture)).ToList();
            var finals = byDepth.Select(g => g.Final(r => r.FinalTestError)).ToList();
            var trainable = byDepth.Where((g, i) => finals[i].Mean <= threshold).Select(g => g.Tags["depth"]).LastOrDefault() ?? "none";
            var row = new List<object?> { variance.Key, F3(mf.Chi1), F3(mf.CorrelationDepthScale), F3(6 * mf.CorrelationDepthScale), trainable };
            row.AddRange(byDepth.Select(TestError));
            table.AddRow([.. row]);
            var x = byDepth.Select(g => double.Parse(g.Tags["depth"], CultureInfo.InvariantCulture)).ToList();
            chart.AddMeanWithSpread($"σw²={variance.Key}", x, finals.Select(f => f.Mean).ToList(), finals.Select(f => f.Spread).ToList(), markers: true);
        }
        var result = NewResult(settings, data, runs);
        result.Paragraphs.Add($"tanh MLPs of width {settings.Width ?? DefaultWidth}, weights N(0, σw²/fan_in), biases N(0, {BiasVariance}); SGD lr {F3(settings.LearningRate ?? DefaultLearningRate)}, momentum 0.9, " +
            $"batch {settings.BatchSize ?? DefaultBatch}, {settings.Updates ?? DefaultUpdates} updates. Trainable: mean final test error ≤ {TrainingRunner.Percent(threshold)} " +
            $"(halfway between chance {TrainingRunner.Percent(chance)} and the sweep's best mean {TrainingRunner.Percent(best)}). " +
            "Schoenholz et al. predict trainability up to about 6·ξ_c (infinite at the critical point, where χ₁ = 1).");
        Finish(result, runs, settings, data, table);
        result.AddFigure(chart, seeds == 1 ? "Final test error against depth, one line per σw²." : $"Final test error against depth, per σw² the mean ± one sample standard deviation over {seeds} seeds.", "depth.svg");
        return result;
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
    public override ExperimentResult Summarize(IReadOnlyList<RunRecord> runs, TrainingSettings settings, DataFacts data)
    {
        var table = new ReportTable("depth", "init", "test loss at start", "train loss at end", "test error at end", "LSUV rescalings");
        foreach (var g in RunGroup.Of(runs))
            table.AddRow(g.Tags["depth"], g.Tags["init"], MeanF3(g, r => r.Curve[0].TestLoss), MeanF3(g, r => r.FinalTrainLoss), TestError(g),
                g.Runs[0].Lsuv is null ? "—" : string.Join(", ", g.Runs.Select(r => (r.Lsuv?.Sum(l => l.Iterations) ?? 0).ToString(CultureInfo.InvariantCulture))));
        var result = NewResult(settings, data, runs);
        result.Paragraphs.Add($"{Activation} MLPs of width {settings.Width ?? DefaultWidth}; SGD lr {F3(settings.LearningRate ?? DefaultLearningRate)}, momentum 0.9, weight decay 5e-4, " +
            $"batch {settings.BatchSize ?? DefaultBatch}, {settings.Updates ?? DefaultUpdates} updates. LSUV: orthogonal, then each layer's pre-activation scaled to unit variance on {TrainingRunner.LsuvBatch} training examples " +
            "(rescalings: one count per seed).");
        Finish(result, runs, settings, data, table);
        return result;
    }
}
