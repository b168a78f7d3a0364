using System.Globalization;
using System.Text;
using WeightInit.Checkpoints;
using WeightInit.IO;
using WeightInit.Tests.Oracles;

namespace WeightInit.Cli.Tests;

/// <summary>`weightinit init --generator torch` against Debian's PyTorch 1.13 running the same calls after torch.manual_seed, bit for bit.</summary>
public class TorchModeOracleTests
{
    /// <summary>(tensor name, shape, our spec, the PyTorch statement on tensor t): every call of the mode, sizes below 16, multiples of 16 and neither.</summary>
    private static readonly (string Name, int[] Shape, string Spec, string Torch)[] Calls =
    [
        ("ku.weight", [37, 19], "kaiming_uniform", "init.kaiming_uniform_(t)"),
        ("ku5.weight", [64, 32], "kaiming_uniform(a=sqrt(5))", "init.kaiming_uniform_(t, a=math.sqrt(5))"),
        ("kn.weight", [33, 7, 3, 3], "kaiming_normal(mode=fan_out, nonlinearity=relu)", "init.kaiming_normal_(t, mode='fan_out', nonlinearity='relu')"),
        ("kn2.weight", [5, 3], "kaiming_normal(a=0.1)", "init.kaiming_normal_(t, a=0.1)"),
        ("xu.weight", [48, 16], "xavier_uniform(gain=tanh)", "init.xavier_uniform_(t, gain=init.calculate_gain('tanh'))"),
        ("xn.weight", [29, 31], "xavier_normal", "init.xavier_normal_(t)"),
        ("xn2.weight", [16, 16], "xavier_normal(gain=2.5)", "init.xavier_normal_(t, gain=2.5)"),
        ("u.weight", [3, 7], "uniform(low=-0.1, high=0.2)", "init.uniform_(t, -0.1, 0.2)"),
        ("n.weight", [1001], "normal(mean=0.5, std=2)", "init.normal_(t, 0.5, 2)"),
        ("n2.weight", [11], "normal(std=0.02)", "init.normal_(t, 0, 0.02)"),
        ("z.weight", [4, 4], "zeros", "init.zeros_(t)"),
        ("e.weight", [10, 4], "embedding(mean=0, std=0.02, padding_idx=3)", "init.normal_(t, 0, 0.02); t[3] = 0"),
        ("e2.weight", [7, 3], "embedding", "init.normal_(t)"),
    ];

    private const string Modules = """
        lin = torch.nn.Linear(19, 37)
        conv = torch.nn.Conv2d(3, 10, 3)
        lin2 = torch.nn.Linear(100, 5)
        """;

    [OracleTheory(Oracle.Torch)]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(20260412UL)]
    public void TorchGenerator_EveryCallAndDefaultModules_MatchPyTorchBitForBit(ulong seed)
    {
        string root = Path.Combine(Path.GetTempPath(), $"weightinit-torch-{Guid.NewGuid():N}");
        try
        {
            // Our plan: the listed calls in order, then nn.Linear(19, 37), nn.Conv2d(3, 10, 3), nn.Linear(100, 5) with PyTorch's default init.
            var tensors = Calls.Select(c => $"{{\"name\": \"{c.Name}\", \"shape\": [{string.Join(", ", c.Shape)}], \"init\": \"{c.Spec}\"}}")
                .Concat([
                    """{"name": "lin.weight", "shape": [37, 19]}""", """{"name": "lin.bias", "shape": [37]}""",
                    """{"name": "conv.weight", "shape": [10, 3, 3, 3]}""", """{"name": "conv.bias", "shape": [10]}""",
                    """{"name": "lin2.weight", "shape": [5, 100]}""", """{"name": "lin2.bias", "shape": [5]}""",
                ]);
            string spec = $"{{\"tensors\": [{string.Join(", ", tensors)}]}}";
            var run = CliRunner.Run("init", "--model", spec, "--preset", "pytorch-default", "--generator", "torch", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--out", root);
            Assert.True(run.ExitCode == 0, run.Error);

            string torchBin = Path.Combine(root, "torch.bin");
            var script = new StringBuilder($"import math, torch\nfrom torch.nn import init\ntorch.manual_seed({seed})\nout = []\n");
            foreach (var c in Calls)
                script.Append($"t = torch.empty({string.Join(", ", c.Shape)})\n{c.Torch}\nout.append(t)\n");
            script.Append(Modules).Append("\nout += [lin.weight, lin.bias, conv.weight, conv.bias, lin2.weight, lin2.bias]\n");
            script.Append($"open('{torchBin}', 'wb').write(b''.join(x.detach().contiguous().numpy().tobytes() for x in out))\nprint(torch.__version__)\n");
            string version = Python.Run(script.ToString()).Trim();
            Assert.StartsWith("1.13", version);

            byte[] expected = File.ReadAllBytes(torchBin);
            using var reader = SafetensorsReader.Open(Path.Combine(root, CheckpointLayout.SingleFileName));
            byte[] ours = reader.Tensors.SelectMany(t => reader.ReadBytes(t.Name)).ToArray();
            Assert.Equal(expected.Length, ours.Length);
            int offset = 0;
            foreach (var t in reader.Tensors)
            {
                int n = (int)t.ByteLength;
                int same = expected.AsSpan(offset, n).CommonPrefixLength(ours.AsSpan(offset, n));
                Assert.True(same == n, $"seed {seed}, {t.Name} [{string.Join(", ", t.Shape)}]: first difference at element {same / 4}");
                offset += n;
            }
            Assert.Equal("torch", reader.Metadata["weightinit.generator"]);
            Assert.Equal(0, CliRunner.Run("verify", root).ExitCode);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }
}
