using System.Runtime.InteropServices;
using WeightInit.Checkpoints;
using WeightInit.Initializers;
using WeightInit.IO;
using WeightInit.Random;

namespace WeightInit.Checkpoints.Tests;

/// <summary>A fresh directory under the temp path, removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"weightinit-ckpt-{Guid.NewGuid():N}");
    public string Sub(string name) { string p = System.IO.Path.Combine(Path, name); Directory.CreateDirectory(p); return p; }
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}

public class CheckpointWriterTests
{
    /// <summary>A small transformer-like plan: sizes not multiples of 16, every role, structured and drawn initializers.</summary>
    private static CheckpointPlan SmallPlan(TensorDType dtype = TensorDType.Float32, ulong seed = 5)
    {
        var source = CheckpointPresets.Resolve("gpt2(n_layer=2, n_embd=24, n_head=2, vocab_size=101, n_positions=17)", null);
        var tensors = source.Tensors.Append(new TensorDeclaration("extra.weight", [33, 20], Initializer: "orthogonal")).ToList();
        return CheckpointPlan.Create(tensors, source.Policy, seed, dtype);
    }

    private static Dictionary<string, byte[]> TensorBytes(string directory)
    {
        var result = new Dictionary<string, byte[]>();
        foreach (string file in Directory.EnumerateFiles(directory, "*.safetensors"))
        {
            using var reader = SafetensorsReader.Open(file);
            foreach (var t in reader.Tensors) result.Add(t.Name, reader.ReadBytes(t.Name));
        }
        return result;
    }

    private static Dictionary<string, byte[]> AllFiles(string directory) =>
        Directory.EnumerateFiles(directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    [Fact]
    public void TensorBytes_EqualTheInitializersOwnFill()
    {
        using var dir = new TempDirectory();
        var plan = SmallPlan();
        CheckpointWriter.Write(plan, new CheckpointWriteOptions { Directory = dir.Path });
        var bytes = TensorBytes(dir.Path);
        foreach (var t in plan.Tensors)
        {
            var expected = InitializerRegistry.Parse(t.Initializer).CreateSingle(PhiloxKey.FromSeed(5).Fold(t.Name), t.Shape);
            Assert.True(MemoryMarshal.AsBytes(expected.AsSpan()).SequenceEqual(bytes[t.Name]), t.Name);
        }
    }

    /// <summary>Shards written where a single-file checkpoint was: its model.safetensors goes, because transformers'
    /// from_pretrained reads model.safetensors before model.safetensors.index.json and would load the old tensors.</summary>
    [Fact]
    public void ShardsOverASingleFileCheckpoint_RemoveItsModelSafetensors()
    {
        using var dir = new TempDirectory();
        CheckpointWriter.Write(SmallPlan(seed: 1), new CheckpointWriteOptions { Directory = dir.Path });
        Assert.True(File.Exists(Path.Combine(dir.Path, "model.safetensors")));
        var plan = SmallPlan(seed: 2);
        CheckpointWriter.Write(plan, new CheckpointWriteOptions { Directory = dir.Path, ShardBytes = 3000 });
        Assert.False(File.Exists(Path.Combine(dir.Path, "model.safetensors")));
        Assert.False(File.Exists(Path.Combine(dir.Path, "model.safetensors.crc32")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "model.safetensors.index.json")));
        Assert.Equal(plan.Tensors.Count, TensorBytes(dir.Path).Count); // every tensor once: no second copy beside the shards
    }

