using System.Diagnostics;
using System.Globalization;
using WeightInit.Checkpoints;
using WeightInit.IO;
using WeightInit.Tests.Oracles;

namespace WeightInit.Cli.Tests;

/// <summary>Runs the built <c>weightinit</c> as a separate process (for mpirun and for kill -9).</summary>
internal static class CliProcess
{
    public static string Dll => typeof(CliApp).Assembly.Location;
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    public static ProcessStartInfo Info(string fileName, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        // Launcher variables of the test host itself must not leak into the child.
        foreach (var (rank, world) in LaunchEnvironment.Variables) { info.Environment.Remove(rank); info.Environment.Remove(world); }
        if (env is not null) foreach (var (k, v) in env) info.Environment[k] = v;
        return info;
    }

    public static (int Code, string Output, string Error) Run(string fileName, IEnumerable<string> args)
    {
        using var p = Process.Start(Info(fileName, args))!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(true); throw new TimeoutException($"{fileName} {string.Join(' ', args)} ran past 5 minutes"); }
        return (p.ExitCode, output.Result, error.Result);
    }

    public static Dictionary<string, byte[]> Files(string directory) =>
        Directory.EnumerateFiles(directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    public static void AssertSameFiles(string expectedDirectory, string actualDirectory)
    {
        var expected = Files(expectedDirectory);
        var actual = Files(actualDirectory);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, bytes) in expected)
            Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"{name} differs");
    }
}

public class InitOracleTests
{
    private const string SmallGpt2 = "gpt2(n_layer=3, n_embd=40, n_head=2, vocab_size=333, n_positions=20)";

    private static string NewPath() => Path.Combine(Path.GetTempPath(), $"weightinit-init-{Guid.NewGuid():N}");

