using WeightInit.Models;
using WeightInit.Training.Experiments;
using WeightInit.Training.Optimization;

namespace WeightInit.Training.Tests.Experiments;

/// <summary>he-depth's convolutional (<c>--arch conv</c>) and learnable-PReLU (<c>--activation prelu</c>) variants, at toy sizes.</summary>
public class HeDepthVariantTests
{
    private static TrainingSettings Tiny(string? arch, string? activation, int threads = 1) =>
        new("shapeset", Seed: 5, Updates: 3, Width: 2, Depths: [3], BatchSize: 2, TestExamples: 10, Threads: threads, Architecture: arch, Activation: activation);

    private static IReadOnlyList<RunRecord> Run(TrainingSettings settings)
    {
        var data = settings.OpenData();
        return TrainingRunner.Run(new HeDepthTrainingExperiment().Plan(settings, data), data, settings, directory: null);
    }

    [Fact]
    public void Conv_PlansThreeByThreeConvStacksWithADenseHead()
    {
        var settings = Tiny("conv", null) with { Depths = [22, 30] };
        var plan = new HeDepthTrainingExperiment().Plan(settings, settings.OpenData());
        Assert.Equal(8, plan.Count);
        foreach (var run in plan)
        {
            int depth = int.Parse(run.Tags["depth"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.StartsWith("conv-relu", run.Id, StringComparison.Ordinal);
            Assert.Equal(FeatureShape.Image(1, 32, 32), run.Model.Input);
            var convs = run.Model.Layers.OfType<Conv2d>().ToList();
            Assert.Equal(depth - 1, convs.Count);
            Assert.All(convs, c => Assert.Equal(new Conv2d(2, 3, 1, 1), c));
            Assert.Equal(depth, run.Model.Layers.Count(l => l is Conv2d or Dense));
            // The head reads channels × 32 × 32 features.
            var shapes = run.Model.Infer();
            Assert.Equal(2 * 32 * 32, shapes.Layers.Single(l => l.Layer is Dense).Input.ElementCount);
        }
    }

    [Fact]
    public void Conv_Trains_AndIsDeterministicAcrossRunsAndThreadCounts()
    {
        var first = Run(Tiny("conv", null));
        var again = Run(Tiny("conv", null));
        var twoThreads = Run(Tiny("conv", null, threads: 2));
        Assert.Equal(4, first.Count);
        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Result.Curve, again[i].Result.Curve);
            Assert.Equal(first[i].Result.Curve, twoThreads[i].Result.Curve);
            Assert.Equal(3, first[i].Result.UpdatesDone);
            Assert.All(first[i].Result.Curve, p => Assert.True(double.IsFinite(p.TestLoss), $"{first[i].Id}: test loss {p.TestLoss}"));
        }
        // Different inits give different starting losses: the conv weights are really drawn from the planned initializers.
        Assert.Equal(4, first.Select(r => r.Result.Curve[0].TestLoss).Distinct().Count());
    }

    [Fact]
    public void PRelu_UsesLearnableChannelWiseSlopes_AndHeInitWithTheSlope()
    {
        var settings = Tiny(null, "prelu");
        var plan = new HeDepthTrainingExperiment().Plan(settings, settings.OpenData());
        Assert.Equal(["prelu3-xavier-fan_in", "prelu3-xavier-fan_out", "prelu3-he-fan_in", "prelu3-he-fan_out"], plan.Select(r => r.Id));
        Assert.Equal("he_normal(mode=fan_in, negative_slope=0.25)", plan[2].Model.WeightInitializer);
        Assert.Equal("he_normal(mode=fan_out, negative_slope=0.25)", plan[3].Model.WeightInitializer);
        Assert.Equal("variance_scaling(scale=1, mode=fan_in, distribution=normal)", plan[0].Model.WeightInitializer);
        Assert.All(plan, r => Assert.Equal(2, r.Model.Layers.OfType<PRelu>().Count(p => p == new PRelu(0.25, ChannelWise: true))));

        // The slopes start at 0.25 and move with training.
        var run = plan[2];
        var data = settings.OpenData();
        var network = Network.Build(run.Model, settings.Root.Fold("model"), 1);
        var slopes = network.Parameters.Where(p => p.Name.EndsWith(".slope", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, slopes.Count);
        Assert.All(slopes, s => Assert.Equal(2, s.Value.Length));
        Assert.All(slopes, s => Assert.All(s.Value, a => Assert.Equal(0.25f, a)));
        new Trainer(network, data, run.Optimizer, run.Trainer with { Updates = 20 }).Run();
        Assert.Contains(slopes.SelectMany(s => s.Value), a => a != 0.25f);
    }

    [Fact]
    public void ConvPRelu_RunsDeterministically()
    {
        var a = Run(Tiny("conv", "prelu"));
        var b = Run(Tiny("conv", "prelu"));
        Assert.Equal(a.Select(r => r.Id), b.Select(r => r.Id));
        Assert.All(a, r => Assert.StartsWith("conv-prelu3-", r.Id, StringComparison.Ordinal));
        Assert.Equal(a.Select(r => r.Result.Curve), b.Select(r => r.Result.Curve));
    }

    [Theory]
    [InlineData(46341, null, "--width must lie in 1..46340")]
    [InlineData(null, 100_001, "--depths must lie in 1..100000")]
    public void Settings_WidthOrDepthPastWhatAnArrayHolds_Refused(int? width, int? depth, string named)
    {
        var settings = new TrainingSettings(Width: width, Depths: depth is { } d ? [3, d] : null);
        Assert.Contains(named, Assert.Throws<ArgumentException>(settings.Validate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckFits_RunPastTheMemoryAvailable_RefusedNamingTheRun()
    {
        // 46340² weights per layer (just within one array), 22 layers: 4·3·22·46340² bytes ≈ 527 GiB with gradients and momenta.
        var settings = new TrainingSettings(Width: 46340, Depths: [22], Updates: 1, TestExamples: 10, Seeds: 1);
        var experiment = TrainingExperiment.Find("he-depth");
        var plan = experiment.Plan(settings, settings.OpenData());
        var e = Assert.Throws<ArgumentException>(() => TrainingRunner.CheckFits(plan));
        Assert.Contains("22 layers", e.Message, StringComparison.Ordinal);
        Assert.Contains("GiB of memory available", e.Message, StringComparison.Ordinal);
        TrainingRunner.CheckFits(experiment.Plan(settings with { Width = 8 }, settings.OpenData()));
    }

    [Theory]
    [InlineData("lstm", null, "--arch")]
    [InlineData(null, "tanh", "--activation")]
    public void BadVariant_MessageNamesTheChoices(string? arch, string? activation, string option)
    {
        var e = Assert.Throws<ArgumentException>(() => Tiny(arch, activation).Validate());
        Assert.Contains(option, e.Message, StringComparison.Ordinal);
        Assert.Contains(arch is null ? "relu, prelu" : "mlp, conv", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_StatesTheLearningRateItWasGiven()
    {
        var settings = Tiny(null, null) with { LearningRate = 0.025 };
        var data = settings.OpenData();
        var outcome = new HeDepthTrainingExperiment().Summarize(Run(settings), settings, DataFacts.Of(data));
        string prose = string.Join("\n", outcome.Paragraphs);
        Assert.True(prose.Contains("SGD lr 0.025, momentum 0.9, weight decay 5e-4, batch 2, 3 updates.", StringComparison.Ordinal), prose);
        Assert.DoesNotContain("{", prose, StringComparison.Ordinal);
    }
}