    [Fact]
    public void TensorBytes_SameForAnyThreadsChunkAndShardSize()
    {
        using var dir = new TempDirectory();
        var plan = SmallPlan(TensorDType.BFloat16);
        CheckpointWriter.Write(plan, new CheckpointWriteOptions { Directory = dir.Sub("a"), Threads = 1 });
        CheckpointWriter.Write(plan, new CheckpointWriteOptions { Directory = dir.Sub("b"), Threads = 2, ChunkBytes = 64, ShardBytes = 3000 });
        CheckpointWriter.Write(plan, new CheckpointWriteOptions { Directory = dir.Sub("c"), Threads = 0, ChunkBytes = 1000, ShardBytes = 1 });
        Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "a"), "*.safetensors"));
        Assert.True(Directory.GetFiles(Path.Combine(dir.Path, "b"), "*.safetensors").Length > 3);
        Assert.Equal(plan.Tensors.Count, Directory.GetFiles(Path.Combine(dir.Path, "c"), "*.safetensors").Length); // one tensor per shard
        var a = TensorBytes(Path.Combine(dir.Path, "a"));
        foreach (var other in new[] { "b", "c" })
        {
            var b = TensorBytes(Path.Combine(dir.Path, other));
            Assert.Equal(a.Keys.Order(), b.Keys.Order());
            foreach (var (name, bytes) in a) Assert.True(bytes.AsSpan().SequenceEqual(b[name]), $"{other}: {name}");
        }
        Assert.Equal(plan.Tensors.Count, CheckpointVerifier.Verify(Path.Combine(dir.Path, "c")).Count(v => v.Matches));
    }

    /// <summary>Unbuffered (O_DIRECT) and buffered writes give the same files, whatever the chunk size: a mixed-dtype plan whose odd
    /// element counts put bfloat16, float32 and float64 elements across chunk boundaries, written in aligned chunks (the direct path,
    /// its partial last block) and in unaligned ones (always buffered), against the buffered writer with the default chunk.</summary>
    [Fact]
    public void Unbuffered_SameFilesAsBuffered_ElementsAcrossChunkBoundaries()
    {
        using var dir = new TempDirectory();
        var tensors = new List<TensorDeclaration>
        {
            new("a.weight", [3, 1001], TensorDType.BFloat16, Initializer: "normal(std=0.02)"),
            new("b.weight", [7, 777], TensorDType.Float32, Initializer: "he_uniform"),
            new("c.bias", [1], TensorDType.BFloat16, Initializer: "constant(value=0.5)"),
            new("d.weight", [513, 9], TensorDType.Float64, Initializer: "xavier_normal"),
            new("e.weight", [2049], TensorDType.Float16, Initializer: "uniform(low=-1, high=1)"),
        };
        var plan = CheckpointPlan.Create(tensors, InitPolicy.Default, 11, TensorDType.Float32);
        var reference = CheckpointWriter.Write(plan, new CheckpointWriteOptions { Directory = dir.Sub("buffered"), Unbuffered = false, ShardBytes = 40_000 });
        Assert.Equal(0, reference.UnbufferedBytes);
        Assert.True(reference.Files.Count > 1);
        var expected = AllFiles(Path.Combine(dir.Path, "buffered"));
        foreach (int chunk in new[] { 4096, 3 * 4096, 64 << 10, 4099, 16 })
        {
            string sub = dir.Sub($"chunk{chunk}");
            var result = CheckpointWriter.Write(plan, new CheckpointWriteOptions { Directory = sub, ChunkBytes = chunk, ShardBytes = 40_000 });
            var actual = AllFiles(sub);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (name, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"chunk {chunk}: {name}");
            if (chunk % UnbufferedIO.Alignment != 0) Assert.Equal(0, result.UnbufferedBytes);
            else if (UnbufferedIO.IsSupported) Assert.True(result.UnbufferedBytes > 0, $"chunk {chunk}: no byte went past the page cache under {dir.Path}");
            Assert.True(result.UnbufferedBytes <= result.BytesWritten);
        }
    }

    [Fact]
    public void Ranks_TwoRanksInTurn_FilesIdenticalToOneProcess()
    {
        using var dir = new TempDirectory();
        var plan = SmallPlan();
        CheckpointWriter.Write(plan, new CheckpointWriteOptions { Directory = dir.Sub("one"), ShardBytes = 4000 });
        string two = dir.Sub("two");
        var r1 = CheckpointWriter.Write(plan, new CheckpointWriteOptions { Directory = two, ShardBytes = 4000, Rank = 1, World = 2 });
        Assert.False(r1.WroteIndex);
        Assert.False(File.Exists(Path.Combine(two, ShardIndex.IndexFileName)));
        Assert.All(r1.Written, f => Assert.Equal(1, r1.Files.Single(x => x.FileName == f).Index % 2));
        CheckpointWriter.Write(plan, new CheckpointWriteOptions { Directory = two, ShardBytes = 4000, Rank = 0, World = 2 });
        var one = AllFiles(Path.Combine(dir.Path, "one"));
        var both = AllFiles(two);
        Assert.Equal(one.Keys.Order(), both.Keys.Order());
        Assert.Contains(ShardIndex.IndexFileName, one.Keys);
        foreach (var (name, bytes) in one) Assert.True(bytes.AsSpan().SequenceEqual(both[name]), name);
    }

    [Fact]
    public void Rank0_OtherRanksFilesMissing_TimesOutWithoutIndex()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<TimeoutException>(() => CheckpointWriter.Write(SmallPlan(), new CheckpointWriteOptions
        {
            Directory = dir.Path, ShardBytes = 4000, Rank = 0, World = 2, WaitTimeout = TimeSpan.FromMilliseconds(300),
        }));
        Assert.Contains("from rank 1", e.Message);
        Assert.False(File.Exists(Path.Combine(dir.Path, ShardIndex.IndexFileName)));
        Assert.False(File.Exists(Path.Combine(dir.Path, CheckpointPlan.ManifestFileName)));
    }

    [Fact]
    public void Resume_KeepsMatchingFiles_RedoesCorruptOrUnconfirmedOnes()
    {
        using var dir = new TempDirectory();
        var plan = SmallPlan();
        var options = new CheckpointWriteOptions { Directory = dir.Path, ShardBytes = 4000 };
        var first = CheckpointWriter.Write(plan, options);
        var reference = AllFiles(dir.Path);
        string corrupt = first.Files[0].FileName, unconfirmed = first.Files[1].FileName;
        var bytes = File.ReadAllBytes(Path.Combine(dir.Path, corrupt));
        bytes[^1] ^= 1;
        File.WriteAllBytes(Path.Combine(dir.Path, corrupt), bytes);
        File.Delete(Path.Combine(dir.Path, unconfirmed + CheckpointWriter.SidecarSuffix));
        File.WriteAllBytes(Path.Combine(dir.Path, $".{unconfirmed}.tmp-999999"), [1, 2, 3]); // a killed writer's leftover

        var second = CheckpointWriter.Write(plan, options with { Resume = true });

        Assert.Equal([corrupt, unconfirmed], second.Written);
        Assert.Equal(first.Files.Count - 2, second.Kept.Count);
        var after = AllFiles(dir.Path);
        Assert.Equal(reference.Keys.Order(), after.Keys.Order());
        foreach (var (name, content) in reference) Assert.True(content.AsSpan().SequenceEqual(after[name]), name);
    }

    [Fact]
    public void Resume_DifferentSeed_RewritesEverything()
    {
        using var dir = new TempDirectory();
        CheckpointWriter.Write(SmallPlan(seed: 1), new CheckpointWriteOptions { Directory = dir.Path, ShardBytes = 4000 });
        var again = CheckpointWriter.Write(SmallPlan(seed: 2), new CheckpointWriteOptions { Directory = dir.Path, ShardBytes = 4000, Resume = true });
        Assert.Empty(again.Kept);
        Assert.All(CheckpointVerifier.Verify(dir.Path), v => Assert.True(v.Matches, v.Name));
    }

    [Theory]
    [InlineData(CheckpointFormat.Safetensors)]
    [InlineData(CheckpointFormat.Npy)]
    [InlineData(CheckpointFormat.Npz)]
    public void Verify_IntactThenOneByteFlipped_FindsTheTensorAndElement(CheckpointFormat format)
    {
        using var dir = new TempDirectory();
        var plan = SmallPlan(TensorDType.Float16);
        CheckpointWriter.Write(plan, new CheckpointWriteOptions { Directory = dir.Path, Format = format });
        var verdicts = CheckpointVerifier.Verify(dir.Path);
        Assert.Equal(plan.Tensors.Count, verdicts.Count);
        Assert.All(verdicts, v => Assert.True(v.Matches, v.Name + ": " + v.Detail));
        Assert.Equal(3, CheckpointVerifier.Verify(dir.Path, sample: 3).Count);

        // The last element of the last tensor ("extra.weight", 33×20 float16) sits just before the end of the data.
        string file = format switch
        {
            CheckpointFormat.Safetensors => CheckpointLayout.SingleFileName,
            CheckpointFormat.Npy => "extra.weight.npy",
            _ => CheckpointLayout.NpzFileName,
        };
        string path = Path.Combine(dir.Path, file);
        var bytes = File.ReadAllBytes(path);
        int position = format == CheckpointFormat.Npz ? FindLastTensorEnd(bytes, plan) - 1 : bytes.Length - 1;
        bytes[position] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var bad = CheckpointVerifier.Verify(dir.Path).Where(v => !v.Matches).ToList();
        var only = Assert.Single(bad);
        Assert.Equal("extra.weight", only.Name);
        Assert.Contains($"element {33 * 20 - 1} differs", only.Detail);
    }

    /// <summary>In the uncompressed archive, the last member's data ends where the central directory ("PK\x01\x02") starts.</summary>
    private static int FindLastTensorEnd(byte[] zip, CheckpointPlan plan)
    {
        int local = zip.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(plan.Tensors[^1].Name + ".npy"));
        return local + zip.AsSpan(local).IndexOf([(byte)0x50, (byte)0x4b, (byte)0x01, (byte)0x02]);
    }

    [Fact]
    public void TorchGenerator_ResumeAndVerifyReplayTheStream_SeveralRanksRejected()
    {
        using var dir = new TempDirectory();
        var tensors = new TensorDeclaration[]
        {
            new("a.weight", [37, 19]), new("a.bias", [37]), new("b.weight", [8, 3, 3, 3]), new("b.bias", [8]), new("c.weight", [5, 3]),
        };
        var plan = CheckpointPlan.Create(tensors, CheckpointPresets.PyTorchDefault, 3, generator: CheckpointGenerator.Torch);
        var options = new CheckpointWriteOptions { Directory = dir.Path, ShardBytes = 700 };
        var first = CheckpointWriter.Write(plan, options);
        Assert.True(first.Files.Count >= 3);
        var reference = AllFiles(dir.Path);
        File.Delete(Path.Combine(dir.Path, first.Files[1].FileName)); // a middle shard: its tensors must be drawn after replaying the first
        var second = CheckpointWriter.Write(plan, options with { Resume = true });
        Assert.Equal([first.Files[1].FileName], second.Written);
        foreach (var (name, content) in reference) Assert.True(content.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir.Path, name))), name);
        Assert.All(CheckpointVerifier.Verify(dir.Path, sample: 2), v => Assert.True(v.Matches, v.Name));
        var e = Assert.Throws<ArgumentException>(() => CheckpointWriter.Write(plan, options with { Rank = 0, World = 2 }));
        Assert.Contains("sequential", e.Message);
    }

    [Fact]
    public void Layout_GreedyShards_PureFunctionOfPlanAndSize()
    {
        var plan = CheckpointPlan.Create([new("a", [10]), new("b", [10]), new("c", [30]), new("d", [5])], InitPolicy.Default, 1); // 40, 40, 120, 20 bytes
        Assert.Equal([[0, 1], [2], [3]], CheckpointLayout.Files(plan, CheckpointFormat.Safetensors, 100).Select(f => f.Tensors.ToArray()));
        Assert.Equal(["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"],
            CheckpointLayout.Files(plan, CheckpointFormat.Safetensors, 100).Select(f => f.FileName));
        Assert.Equal(CheckpointLayout.SingleFileName, Assert.Single(CheckpointLayout.Files(plan, CheckpointFormat.Safetensors, 220)).FileName);
        Assert.Throws<ArgumentException>(() => CheckpointLayout.Files(plan, CheckpointFormat.Safetensors, 0));
        Assert.Equal(5_000_000_000, CheckpointLayout.ParseSize("5GB"));
        Assert.Equal(64 * 1024, CheckpointLayout.ParseSize("64KiB"));
        Assert.Equal(1_000_000_000, CheckpointLayout.ParseSize("1e9"));
        Assert.Throws<ArgumentException>(() => CheckpointLayout.ParseSize("0"));
        Assert.Throws<ArgumentException>(() => CheckpointLayout.ParseSize("lots"));
    }
}