    [OracleFact(Oracle.Numpy, Oracle.Torch)]
    public void Outputs_LoadInNumpyAndTorch_SafetensorsByStdlibParser_IndexCorrect_SameValuesInEveryFormat()
    {
        string root = NewPath();
        try
        {
            foreach (var (format, shard) in new[] { ("safetensors", "20KB"), ("npy", "5GB"), ("npz", "5GB") })
            {
                var run = CliRunner.Run("init", "--preset", SmallGpt2, "--out", Path.Combine(root, format), "--format", format, "--shard-size", shard, "--seed", "8");
                Assert.True(run.ExitCode == 0, run.Error);
            }
            var single = CliRunner.Run("init", "--preset", SmallGpt2, "--out", Path.Combine(root, "bf16"), "--dtype", "bf16", "--seed", "8");
            Assert.True(single.ExitCode == 0, single.Error);
            string script = $$"""
                import json, struct, glob, os, numpy as np, torch
                root = '{{root}}'
                def read_safetensors(path):
                    with open(path, 'rb') as f:
                        n = struct.unpack('<Q', f.read(8))[0]
                        header = json.loads(f.read(n))
                        data = f.read()
                    meta = header.pop('__metadata__', {})
                    out = {}
                    for name, t in header.items():
                        b, e = t['data_offsets']
                        dt = {'F32': np.float32, 'F16': np.float16, 'F64': np.float64, 'BF16': np.uint16}[t['dtype']]
                        out[name] = np.frombuffer(data[b:e], dtype=dt).reshape(t['shape'])
                    return out, meta
                index = json.load(open(os.path.join(root, 'safetensors', 'model.safetensors.index.json')))
                st = {}
                for shard in sorted(set(index['weight_map'].values())):
                    tensors, meta = read_safetensors(os.path.join(root, 'safetensors', shard))
                    assert meta['weightinit.seed'] == '8' and meta['format'] == 'pt', meta
                    for name, a in tensors.items():
                        assert index['weight_map'][name] == shard, name
                        assert meta['weightinit.init.' + name], name
                        st[name] = a
                assert set(st) == set(index['weight_map']), 'weight_map keys differ from the shards'
                assert index['metadata']['total_size'] == sum(a.nbytes for a in st.values())
                npz = np.load(os.path.join(root, 'npz', 'model.npz'))
                assert set(npz.files) == set(st)
                for name, a in st.items():
                    b = np.load(os.path.join(root, 'npy', name + '.npy'))
                    assert b.dtype == np.float32 and b.shape == a.shape and np.array_equal(a, b), name
                    assert np.array_equal(npz[name], a), name
                    t = torch.from_numpy(b.copy())
                    assert tuple(t.shape) == a.shape
                bf, _ = read_safetensors(os.path.join(root, 'bf16', 'model.safetensors'))
                w = torch.from_numpy(bf['transformer.h.1.mlp.c_fc.weight'].astype(np.int16)).view(torch.bfloat16).float()
                f = torch.from_numpy(st['transformer.h.1.mlp.c_fc.weight'].copy()).bfloat16().float()
                assert torch.equal(w, f), 'bf16 differs from f32 rounded to nearest even'
                c_proj = st['transformer.h.2.mlp.c_proj.weight']
                print(len(st), sum(a.size for a in st.values()), repr(float(c_proj.std())), repr(float(st['transformer.h.0.ln_1.weight'].min())))
                """;
            var parts = Python.Run(script).Trim().Split(' ');
            Assert.Equal("40", parts[0]); // wte, wpe, 12 per block × 3, ln_f weight and bias
            // 333·40 + 20·40 + 3·(2·40 + 40·120 + 120 + 40·40 + 40 + 2·40 + 40·160 + 160 + 160·40 + 40) + 2·40
            Assert.Equal("73360", parts[1]);
            // The residual projection's std is 0.02/√(2·3); the sample std of n = 6400 normals has relative standard error 1/√(2n) ≈ 0.9 %.
            double std = double.Parse(parts[2], CultureInfo.InvariantCulture), target = 0.02 / Math.Sqrt(6);
            Assert.InRange(std, target * (1 - 5 / Math.Sqrt(2 * 6400.0)), target * (1 + 5 / Math.Sqrt(2 * 6400.0)));
            Assert.Equal("1.0", parts[3]);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }

    [OracleFact(Oracle.Mpirun)]
    public void Mpirun_TwoRanks_FilesByteIdenticalToOneProcess_AndToOtherThreadCounts()
    {
        string root = NewPath();
        try
        {
            string[] common = ["init", "--preset", SmallGpt2, "--shard-size", "30KB", "--seed", "21", "--dtype", "f16"];
            var single = CliProcess.Run(CliProcess.Dotnet, [CliProcess.Dll, .. common, "--out", Path.Combine(root, "single"), "--threads", "1"]);
            Assert.True(single.Code == 0, single.Error);
            var mpi = CliProcess.Run("mpirun", ["--allow-run-as-root", "--oversubscribe", "-np", "2", CliProcess.Dotnet, CliProcess.Dll, .. common,
                "--out", Path.Combine(root, "mpi"), "--threads", "2"]);
            Assert.True(mpi.Code == 0, mpi.Output + mpi.Error);
            Assert.Contains("rank 1 of 2", mpi.Output); // the ranks came from OMPI_COMM_WORLD_RANK/SIZE
            Assert.Contains("rank 0 of 2", mpi.Output);
            Assert.True(Directory.GetFiles(Path.Combine(root, "single"), "model-*-of-*.safetensors").Length >= 3);
            CliProcess.AssertSameFiles(Path.Combine(root, "single"), Path.Combine(root, "mpi"));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }

    [Fact]
    public void KillMidWrite_NoPartialFileUnderAFinalName_ResumeGivesTheUninterruptedFiles()
    {
        string root = NewPath();
        try
        {
            // About 2.4 MB in four shards (the 1 MB embedding alone in the first); the hook stops the writer for good 1.5 MB in, inside the second.
            string[] args = ["init", "--preset", "gpt2(n_layer=2, n_embd=128, n_head=2, vocab_size=2000, n_positions=64)", "--shard-size", "600KB", "--seed", "13"];
            var whole = CliProcess.Run(CliProcess.Dotnet, [CliProcess.Dll, .. args, "--out", Path.Combine(root, "whole")]);
            Assert.True(whole.Code == 0, whole.Error);

            string crashed = Path.Combine(root, "crashed");
            var info = CliProcess.Info(CliProcess.Dotnet, [CliProcess.Dll, .. args, "--out", crashed, "--chunk-size", "64KiB"],
                new Dictionary<string, string> { [CheckpointWriter.PauseVariable] = "1500000" });
            using (var process = Process.Start(info)!)
            {
                _ = process.StandardOutput.ReadToEndAsync();
                string? line;
                while ((line = process.StandardError.ReadLine()) is not null && !line.Contains("paused", StringComparison.Ordinal)) { }
                Assert.NotNull(line); // the process reached the hook (it did not exit first)
                process.Kill(); // SIGKILL: no clean-up code runs
                process.WaitForExit();
            }
            var names = Directory.GetFiles(crashed).Select(Path.GetFileName).ToList();
            Assert.Contains(names, n => n!.StartsWith(".model-", StringComparison.Ordinal) && n.Contains(".tmp-", StringComparison.Ordinal)); // the file in progress
            Assert.DoesNotContain(ShardIndex.IndexFileName, names);
            Assert.DoesNotContain(CheckpointPlan.ManifestFileName, names);
            var expected = CliProcess.Files(Path.Combine(root, "whole"));
            foreach (var name in names.Where(n => !n!.StartsWith('.')))
                Assert.True(expected[name!].AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(crashed, name!))), $"{name} exists under its final name but is not complete");
            Assert.Contains("model-00001-of-00004.safetensors", names); // finished before the kill, so resume must keep it

            var resumed = CliProcess.Run(CliProcess.Dotnet, [CliProcess.Dll, .. args, "--out", crashed, "--resume"]);
            Assert.True(resumed.Code == 0, resumed.Error);
            Assert.Contains("kept model-00001-of-", resumed.Error);
            CliProcess.AssertSameFiles(Path.Combine(root, "whole"), crashed);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }
}
