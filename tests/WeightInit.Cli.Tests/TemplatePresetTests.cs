using WeightInit.IO;

namespace WeightInit.Cli.Tests;

/// <summary><c>init --template FILE --preset pytorch-default</c> applies the preset (in either option order, with either generator).</summary>
public class TemplatePresetTests
{
    [Theory]
    [InlineData(false, "philox")]
    [InlineData(true, "philox")]
    [InlineData(false, "torch")]
    [InlineData(true, "torch")]
    public void TemplateWithPytorchDefault_WritesPyTorchsModuleLaws(bool presetFirst, string generator)
    {
        string root = Path.Combine(Path.GetTempPath(), $"weightinit-tpl-{Guid.NewGuid():N}");
        try
        {
            var made = CliRunner.Run("init", "--preset", "gpt2(n_layer=1, n_embd=64, n_head=2, vocab_size=500, n_positions=16)", "--out", Path.Combine(root, "t"));
            Assert.True(made.ExitCode == 0, made.Error);
            string template = Path.Combine(root, "t", "model.safetensors");
            string[] source = presetFirst ? ["--preset", "pytorch-default", "--template", template] : ["--template", template, "--preset", "pytorch-default"];
            string dir = Path.Combine(root, "o");
            var run = CliRunner.Run(["init", .. source, "--out", dir, "--generator", generator]);
            Assert.True(run.ExitCode == 0, run.Error);

            using var reader = SafetensorsReader.Open(Path.Combine(dir, "model.safetensors"));
            // nn.Embedding: N(0, 1) (the library default would be normal(std=0.02)).
            var wte = reader.ReadAsDoubles("transformer.wte.weight");
            double std = Math.Sqrt(wte.Select(v => v * v).Average());
            Assert.True(Math.Abs(std - 1) < 5 / Math.Sqrt(2.0 * wte.Length), $"embedding std {std}");
            // A [64, 192] header read as nn.Linear(192, 64): kaiming_uniform(a=√5) has bound 1/√192 ≈ 0.072; glorot_uniform's
            // would be √(6/256) ≈ 0.153, so values beyond 1/√192 mean the preset was ignored.
            var w = reader.ReadAsDoubles("transformer.h.0.attn.c_attn.weight");
            double bound = 1 / Math.Sqrt(192);
            Assert.All(w, v => Assert.True(Math.Abs(v) <= bound * (1 + 1e-6), $"{v} beyond {bound}"));
            Assert.True(w.Max(Math.Abs) > 0.95 * bound); // 12,288 uniform draws come within 5 % of the bound
            // Its bias: U(−1/√fan_in, 1/√fan_in), not zeros.
            var b = reader.ReadAsDoubles("transformer.h.0.attn.c_attn.bias");
            Assert.Contains(b, v => v != 0);
            Assert.All(b, v => Assert.True(Math.Abs(v) <= bound * (1 + 1e-6)));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }
}
