using System.Globalization;
using WeightInit.Models;
using WeightInit.Random;
using WeightInit.Training.Data;
using WeightInit.Training.Optimization;

namespace WeightInit.Training.Experiments;

/// <summary>What the user chose for a training experiment; null fields take the experiment's defaults.</summary>
/// <param name="Data">shapeset, fashion-mnist, or a directory holding the four MNIST-format IDX files.</param>
/// <param name="Seed">Root seed: the data order, the Shapeset stream and every initial weight are keyed from it.</param>
/// <param name="Updates">SGD updates per run.</param>
/// <param name="Width">Units per hidden layer.</param>
/// <param name="Depths">Depths to train (weight layers), for the experiments that vary depth.</param>
/// <param name="LearningRate">Base learning rate.</param>
/// <param name="BatchSize">Examples per minibatch.</param>
/// <param name="TestExamples">Test examples evaluated at each curve point.</param>
/// <param name="Threads">Most threads (0: all processors); results do not depend on it.</param>
/// <param name="Schedule">Learning-rate schedule in the text form of <see cref="LearningRateSchedule.Parse"/>; null for constant.</param>
/// <param name="Architecture">For <c>he-depth</c>: "mlp" (dense layers, the default) or "conv" (3×3 convolutions, <see cref="Width"/> channels, dense head).</param>
/// <param name="Activation">For <c>he-depth</c>: "relu" (the default) or "prelu" (learnable channel-wise PReLU, He's init with its slope).</param>
/// <param name="Seeds">How many seeds (Seed, Seed + 1, …) an experiment trains each configuration for: its curves and tables give the mean ±
/// the spread over them (<see cref="TrainingRunner.RunSeeds"/>).</param>
public sealed record TrainingSettings(
    string Data = "shapeset", ulong Seed = 0, int? Updates = null, int? Width = null, IReadOnlyList<int>? Depths = null,
    double? LearningRate = null, int? BatchSize = null, int TestExamples = 2000, int Threads = 0, string? Schedule = null,
    string? Architecture = null, string? Activation = null, int Seeds = TrainingSettings.DefaultSeeds)
{
    /// <summary>The default <see cref="Seeds"/>: three, the fewest that give a spread worth drawing.</summary>
    public const int DefaultSeeds = 3;

    /// <summary>The values of <see cref="Architecture"/>.</summary>
    public static IReadOnlyList<string> Architectures { get; } = ["mlp", "conv"];

    /// <summary>The values of <see cref="Activation"/>.</summary>
    public static IReadOnlyList<string> Activations { get; } = ["relu", "prelu"];

    /// <summary>SGD settings: the given learning rate or <paramref name="defaultRate"/>, the given schedule or constant.</summary>
    public SgdOptions Sgd(double defaultRate, double momentum = 0, double weightDecay = 0) =>
        new(LearningRate ?? defaultRate, momentum, weightDecay, Schedule is null ? null : LearningRateSchedule.Parse(Schedule));

    /// <summary>The data choices besides a directory.</summary>
    public static IReadOnlyList<string> DataNames { get; } = ["shapeset", "fashion-mnist"];

    /// <summary>The widest <see cref="Width"/>: ⌊√<see cref="Array.MaxLength"/>⌋, so that a width × width weight matrix fits one array.</summary>
    public const int MaxWidth = 46340;

    /// <summary>The deepest of <see cref="Depths"/> (weight layers); far beyond any trainable plain network.</summary>
    public const int MaxDepth = 100_000;

    /// <summary>Throws when a field is out of range (the message names it).</summary>
    public void Validate()
    {
        if (Updates is < 1) throw new ArgumentException($"--updates must be positive; got {Updates}.");
        if (Width is < 1) throw new ArgumentException($"--width must be positive; got {Width}.");
        if (Width > MaxWidth)
            throw new ArgumentException($"--width must lie in 1..{MaxWidth} (a width × width weight matrix is one array of at most {Array.MaxLength} values); got {Width}.");
        if (Depths is { } d && (d.Count == 0 || d.Any(x => x < 1))) throw new ArgumentException($"--depths must be positive numbers; got {string.Join(",", d)}.");
        if (Depths is { } big && big.Any(x => x > MaxDepth))
            throw new ArgumentException($"--depths must lie in 1..{MaxDepth}; got {big.First(x => x > MaxDepth)}.");
        if (LearningRate is { } lr && !(lr > 0 && double.IsFinite(lr))) throw new ArgumentException($"--lr must be a positive number; got {lr}.");
        if (BatchSize is < 1) throw new ArgumentException($"--batch must be positive; got {BatchSize}.");
        if (TestExamples < 1) throw new ArgumentException($"--test-examples must be positive; got {TestExamples}.");
        if (Threads < 0) throw new ArgumentException($"--threads must be ≥ 0; got {Threads}.");
        if (Seeds < 1) throw new ArgumentException($"--seeds must be positive; got {Seeds}.");
        if (Schedule is not null) LearningRateSchedule.Parse(Schedule);
        CheckData();
        if (Architecture is not null && !Architectures.Contains(Architecture))
            throw new ArgumentException($"--arch must be one of {string.Join(", ", Architectures)}; got '{Architecture}'.");
        if (Activation is not null && !Activations.Contains(Activation))
            throw new ArgumentException($"--activation must be one of {string.Join(", ", Activations)}; got '{Activation}'.");
    }

    /// <summary>The root key.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public PhiloxKey Root => PhiloxKey.FromSeed(Seed);

    private void CheckData()
    {
        if (!DataNames.Contains(Data) && !Directory.Exists(Data))
            throw new ArgumentException($"--data '{Data}' is neither {string.Join(" nor ", DataNames)} nor an existing directory of MNIST-format IDX files."
                + WeightInit.Naming.Vocabulary.DidYouMean(Data, DataNames));
    }

    /// <summary>Opens the data: the Shapeset-3×2 stream, Debian's Fashion-MNIST, or the IDX files of a directory.</summary>
    /// <exception cref="FileNotFoundException">fashion-mnist was asked for and the Debian package is not installed (the message says how to install it).</exception>
    /// <exception cref="ArgumentException">Neither a known name nor an existing directory, or the directory's files are missing or malformed.</exception>
    public TrainingData OpenData()
    {
        var key = Root.Fold("data");
        switch (Data)
        {
            case "shapeset":
                return TrainingData.Shapeset(key, TestExamples, Threads);
            case "fashion-mnist":
                return TrainingData.Finite("Fashion-MNIST", FashionMnist.Load(), key, TestExamples);
            default:
                CheckData();
                return TrainingData.Finite(Path.GetFileName(Path.GetFullPath(Data).TrimEnd('/')), FashionMnist.Load(Data), key, TestExamples);
        }
    }
}

