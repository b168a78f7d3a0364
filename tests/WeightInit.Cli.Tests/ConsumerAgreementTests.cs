using WeightInit.Initializers;
using WeightInit.Models;
using WeightInit.Random;
using WeightInit.Shapes;
using WeightInit.Training;

namespace WeightInit.Cli.Tests;

/// <summary>Every registry entry's canonical name and each of its aliases, taken through every consumer of initializer text
/// (<c>sample</c>, <c>init --model</c>, <c>analyze --init</c>, the training engine's model builder and the PyTorch-exact
/// path): each accepts or refuses it as the registry does on the same [8, 8] weight, and a refusal carries the registry's message.</summary>
public class ConsumerAgreementTests
{
    public static TheoryData<string> Specs()
    {
        var data = new TheoryData<string>();
        foreach (var entry in InitializerRegistry.All)
        {
            data.Add(entry.Name);
            foreach (var alias in entry.Aliases) data.Add(alias);
        }
        return data;
    }

    /// <summary>The registry's own verdict: null when the spec fills an [8, 8] OutIn weight, else its message.</summary>
    private static string? Verdict(string spec)
    {
        try
        {
            var init = InitializerRegistry.Parse(spec);
            init.Fill(PhiloxKey.FromSeed(0).Fold("w"), new WeightShape([8, 8], WeightLayout.OutInKernel), new float[64]);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message.Split('\n')[0].Split(" (Parameter")[0];
        }
    }

    private static string? Refusal(CliRun run) =>
        run.ExitCode == 0 ? null : run.Error.Split('\n').FirstOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal)) ?? run.Error;

    private static void AssertAgrees(string consumer, string spec, string? expected, string? refusal)
    {
        if (expected is null) Assert.True(refusal is null, $"{consumer} refuses '{spec}', which the registry accepts: {refusal}");
        else
        {
            Assert.True(refusal is not null, $"{consumer} accepts '{spec}', which the registry refuses: {expected}");
            Assert.True(refusal!.Contains(expected, StringComparison.Ordinal), $"{consumer} refuses '{spec}' with another message:\n  {refusal}\nregistry:\n  {expected}");
        }
    }

    /// <summary>The entries the PyTorch-exact path serves (docs/torch-generator.md); it refuses the others by name and never approximates them.</summary>
    private static readonly string[] TorchExact = ["he_uniform", "he_normal", "glorot_uniform", "glorot_normal", "uniform", "normal", "zeros", "ones", "constant"];

    [Theory]
    [MemberData(nameof(Specs))]
    public void EveryConsumer_AcceptsOrRefusesLikeTheRegistry(string spec)
    {
        string? expected = Verdict(spec);

        AssertAgrees("sample", spec, expected, Refusal(CliRunner.Run("sample", spec, "--shape", "8,8", "--count", "1")));

        // analyze's theory needs the law's moments: the one law without a closed form is refused by name, saying so.
        string? analyze = Refusal(CliRunner.Run("analyze", "--mlp", "8-8:relu", "--init", spec, "--batch", "8"));
        if (expected is null && analyze is not null && InitializerRegistry.Find(spec).Name == "caffe.positive_unitball")
            Assert.Contains("have no closed form", analyze);
        else AssertAgrees("analyze --init", spec, expected, analyze);

        string? trainRefusal = null;
        try
        {
            Network.Build(TrainingModels.Mlp(8, hiddenLayers: 0, width: 8, "relu", classes: 8, spec), PhiloxKey.FromSeed(0), threads: 1);
        }
        catch (ArgumentException e)
        {
            trainRefusal = e.Message;
        }
        AssertAgrees("the training model builder", spec, expected, trainRefusal);

        string dir = Path.Combine(Path.GetTempPath(), $"weightinit-agree-{Guid.NewGuid():N}");
        string model = $$"""{"tensors": [{"name": "w", "shape": [8, 8], "role": "linear", "init": {{System.Text.Json.JsonSerializer.Serialize(spec)}}}]}""";
        try
        {
            AssertAgrees("init --model", spec, expected, Refusal(CliRunner.Run("init", "--model", model, "--out", dir)));
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
            var torch = CliRunner.Run("init", "--model", model, "--out", dir, "--generator", "torch");
            if (torch.ExitCode != 0 && torch.Error.Contains("has no PyTorch-exact form", StringComparison.Ordinal))
                Assert.DoesNotContain(InitializerRegistry.Find(spec).Name, TorchExact); // refused by name: not one of the laws the PyTorch-exact path serves
            else if (expected is not null) AssertAgrees("init --generator torch", spec, expected, Refusal(torch));
            else if (torch.ExitCode != 0)
                Assert.Contains("has no PyTorch-exact form", torch.Error); // a law PyTorch has no function for: refused by name, never approximated
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
