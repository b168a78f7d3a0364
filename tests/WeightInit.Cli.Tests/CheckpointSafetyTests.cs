using System.Diagnostics;
using System.Text;
using WeightInit.IO;

namespace WeightInit.Cli.Tests;

/// <summary>What <c>init</c> and <c>verify</c> leave behind when killed, interrupted, raced or fed bad files: crash injection at
/// every fsync and rename with <c>--resume</c> afterwards, signals, the writer lock, stale indexes, and a table of bad inputs.</summary>
public class CheckpointSafetyTests
{
    private const string Tiny = "gpt2(n_layer=2, n_embd=16, n_head=2, vocab_size=50, n_positions=8)";

    private static string NewPath() => Path.Combine(Path.GetTempPath(), $"weightinit-safety-{Guid.NewGuid():N}");

    /// <summary>Runs the CLI as its own process (the crash hook and signals end a process, not a test).</summary>
    private static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WeightInit.Cli.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) info.Environment[k] = v;
        return Process.Start(info)!;
    }

    private static (int Code, string Error) RunProcess(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var p = Start(environment, args);
        var error = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, error.Result);
    }

    private static SortedDictionary<string, string> Snapshot(string dir) =>
        new(Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))),
            StringComparer.Ordinal);

    /// <summary>The default (past the page cache on Linux) and --buffered write the same files; the log says which path each file took.</summary>
    [Fact]
    public void Buffered_SameFilesAsTheDefault_LogSaysWhichPath()
    {
        string root = NewPath();
        try
        {
            // About 1.1 MB in three shards, bfloat16: the 8 MiB default chunk holds a whole shard, 4 KiB chunks split every one.
            string[] Args(string dir, params string[] extra) =>
                ["init", "--preset", "gpt2(n_layer=2, n_embd=96, n_head=2, vocab_size=3001, n_positions=33)", "--dtype", "bf16", "--shard-size", "400KB", "--seed", "9", "--out", dir, .. extra];
            var runs = new[] { ("default", Array.Empty<string>()), ("chunked", ["--chunk-size", "4KiB"]), ("buffered", ["--buffered"]) }
                .ToDictionary(r => r.Item1, r => (Run: CliRunner.Run(Args(Path.Combine(root, r.Item1), r.Item2)), Dir: Path.Combine(root, r.Item1)));
            foreach (var (name, (run, _)) in runs) Assert.True(run.ExitCode == 0, $"{name}: {run.Error}");
            var expected = Snapshot(runs["buffered"].Dir);
            Assert.Equal(3, expected.Keys.Count(k => k.EndsWith(".safetensors", StringComparison.Ordinal)));
            Assert.Equal(expected, Snapshot(runs["default"].Dir));
            Assert.Equal(expected, Snapshot(runs["chunked"].Dir));
            int Direct(CliRun run) => run.Error.Split('\n').Count(l => l.StartsWith("wrote model-", StringComparison.Ordinal) && l.Contains("past the page cache", StringComparison.Ordinal));
            Assert.Equal(0, Direct(runs["buffered"].Run));
            if (UnbufferedIO.IsSupported)
            {
                Assert.Equal(3, Direct(runs["default"].Run));
                Assert.Equal(3, Direct(runs["chunked"].Run));
            }
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void CrashAtEveryFsyncAndRename_ThenResume_GivesIdenticalFilesAndListing()
    {
        string root = NewPath();
        Directory.CreateDirectory(root);
        try
        {
            string[] Args(string dir) => ["init", "--preset", Tiny, "--out", dir, "--shard-size", "2KB", "--seed", "5"];
            string reference = Path.Combine(root, "reference");
            var run = CliRunner.Run(Args(reference));
            Assert.True(run.ExitCode == 0, run.Error);
            var expected = Snapshot(reference);
            Assert.True(expected.Count(f => f.Key.EndsWith(".safetensors", StringComparison.Ordinal)) >= 3);

            int killed = 0;
            for (int n = 1; n < 200; n++)
            {
                string dir = Path.Combine(root, $"crash-{n}");
                var (code, error) = RunProcess(new Dictionary<string, string> { [AtomicFile.CrashVariable] = n.ToString() }, Args(dir));
                if (code == 0) break; // past the last commit point
                Assert.Contains("killed by " + AtomicFile.CrashVariable, error);
                killed++;
                var resumed = CliRunner.Run([.. Args(dir), "--resume"]);
                Assert.True(resumed.ExitCode == 0, $"kill point {n}: {resumed.Error}");
                Assert.Equal(expected, Snapshot(dir));
                Directory.Delete(dir, true);
            }
            Assert.True(killed >= 2 * expected.Count(f => f.Key.EndsWith(".safetensors", StringComparison.Ordinal)), $"only {killed} kill points");
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void NewPlanKilledAtItsThirdRename_LeavesNoIndexOrManifestDescribingOtherFiles()
    {
        string dir = NewPath();
        try
        {
            var first = CliRunner.Run("init", "--preset", Tiny, "--out", dir, "--shard-size", "2KB", "--seed", "1");
            Assert.True(first.ExitCode == 0, first.Error);
            Assert.True(File.Exists(Path.Combine(dir, ShardIndex.IndexFileName)));
            // Commit points alternate fsync and rename, so the 6th is the third rename.
            var (code, error) = RunProcess(new Dictionary<string, string> { [AtomicFile.CrashVariable] = "6" },
                "init", "--preset", Tiny, "--out", dir, "--shard-size", "2KB", "--seed", "2");
            Assert.NotEqual(0, code);
            Assert.Contains("killed by", error);
            Assert.False(File.Exists(Path.Combine(dir, ShardIndex.IndexFileName)), "the seed-1 index survived a seed-2 run");
            Assert.False(File.Exists(Path.Combine(dir, "weightinit.json")), "the seed-1 manifest survived a seed-2 run");
            var verify = CliRunner.Run("verify", dir);
            Assert.NotEqual(0, verify.ExitCode);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task SecondWriterFailsAtOnceNamingTheHolder_AndSigtermCleansUp()
    {
        string dir = NewPath();
        try
        {
            // About 40 MB of float64: long enough to be caught while writing.
            using var writer = Start(null, "init", "--preset", "gpt2(n_layer=2, n_embd=512, n_head=2, vocab_size=8000, n_positions=64)", "--dtype", "f64",
                "--out", dir, "--shard-size", "4MB", "--threads", "1", "--chunk-size", "64KiB");
            var stderr = writer.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while (!writer.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)
                   && !(Directory.Exists(dir) && Directory.EnumerateFiles(dir).Any(f => f.Contains(".tmp-", StringComparison.Ordinal))))
                Thread.Sleep(10);
            Assert.False(writer.HasExited, "the writer finished before it could be interrupted");

            var second = CliRunner.Run("init", "--preset", Tiny, "--out", dir);
            Assert.Equal(2, second.ExitCode);
            Assert.Single(second.Error.TrimEnd('\n').Split('\n'));
            Assert.Contains(writer.Id.ToString(), second.Error);
            Assert.False(CliRunner.HasStackTrace(second.Error));

            using (var kill = Process.Start("kill", ["-TERM", writer.Id.ToString()])) kill.WaitForExit();
            Assert.True(writer.WaitForExit(30_000));
            Assert.NotEqual(0, writer.ExitCode);
            string error = await stderr;
            Assert.False(string.IsNullOrWhiteSpace(error), "a signal must be reported");
            Assert.False(CliRunner.HasStackTrace(error));
            if (Directory.Exists(dir))
                Assert.DoesNotContain(Directory.EnumerateFiles(dir), f => f.Contains(".tmp-", StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Sigint_EndsWith130_ReportsTheSignal_AndLeavesNoTemporary()
    {
        string dir = NewPath();
        try
        {
            using var writer = Start(null, "init", "--preset", "gpt2(n_layer=2, n_embd=512, n_head=2, vocab_size=8000, n_positions=64)", "--dtype", "f64",
                "--out", dir, "--shard-size", "4MB", "--threads", "1", "--chunk-size", "64KiB");
            var stderr = writer.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while (!writer.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)
                   && !(Directory.Exists(dir) && Directory.EnumerateFiles(dir).Any(f => f.Contains(".tmp-", StringComparison.Ordinal))))
                Thread.Sleep(10);
            Assert.False(writer.HasExited, "the writer finished before it could be interrupted");

            using (var kill = Process.Start("kill", ["-INT", writer.Id.ToString()])) kill.WaitForExit();
            Assert.True(writer.WaitForExit(30_000));
            Assert.Equal(130, writer.ExitCode);
            string error = await stderr;
            Assert.Contains("SIGINT", error);
            Assert.False(CliRunner.HasStackTrace(error));
            if (Directory.Exists(dir))
            {
                Assert.DoesNotContain(Directory.EnumerateFiles(dir), f => f.Contains(".tmp-", StringComparison.Ordinal));
                Assert.False(File.Exists(Path.Combine(dir, ShardIndex.IndexFileName)), "an interrupted checkpoint must not look complete");
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    /// <summary>A device that fills mid-checkpoint: a 36 MiB tmpfs holds the first two shards (32.8 MB and 0.3 MB) but not
    /// the third; the shards already written go too, with the directory the command created (InitCommandTests covers a
    /// device too small for the first file).</summary>
    [TmpfsFact]
    public void FullDevice_OneErrorLineNamingIt_Exit2_AndNoDirectoryLeft()
    {
        string mount = NewPath();
        Directory.CreateDirectory(mount);
        try
        {
            using (var mounted = Process.Start("mount", ["-t", "tmpfs", "-o", "size=36m", "tmpfs", mount]))
            {
                mounted.WaitForExit();
                Assert.True(mounted.ExitCode == 0, "mounting a tmpfs worked when TmpfsFact probed it, and now fails");
            }
            try
            {
                string dir = Path.Combine(mount, "ckpt");
                var (code, error) = RunProcess(null, "init", "--preset", "gpt2(n_layer=2, n_embd=512, n_head=2, vocab_size=8000, n_positions=64)", "--dtype", "f64",
                    "--out", dir, "--shard-size", "4MB");
                Assert.Equal(2, code);
                var errors = error.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
                Assert.Single(errors);
                Assert.StartsWith("error: The device is full", errors[0]);
                Assert.Contains("model-00003-of-", errors[0]);
                Assert.Contains("wrote model-00002-of-", error);   // the device did fill mid-checkpoint, not at the first file
                Assert.False(CliRunner.HasStackTrace(error));
                Assert.False(Directory.Exists(dir), "the directory the command created must be gone: " +
                    (Directory.Exists(dir) ? string.Join(", ", Directory.EnumerateFileSystemEntries(dir)) : ""));
            }
            finally
            {
                using var unmount = Process.Start("umount", [mount]);
                unmount.WaitForExit();
            }
        }
        finally
        {
            Directory.Delete(mount, true);
        }
    }

    [Fact]
    public void RankZeroAlone_EndsWithOneErrorLineNamingTheMissingRank_AndNoIndex()
    {
        string dir = NewPath();
        try
        {
            var run = CliRunner.Run("init", "--preset", Tiny, "--out", dir, "--shard-size", "2KB", "--rank", "0", "--world", "2", "--wait-timeout", "0.5");
            Assert.Equal(2, run.ExitCode);
            Assert.False(CliRunner.HasStackTrace(run.Error));
            var errors = run.Error.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
            Assert.Single(errors);
            Assert.Contains("from rank 1", errors[0]);
            Assert.Contains("0.5 s", errors[0]);
            Assert.False(File.Exists(Path.Combine(dir, ShardIndex.IndexFileName)));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    /// <summary>A scratch directory with the files the bad-input cases point at.</summary>
    private sealed class Scratch : IDisposable
    {
        public string Root { get; } = NewPath();

        public Scratch()
        {
            Directory.CreateDirectory(Root);
            Run("init", "--preset", Tiny, "--out", P("good"), "--shard-size", "2KB");
            Run("init", "--preset", Tiny, "--out", P("noindex"), "--shard-size", "2KB");
            File.Delete(Path.Combine(P("noindex"), ShardIndex.IndexFileName));
            Run("init", "--preset", Tiny, "--out", P("version"));
            string manifest = Path.Combine(P("version"), "weightinit.json");
            var text = File.ReadAllText(manifest);
            var at = text.IndexOf("\"weightinit_version\"", StringComparison.Ordinal);
            Assert.True(at >= 0, text);
            int q1 = text.IndexOf('"', text.IndexOf(':', at) + 1), q2 = text.IndexOf('"', q1 + 1);
            File.WriteAllText(manifest, text[..(q1 + 1)] + "9.9.9" + text[q2..]);
            Run("init", "--preset", Tiny, "--out", P("symlink"));
            string shard = Directory.GetFiles(P("symlink"), "*.safetensors").First();
            File.Copy(shard, P("outside.safetensors"));
            File.Delete(shard);
            File.CreateSymbolicLink(shard, P("outside.safetensors"));
            Run("init", "--preset", Tiny, "--out", P("hugeshape"));
            string hugeManifest = Path.Combine(P("hugeshape"), "weightinit.json");
            var manifestText = File.ReadAllText(hugeManifest);
            int shapeAt = manifestText.IndexOf("\"shape\"", StringComparison.Ordinal);
            int open = manifestText.IndexOf('[', shapeAt), close = manifestText.IndexOf(']', open);
            File.WriteAllText(hugeManifest, manifestText[..(open + 1)] + "2147483647, 2147483647, 2147483647" + manifestText[close..]);
            Directory.CreateDirectory(P("fifo"));
            using (var mk = Process.Start("mkfifo", [Path.Combine(P("fifo"), "weightinit.json")])) mk.WaitForExit();
            using (var mk = Process.Start("mkfifo", [P("model.fifo")])) mk.WaitForExit();
            Directory.CreateDirectory(P("templatedir"));
            File.WriteAllText(P("dup.json"), """{"tensors": [{"name": "a", "shape": [2, 2]}], "tensors": [{"name": "b", "shape": [2]}]}""");
            File.WriteAllText(P("huge.json"), """{"tensors": [{"name": "a", "shape": [2147483647, 2147483647, 2147483647]}]}""");
            File.WriteAllText(P("hugebytes.json"), """{"tensors": [{"name": "a", "shape": [2147483647, 2147483647]}, {"name": "b", "shape": [2147483647, 2147483647]}, {"name": "c", "shape": [2147483647, 2147483647]}]}""");
            File.WriteAllText(P("slip.json"), """{"tensors": [{"name": "../../x", "shape": [2, 2]}]}""");
            File.WriteAllText(P("abs.json"), """{"tensors": [{"name": "/etc/x", "shape": [2, 2]}]}""");
            File.WriteAllText(P("twice.json"), """{"tensors": [{"name": "a", "shape": [2]}, {"name": "a", "shape": [2]}]}""");
            File.WriteAllText(P("negative.json"), """{"tensors": [{"name": "a", "shape": [2, -2]}]}""");
            File.WriteAllText(P("badrole.json"), """{"tensors": [{"name": "a", "shape": [2, 2], "role": "lineer"}]}""");
            File.WriteAllText(P("badinit.json"), """{"tensors": [{"name": "a", "shape": [2, 2], "init": "he_nromal"}]}""");
            File.WriteAllText(P("badlayout.json"), """{"tensors": [{"name": "a", "shape": [2, 2], "layout": "oihx"}]}""");
            File.WriteAllText(P("baddtype.json"), """{"tensors": [{"name": "a", "shape": [2, 2], "dtype": "f8"}]}""");
            File.WriteAllText(P("notjson.json"), "{ tensors: ");
            File.WriteAllText(P("empty.json"), "");
            File.WriteAllText(P("notst.safetensors"), "not a safetensors file at all");
            File.WriteAllBytes(P("short.safetensors"), [1, 2, 3]);
        }

        public string P(string name) => Path.Combine(Root, name);

        private static void Run(params string[] args)
        {
            var r = CliRunner.Run(args);
            Assert.True(r.ExitCode == 0, r.Error);
        }

        public void Dispose() => Directory.Delete(Root, true);
    }

    private const string S = "{scratch}";

    /// <summary>Each bad command line and a word its one error line must hold.</summary>
    public static TheoryData<string[], string> Cases => new()
    {
        { ["init", "--model", S + "/missing.json", "--out", S + "/o"], "missing.json" },
        { ["init", "--model", "/dev/zero", "--out", S + "/o"], "/dev/zero" },
        { ["init", "--model", S + "/model.fifo", "--out", S + "/o"], "model.fifo" },
        { ["init", "--model", S + "/dup.json", "--out", S + "/o"], "tensors" },
        { ["init", "--model", S + "/huge.json", "--out", S + "/o"], "64-bit" },
        { ["init", "--model", S + "/hugebytes.json", "--out", S + "/o"], "bytes" },
        { ["init", "--model", S + "/slip.json", "--out", S + "/o"], "../../x" },
        { ["init", "--model", S + "/slip.json", "--format", "npz", "--out", S + "/o"], "../../x" },
        { ["init", "--model", S + "/slip.json", "--format", "npy", "--out", S + "/o"], "../../x" },
        { ["init", "--model", S + "/abs.json", "--format", "npz", "--out", S + "/o"], "/etc/x" },
        { ["init", "--model", S + "/twice.json", "--out", S + "/o"], "'a'" },
        { ["init", "--model", S + "/negative.json", "--out", S + "/o"], "-2" },
        { ["init", "--model", S + "/badrole.json", "--out", S + "/o"], "lineer" },
        { ["init", "--model", S + "/badinit.json", "--out", S + "/o"], "he_nromal" },
        { ["init", "--model", S + "/badlayout.json", "--out", S + "/o"], "oihx" },
        { ["init", "--model", S + "/baddtype.json", "--out", S + "/o"], "f8" },
        { ["init", "--model", S + "/notjson.json", "--out", S + "/o"], "notjson.json" },
        { ["init", "--model", S + "/empty.json", "--out", S + "/o"], "empty.json" },
        { ["init", "--model", """{"tensors": [{"name": "a"}]}""", "--out", S + "/o"], "shape" },
        { ["init", "--model", """{"tensors": []}""", "--out", S + "/o"], "tensor" },
        // A law whose values overflow the element type would write infinities: refused, the second tensor's failure included.
        { ["init", "--model", """{"tensors": [{"name": "w", "shape": [4, 4], "init": "normal(std=1e300)"}]}""", "--out", S + "/o"], "float32" },
        { ["init", "--model", """{"tensors": [{"name": "a", "shape": [4, 4]}, {"name": "w", "shape": [4, 4], "init": "normal(std=1e300)"}]}""", "--format", "npy", "--out", S + "/o"], "float32" },
        { ["init", "--model", """{"tensors": [{"name": "w", "shape": [4, 4], "init": "uniform(low=-3e38, high=3e38)"}]}""", "--format", "npz", "--out", S + "/o"], "width" },
        { ["init", "--template", S + "/templatedir", "--out", S + "/o"], "directory" },
        { ["init", "--template", S + "/missing.safetensors", "--out", S + "/o"], "missing.safetensors" },
        { ["init", "--template", S + "/notst.safetensors", "--out", S + "/o"], "notst.safetensors" },
        { ["init", "--template", S + "/short.safetensors", "--out", S + "/o"], "short.safetensors" },
        { ["init", "--preset", "gpt3", "--out", S + "/o"], "gpt3" },
        { ["init", "--preset", "gpt2(n_layer=x)", "--out", S + "/o"], "n_layer" },
        { ["init", "--preset", "gpt2(n_layer=-1)", "--out", S + "/o"], "n_layer" },
        { ["init", "--preset", "gpt2(n_lyer=2)", "--out", S + "/o"], "n_lyer" },
        { ["init", "--preset", "gpt2(n_layer=2147483647, n_embd=2)", "--out", S + "/o"], "must be at most 100000" },
        { ["init", "--preset", "gpt2(n_layer=2, n_embd=2147483646, n_head=2)", "--out", S + "/o"], "too large for a tensor dimension (at most 2147483647)" },
        { ["init", "--preset", "llama-2-7b(hidden_size=4095)", "--out", S + "/o"], "num_attention_heads" },
        { ["init", "--preset", "pytorch-defualt", "--model", S + "/twice.json", "--out", S + "/o"], "pytorch-defualt" },
        { ["init", "--preset", Tiny], "--out" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--format", "pt"], "'pt'" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--dtype", "f8"], "'f8'" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--shard-size", "5XB"], "5XB" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--shard-size", "0"], "shard" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--shard-size", "-1GB"], "-1GB" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--chunk-size", "0"], "chunk" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--chunk-size", "lots"], "lots" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--threads", "-1"], "--threads" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--rank", "0"], "--world" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--rank", "2", "--world", "2"], "rank" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--rank", "-1", "--world", "2"], "rank" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--rank", "0", "--world", "0"], "world" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--wait-timeout", "-1"], "--wait-timeout" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--generator", "mt19937"], "mt19937" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--seed", "-1"], "--seed" },
        { ["init", "--preset", Tiny, "--out", "/etc/hostname/o"], "/etc/hostname" },
        { ["init", "--preset", Tiny, "--out", "/proc/weightinit-test"], "/proc/weightinit-test" },
        { ["init", "--preset", Tiny, "--out", S + "/o", "--format", "npy", "--dtype", "bf16"], "bfloat16" },
        { ["init", "--presett", Tiny, "--out", S + "/o"], "Did you mean '--preset'" },
        { ["verify", S + "/missing"], "missing" },
        { ["verify", S + "/empty.json"], "is a file" },
        { ["verify", S + "/noindex"], "index" },
        { ["verify", S + "/version"], "9.9.9" },
        { ["verify", S + "/symlink"], "link" },
        { ["verify", S + "/hugeshape"], "wte.weight" },
        { ["verify", S + "/fifo"], "weightinit.json" },
        { ["verify", S + "/templatedir"], "weightinit.json" },
        { ["verify", S + "/good", "--sample", "-1"], "--sample" },
        { ["verify", S + "/good", "--threads", "-1"], "--threads" },
        { ["verify"], "DIR" },
        { ["verify", S + "/good", "--smaple", "1"], "Did you mean '--sample'" },
    };

    [Fact]
    public async Task InitAndVerifyBadInputs_EachOneLine_ExitTwo_NothingLeft()
    {
        using var scratch = new Scratch();
        var before = Directory.GetFileSystemEntries(scratch.Root, "*", SearchOption.AllDirectories).Order().ToList();
        var failures = new List<string>();
        foreach (var row in Cases)
        {
            var args = ((string[])row[0]).Select(a => a.Replace(S, scratch.Root, StringComparison.Ordinal)).ToArray();
            string named = ((string)row[1]).Replace(S, scratch.Root, StringComparison.Ordinal);
            CliRun run;
            try { run = await Task.Run(() => CliRunner.Run(args)).WaitAsync(TimeSpan.FromSeconds(60)); }
            catch (TimeoutException) { failures.Add($"hangs: {string.Join(' ', args)}"); continue; }
            var lines = run.Error.TrimEnd('\n').Split('\n');
            var after = Directory.GetFileSystemEntries(scratch.Root, "*", SearchOption.AllDirectories).Order().ToList();
            if (run.ExitCode != 2) failures.Add($"exit {run.ExitCode}: {string.Join(' ', args)}\n{run.Error}");
            else if (lines.Length != 1 || !lines[0].StartsWith("error: ", StringComparison.Ordinal)) failures.Add($"not one error line: {string.Join(' ', args)}\n{run.Error}");
            else if (!run.Error.Contains(named, StringComparison.Ordinal)) failures.Add($"does not name '{named}': {string.Join(' ', args)}\n{run.Error}");
            else if (!after.SequenceEqual(before)) failures.Add($"left {string.Join(", ", after.Except(before))}: {string.Join(' ', args)}");
            foreach (var extra in after.Except(before).OrderByDescending(e => e.Length)) // so that one case's leftovers do not fail the next
            {
                if (Directory.Exists(extra)) Directory.Delete(extra, true);
                else if (File.Exists(extra)) File.Delete(extra);
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases.Count} cases:\n" + string.Join("\n", failures));
        Assert.True(Cases.Count >= 50);
    }
}