/// <summary>One training run of an experiment: the model, the optimizer and how long to train.</summary>
/// <param name="Id">A file-name-safe identifier, unique within the experiment.</param>
/// <param name="Label">A readable label for tables and legends.</param>
/// <param name="Model">The network.</param>
/// <param name="Optimizer">SGD settings.</param>
/// <param name="Trainer">Updates, batch size, evaluation interval.</param>
/// <param name="Lsuv">Whether LSUV rescales the weights after initialization.</param>
/// <param name="Tags">Values the summary groups by (activation, init, depth, …).</param>
public sealed record PlannedRun(string Id, string Label, ModelSpec Model, SgdOptions Optimizer, TrainerOptions Trainer, bool Lsuv, IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>Everything that determines the result, as one line: a cached result is reused only when this matches.</summary>
    public string Fingerprint(TrainingData data, ulong seed) => string.Create(CultureInfo.InvariantCulture,
        $"{Model}; data {data.Name} test {data.TestSet.Labels.Length}; seed {seed}; sgd lr={Optimizer.LearningRate:R} momentum={Optimizer.Momentum:R} decay={Optimizer.WeightDecay:R} schedule={Optimizer.EffectiveSchedule}; " +
        $"updates {Trainer.Updates} batch {Trainer.BatchSize} every {Trainer.EvaluateEvery} stats {Trainer.StatisticsExamples}; lsuv {Lsuv}");
}
