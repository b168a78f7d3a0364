using System.Buffers.Binary;
using System.Text;
using WeightInit.Checkpoints;
using WeightInit.Cli.Commands;
using WeightInit.IO;

namespace WeightInit.Cli.Tests;

public class InitCommandTests
{
    private static string NewPath() => Path.Combine(Path.GetTempPath(), $"weightinit-init-{Guid.NewGuid():N}");

    [Fact]
    public void Init_PresetThenVerify_ExitZero_AndVerifyCatchesACorruptByte()
    {
        string dir = NewPath();
        try
        {
            var run = CliRunner.Run("init", "--preset", "gpt2(n_layer=2, n_embd=16, n_head=2, vocab_size=50, n_positions=8)", "--out", dir, "--shard-size", "2KB", "--seed", "4");
            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Contains("28 tensors", run.Output); // wte, wpe, 12 per block × 2, ln_f weight and bias
            Assert.True(File.Exists(Path.Combine(dir, ShardIndex.IndexFileName)));
            // --preset gpt2 is the Hugging Face config: transformers' names and its config.json, with the changed fields.
            using (var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "config.json"))))
            {
                Assert.Equal("gpt2", config.RootElement.GetProperty("model_type").GetString());
                Assert.Equal(2, config.RootElement.GetProperty("n_layer").GetInt32());
                Assert.Equal(16, config.RootElement.GetProperty("n_embd").GetInt32());
                Assert.Equal("GPT2LMHeadModel", config.RootElement.GetProperty("architectures")[0].GetString());
            }
            using (var index = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, ShardIndex.IndexFileName))))
            {
                var names = index.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Name).ToList();
                Assert.Contains("transformer.wte.weight", names);
                Assert.Contains("transformer.h.1.mlp.c_proj.weight", names);
                Assert.DoesNotContain("lm_head.weight", names);
            }
            var ok = CliRunner.Run("verify", dir);
            Assert.True(ok.ExitCode == 0, ok.Error);
            Assert.Contains("28 tensors recomputed, 28 match, 0 differ", ok.Output);

            string shard = Directory.GetFiles(dir, "model-00001-of-*.safetensors").Single();
            var bytes = File.ReadAllBytes(shard);
            bytes[^2] ^= 0x10;
            File.WriteAllBytes(shard, bytes);
            var bad = CliRunner.Run("verify", dir, "--sample", "100");
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("MISMATCH transformer.wte.weight", bad.Error);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    private static byte[] Safetensors(string json, int dataBytes, ulong? declared = null)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declared ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    public static TheoryData<string, string[], string?, byte[]?> BadInputs() => new()
    {
        { "malformed spec", ["--model", "{\"tensors\": [{\"name\": \"w\", \"shape\": [2, \"x\"]}]}"], "$.tensors[0].shape (w)", null },
        { "spec not JSON", ["--model", "{\"tensors\": ["], "not valid JSON", null },
        { "spec file missing", ["--model", "/nonexistent/spec.json"], "does not exist", null },
        { "truncated template header", ["--template", "TEMPLATE"], "only 10 bytes follow the length",
            Safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4)[..18] },
        { "header length beyond file", ["--template", "TEMPLATE"], "declares a header of 4096 bytes", Safetensors("{}", 0, 4096) },
        { "overlapping offsets", ["--template", "TEMPLATE"], "overlap",
            Safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12) },
        { "unknown dtype", ["--preset", "gpt2(n_layer=1, n_embd=4, n_head=2, vocab_size=5, n_positions=3)", "--dtype", "f8"], "Unknown element type 'f8'; valid: f32", null },
        { "shard size 0", ["--preset", "gpt2(n_layer=1, n_embd=4, n_head=2, vocab_size=5, n_positions=3)", "--shard-size", "0"], "shard size must be positive", null },
        { "rank ≥ world", ["--preset", "gpt2(n_layer=1, n_embd=4, n_head=2, vocab_size=5, n_positions=3)", "--rank", "2", "--world", "2"], "got rank 2, world 2", null },
        { "unknown format", ["--preset", "gpt2(n_layer=1, n_embd=4, n_head=2, vocab_size=5, n_positions=3)", "--format", "pt"], "valid: safetensors, npy, npz", null },
        { "bf16 as npy", ["--preset", "gpt2(n_layer=1, n_embd=4, n_head=2, vocab_size=5, n_positions=3)", "--format", "npy", "--dtype", "bf16"], "NumPy has no type", null },
        { "torch with ranks", ["--preset", "gpt2(n_layer=1, n_embd=4, n_head=2, vocab_size=5, n_positions=3)", "--generator", "torch", "--rank", "0", "--world", "2"], "sequential", null },
        { "nothing to write", [], "Say what to write", null },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Init_BadInput_Exit2_ClearMessage_NothingLeftBehind(string what, string[] args, string? expected, byte[]? template)
    {
        string dir = NewPath();
        string templatePath = NewPath() + ".safetensors";
        try
        {
            if (template is not null) File.WriteAllBytes(templatePath, template);
            var run = CliRunner.Run(["init", .. args.Select(a => a == "TEMPLATE" ? templatePath : a), "--out", dir]);
            Assert.True(run.ExitCode == 2, $"{what}: exit {run.ExitCode}, {run.Error}");
            Assert.Contains(expected!, run.Error);
            Assert.False(CliRunner.HasStackTrace(run.Error), run.Error);
            Assert.False(Directory.Exists(dir), $"{what}: the output directory was created");
        }
        finally
        {
            File.Delete(templatePath);
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Init_OutputDirectoryNotWritable_Exit2_NothingLeftBehind()
    {
        // Under a regular file no directory can exist (root ignores permission bits, so a read-only directory would not do).
        string file = NewPath();
        File.WriteAllText(file, "not a directory");
        try
        {
            var run = CliRunner.Run("init", "--preset", "gpt2(n_layer=1, n_embd=4, n_head=2, vocab_size=5, n_positions=3)", "--out", Path.Combine(file, "ckpt"));
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("is not a writable directory", run.Error);
            Assert.Equal("not a directory", File.ReadAllText(file));
            var proc = CliRunner.Run("init", "--preset", "gpt2(n_layer=1, n_embd=4, n_head=2, vocab_size=5, n_positions=3)", "--out", "/proc/weightinit-ckpt");
            Assert.Equal(2, proc.ExitCode);
            Assert.False(Directory.Exists("/proc/weightinit-ckpt"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TmpfsFact]
    public void Init_DeviceFull_Exit2_SaysSo_NoFileLeft()
    {
        // /dev/full fails every write with ENOSPC; a directory cannot live there, so use a small tmpfs when one can be mounted.
        string mount = NewPath();
        Directory.CreateDirectory(mount);
        try
        {
            var mounted = System.Diagnostics.Process.Start("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mount]);
            mounted.WaitForExit();
            Assert.True(mounted.ExitCode == 0, "mounting a tmpfs worked when TmpfsFact probed it, and now fails");
            try
            {
                string dir = Path.Combine(mount, "ckpt");
                var run = CliRunner.Run("init", "--preset", "gpt2(n_layer=1, n_embd=256, n_head=2, vocab_size=2000, n_positions=16)", "--out", dir);
                Assert.Equal(2, run.ExitCode);
                Assert.Contains("The device is full", run.Error);
                Assert.Empty(Directory.Exists(dir) ? Directory.GetFileSystemEntries(dir) : []);
            }
            finally
            {
                System.Diagnostics.Process.Start("umount", [mount]).WaitForExit();
            }
        }
        finally
        {
            Directory.Delete(mount, true);
        }
    }

    [Fact]
    public void Ranks_FromLaunchersEnvironmentUnlessGiven()
    {
        Assert.Equal((1, 2), InitCommand.Ranks(null, null, new Dictionary<string, string> { ["OMPI_COMM_WORLD_RANK"] = "1", ["OMPI_COMM_WORLD_SIZE"] = "2" }.GetValueOrDefault));
        Assert.Equal((0, 4), InitCommand.Ranks(0, 4, new Dictionary<string, string> { ["RANK"] = "3", ["WORLD_SIZE"] = "8" }.GetValueOrDefault));
        Assert.Equal((0, 1), InitCommand.Ranks(null, null, _ => null));
        Assert.Throws<UsageException>(() => InitCommand.Ranks(1, null, _ => null));
        Assert.Throws<ArgumentException>(() => InitCommand.Ranks(null, null, new Dictionary<string, string> { ["SLURM_PROCID"] = "4", ["SLURM_NTASKS"] = "4" }.GetValueOrDefault));
    }
}

/// <summary>A fact that needs to mount a small tmpfs (to fill a device for real): skipped, with the reason, where mounting
/// is not permitted (not root, or a container without CAP_SYS_ADMIN). The library's own full-device test uses /dev/full
/// and runs everywhere on Linux.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TmpfsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(Probe);

    /// <summary>Marks a fact that mounts a tmpfs.</summary>
    public TmpfsFactAttribute() => Skip = Reason.Value;

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "mounting a tmpfs needs Linux";
        string dir = Path.Combine(Path.GetTempPath(), "weightinit-tmpfs-probe-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            using var mount = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]) { RedirectStandardError = true });
            if (mount is null) return "could not start mount";
            string error = mount.StandardError.ReadToEnd();
            mount.WaitForExit();
            if (mount.ExitCode != 0) return $"mounting a tmpfs is not permitted here ({error.Trim()})";
            using var umount = System.Diagnostics.Process.Start("umount", [dir]);
            umount.WaitForExit();
            return null;
        }
        catch (System.ComponentModel.Win32Exception e) { return $"mount is not available: {e.Message}"; }
        finally { try { Directory.Delete(dir); } catch (IOException) { } }
    }
}
