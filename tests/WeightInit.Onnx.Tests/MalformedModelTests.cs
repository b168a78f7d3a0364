namespace WeightInit.Onnx.Tests;

/// <summary>Models that parse as protobuf but break one ONNX rule (built by <see cref="TinyOnnx"/>, no Python): each is refused by
/// <see cref="OnnxModel.Load"/> with one <see cref="InvalidDataException"/> line naming the problem, before anything loops,
/// overflows or allocates by the dims' say-so.</summary>
public sealed class MalformedModelTests
{
    private static string Scratch()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"weightinit-onnx-malformed-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string LoadFails(TinyOnnx model, string? dir = null)
    {
        string path = model.Save(Path.Combine(dir ?? Scratch(), "model.onnx"));
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(path));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void Load_TheTinyModel_Loads()
    {
        // The control: the builder's model itself is valid, so each refusal below is the one change it makes.
        var model = OnnxModel.Load(new TinyOnnx().Save(Path.Combine(Scratch(), "model.onnx")));
        Assert.Equal(["W", "b"], model.Initializers.Select(i => i.Name));
        Assert.Equal(["x"], model.InputNames);
    }

    [Fact]
    public void Load_NodesInACycle_IsRefused()
    {
        var model = new TinyOnnx();
        model.Nodes.Clear();
        model.Nodes.Add(new("Identity", ["W"], ["a"], "first"));
        model.Nodes.Add(new("Add", ["a", "c"], ["b2"], "second"));
        model.Nodes.Add(new("Identity", ["b2"], ["c"], "third"));
        model.Nodes.Add(new("Gemm", ["x", "c", "b"], ["y"], "gemm", TransB: true));
        Assert.Contains("the graph has a cycle through node", LoadFails(model));
    }

    [Fact]
    public void Load_NodeFeedingItself_IsRefused()
    {
        var model = new TinyOnnx();
        model.Nodes.Insert(0, new("Relu", ["r"], ["r"], "loop"));
        Assert.Contains("cycle through node 0 (Relu 'loop')", LoadFails(model));
    }

    [Fact]
    public void Load_ValueWithTwoProducers_IsRefusedBeforeThePlannerWalksIt()
    {
        // W → Identity → A, and two Identity(A) → A: before the check the planner's walk from W branched 2^64 times (a hang).
        var model = new TinyOnnx();
        model.Nodes.Insert(0, new("Identity", ["W"], ["A"], "i0"));
        model.Nodes.Insert(1, new("Identity", ["A"], ["A"], "i1"));
        model.Nodes.Insert(2, new("Identity", ["A"], ["A"], "i2"));
        string message = LoadFails(model);
        Assert.Contains("both output 'A'", message);
        Assert.Contains("one producer", message);
    }

    [Fact]
    public void Load_NodeOutputNamedAsAnInitializer_IsRefused()
    {
        var model = new TinyOnnx();
        model.Nodes.Insert(0, new("Identity", ["x"], ["W"], "shadow"));
        Assert.Contains("outputs 'W', which is already an initializer or a graph input", LoadFails(model));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(99)]
    [InlineData(-3)]
    public void Load_UnknownDataType_IsRefused(int dataType)
    {
        string message = LoadFails(new TinyOnnx().With("W", t => t with { DataType = dataType }));
        Assert.Contains($"initializer 'W' has data_type {dataType}, not an ONNX TensorProto.DataType (1…26", message);
    }

    [Fact]
    public void Load_DimsWhoseElementCountOverflowsInt64_IsRefused()
    {
        // (2³¹ − 1)³ > 2⁶³: before, the Gemm operand was kept as "rank 3" and the model passed plan and write.
        string message = LoadFails(new TinyOnnx().With("W", t => t with { Dims = [int.MaxValue, int.MaxValue, int.MaxValue] }));
        Assert.Contains("whose element count exceeds a 64-bit integer", message);
    }

    [Fact]
    public void Load_DimsWhoseByteCountOverflowsInt64_IsRefused()
    {
        // (2³¹ − 1)² elements fit in a long, but not times 4 bytes.
        string message = LoadFails(new TinyOnnx().With("W", t => t with { Dims = [int.MaxValue, int.MaxValue] }));
        Assert.Contains("4-byte elements exceed a 64-bit byte count", message);
    }

    [Fact]
    public void Load_DimsClaimingMoreThanRawDataHolds_IsRefused()
    {
        // [65536, 65536] over 48 bytes: before, --plan promised 17 GB and a checkpoint format would have written them.
        string message = LoadFails(new TinyOnnx().With("W", t => t with { Dims = [65536, 65536] }));
        Assert.Contains("raw_data holds 48 bytes, but dims [65536, 65536] of 4-byte elements need 17179869184", message);
    }

    [Fact]
    public void Load_RawDataShorterThanTheDims_IsRefused() =>
        Assert.Contains("raw_data holds 10 bytes, but dims [4, 3] of 4-byte elements need 48",
            LoadFails(new TinyOnnx().With("W", t => t with { Raw = new byte[10] })));

    [Fact]
    public void Load_RawDataOfAnIntegerTensorNotMatchingItsDims_IsRefused() =>
        // int64 (data type 7): 8 bytes per element, so the 48 bytes hold 6 of the 12.
        Assert.Contains("raw_data holds 48 bytes, but dims [4, 3] of 8-byte elements need 96",
            LoadFails(new TinyOnnx().With("W", t => t with { DataType = 7 })));

    [Fact]
    public void Load_FloatDataCountNotMatchingItsDims_IsRefused() =>
        Assert.Contains("initializer 'W' stores 5 values, but dims [4, 3] hold 12",
            LoadFails(new TinyOnnx().With("W", t => t with { Raw = null, FloatData = new float[5] })));

    [Fact]
    public void Load_FloatDataMatchingItsDims_Loads()
    {
        string path = new TinyOnnx().With("W", t => t with { Raw = null, FloatData = new float[12] }).Save(Path.Combine(Scratch(), "model.onnx"));
        Assert.Equal(12, OnnxModel.Load(path).Initializers[0].ElementCount);
    }

    private static TinyOnnx External(string location, long? offset = null, long? length = null)
    {
        var entries = new List<(string, string)> { ("location", location) };
        if (offset is { } o) entries.Add(("offset", o.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (length is { } l) entries.Add(("length", l.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new TinyOnnx().With("W", t => t with { Raw = null, External = [.. entries] });
    }

    [Fact]
    public void Load_ExternalOffsetPlusLengthOverflowing_IsRefused()
    {
        // offset 2⁶³ − 1 plus length 48 wraps to a negative end: before, the check "offset + length > file length" passed.
        string dir = Scratch();
        File.WriteAllBytes(Path.Combine(dir, "w.bin"), new byte[512]);
        string message = LoadFails(External("w.bin", long.MaxValue, 48), dir);
        Assert.Contains("holds 512 bytes, too few for offset 9223372036854775807 and length 48", message);
    }

    [Fact]
    public void Load_ExternalLengthNotMatchingTheDims_IsRefused()
    {
        string dir = Scratch();
        File.WriteAllBytes(Path.Combine(dir, "w.bin"), new byte[512]);
        Assert.Contains("its external data holds 100 bytes, but dims [4, 3] of 4-byte elements need 48", LoadFails(External("w.bin", 0, 100), dir));
    }

    [Fact]
    public void Load_ExternalFileThroughASymlinkLeadingOutside_IsRefused()
    {
        string outside = Scratch(), dir = Scratch();
        File.WriteAllBytes(Path.Combine(outside, "secret.bin"), new byte[48]);
        File.CreateSymbolicLink(Path.Combine(dir, "w.bin"), Path.Combine(outside, "secret.bin"));
        Assert.Contains("a symbolic link that leads outside the model's folder", LoadFails(External("w.bin"), dir));
    }

    [Fact]
    public void Load_ExternalFileUnderASymlinkedFolderLeadingOutside_IsRefused()
    {
        string outside = Scratch(), dir = Scratch();
        File.WriteAllBytes(Path.Combine(outside, "secret.bin"), new byte[48]);
        Directory.CreateSymbolicLink(Path.Combine(dir, "data"), outside);
        Assert.Contains("a symbolic link that leads outside the model's folder", LoadFails(External("data/secret.bin"), dir));
    }

    [Fact]
    public void Load_ExternalFileThroughASymlinkInsideTheFolder_Loads()
    {
        string dir = Scratch();
        Directory.CreateDirectory(Path.Combine(dir, "store"));
        File.WriteAllBytes(Path.Combine(dir, "store", "w.bin"), new byte[48]);
        File.CreateSymbolicLink(Path.Combine(dir, "w.bin"), Path.Combine("store", "w.bin"));
        var model = OnnxModel.Load(External("w.bin").Save(Path.Combine(dir, "model.onnx")));
        Assert.Equal(48, model.Initializers[0].External!.Length);
    }

    [Fact]
    public void Write_ExternalFileThroughASymlinkInsideTheFolder_CopiesTheWholeData()
    {
        // The data file's length is the target's 48 bytes, not the link's own (FileInfo.Length of a link is the link's).
        string dir = Scratch(), output = Scratch();
        Directory.CreateDirectory(Path.Combine(dir, "store"));
        File.WriteAllBytes(Path.Combine(dir, "store", "w.bin"), new byte[48]);
        File.CreateSymbolicLink(Path.Combine(dir, "w.bin"), Path.Combine("store", "w.bin"));
        var plan = OnnxPlanner.Plan(OnnxModel.Load(External("w.bin").Save(Path.Combine(dir, "model.onnx"))));
        OnnxWriter.Write(plan, plan.ToCheckpointPlan(5), Path.Combine(output, "new.onnx"));
        byte[] data = File.ReadAllBytes(Path.Combine(output, "w.bin"));
        Assert.Equal(48, data.Length);
        Assert.Contains(data, b => b != 0); // W [4, 3] drawn from glorot_uniform, not the zeros it held
        Assert.All(File.ReadAllBytes(Path.Combine(dir, "store", "w.bin")), b => Assert.Equal(0, b));
        Assert.Equal(48, OnnxModel.Load(Path.Combine(output, "new.onnx")).Initializers[0].External!.Length);
    }

    [Fact]
    public void Write_ModelNamedAsItsOwnExternalDataFile_RefusedAndNothingWritten()
    {
        // --out DIR/w.bin for a model whose data lies in w.bin: the data file was written, then replaced by the model.
        string dir = Scratch(), output = Scratch();
        File.WriteAllBytes(Path.Combine(dir, "w.bin"), new byte[48]);
        var plan = OnnxPlanner.Plan(OnnxModel.Load(External("w.bin").Save(Path.Combine(dir, "model.onnx"))));
        var e = Assert.Throws<IOException>(() => OnnxWriter.Write(plan, plan.ToCheckpointPlan(5), Path.Combine(output, "w.bin")));
        Assert.Contains("would put the model where its external data 'w.bin' goes", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(output));
    }

    [Fact]
    public void Write_FailingAfterTheDataFiles_RemovesTheFilesAndTheFoldersItCreated()
    {
        // The model's data lies in data/deep/w.bin; the new model's own path is a folder, so its rename fails last.
        string dir = Scratch(), output = Scratch();
        Directory.CreateDirectory(Path.Combine(dir, "data", "deep"));
        File.WriteAllBytes(Path.Combine(dir, "data", "deep", "w.bin"), new byte[48]);
        Directory.CreateDirectory(Path.Combine(output, "data")); // there before: stays
        File.WriteAllText(Path.Combine(output, "data", "keep.txt"), "the user's");
        Directory.CreateDirectory(Path.Combine(output, "new.onnx", "occupied"));
        var plan = OnnxPlanner.Plan(OnnxModel.Load(External("data/deep/w.bin").Save(Path.Combine(dir, "model.onnx"))));
        Assert.ThrowsAny<IOException>(() => OnnxWriter.Write(plan, plan.ToCheckpointPlan(5), Path.Combine(output, "new.onnx")));
        Assert.Equal(["data", "data/keep.txt", "new.onnx", "new.onnx/occupied"],
            Directory.GetFileSystemEntries(output, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(output, p)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_DirectoryNamedLikeAModel_SaysItIsADirectory()
    {
        // Was "The ONNX model 'x.onnx' does not exist" for a folder that does.
        string dir = Path.Combine(Scratch(), "folder.onnx");
        Directory.CreateDirectory(dir);
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(dir));
        Assert.Contains("is a directory, not an ONNX model file", e.Message);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);

    private static string Fifo(string path)
    {
        Assert.Equal(0, mkfifo(path, 0b110_000_000)); // 0600
        return path;
    }

    /// <summary>Runs <paramref name="action"/> and fails when it has not finished in 30 s (opening a named pipe waits for a writer).</summary>
    private static void Finishes(Action action) =>
        Assert.True(Task.Run(action).Wait(TimeSpan.FromSeconds(30)), "still waiting after 30 s");

    [Fact]
    public void Load_NamedPipe_RefusedWithoutWaitingForAWriter()
    {
        if (!OperatingSystem.IsLinux()) return; // mkfifo is libc's
        string path = Fifo(Path.Combine(Scratch(), "pipe.onnx"));
        Finishes(() => Assert.Contains("no ir_version", Assert.Throws<InvalidDataException>(() => OnnxModel.Load(path)).Message));
    }

    [Fact]
    public void Write_EmptyTensorInANamedPipe_WritesAnEmptyFileWithoutWaiting()
    {
        if (!OperatingSystem.IsLinux()) return;
        string dir = Scratch(), output = Scratch();
        Fifo(Path.Combine(dir, "pipe"));
        var tiny = new TinyOnnx();
        tiny.Initializers.Add(new("unused", [0], External: [("location", "pipe")]));
        var plan = OnnxPlanner.Plan(OnnxModel.Load(tiny.Save(Path.Combine(dir, "model.onnx"))));
        Finishes(() => OnnxWriter.Write(plan, plan.ToCheckpointPlan(5), Path.Combine(output, "new.onnx")));
        Assert.Equal(0, new FileInfo(Path.Combine(output, "pipe")).Length);
        Assert.True(File.Exists(Path.Combine(output, "new.onnx")));
    }

    private static TinyOnnx Conv(long group)
    {
        var model = new TinyOnnx().With("W", t => t with { Dims = [4, 3, 3, 3], Raw = new byte[4 * 3 * 3 * 3 * 4] });
        model.Nodes[0] = new("Conv", ["x", "W", "b"], ["y"], "conv", Group: group);
        return model;
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(3L)] // does not divide the 4 output channels
    [InlineData(4294967297L)] // 2³² + 1: wrapped to group 1 and was planned as an ungrouped Conv
    public void Plan_ConvWithAnInvalidGroup_NamesTheTensorTheNodeAndTheGroup(long group)
    {
        var model = OnnxModel.Load(Conv(group).Save(Path.Combine(Scratch(), "model.onnx")));
        var e = Assert.Throws<ArgumentException>(() => OnnxPlanner.Plan(model));
        Assert.Contains($"Initializer 'W' [4, 3, 3, 3] at Conv 'conv' input 1: attribute group = {group} must be a positive integer dividing the output channels (axis 0) = 4", e.Message);
    }

    [Fact]
    public void Plan_ConvWithAValidGroup_HasTheGroupedFans()
    {
        // group 2 of W [4, 3, 3, 3]: fan_in = 3·9 = 27, fan_out = (4/2)·9 = 18 (docs/models.md's table).
        var plan = OnnxPlanner.Plan(OnnxModel.Load(Conv(2).Save(Path.Combine(Scratch(), "model.onnx"))));
        var w = plan.Tensors.Single(t => t.Name == "W");
        Assert.Equal(27, w.Fans!.Value.FanIn);
        Assert.Equal(18, w.Fans!.Value.FanOut);
    }

    /// <summary>A GRU with hidden_size 2 over 3 inputs: W [nd, 3·2, 3], R [nd, 6, <paramref name="rWidth"/>], B [nd, 12].</summary>
    private static TinyOnnx Gru(string direction, long nd, long rWidth = 2)
    {
        var model = new TinyOnnx();
        model.Initializers.Clear();
        model.Initializers.AddRange([
            new("W", [nd, 6, 3], Raw: new byte[nd * 6 * 3 * 4]),
            new("R", [nd, 6, rWidth], Raw: new byte[nd * 6 * rWidth * 4]),
            new("B", [nd, 12], Raw: new byte[nd * 12 * 4]),
        ]);
        model.Nodes[0] = new("GRU", ["x", "W", "R", "B"], ["y"], "gru", Ints: [("hidden_size", 2)], Strings: [("direction", direction)]);
        return model;
    }

    [Theory]
    [InlineData("forward", 1L)]
    [InlineData("reverse", 1L)]
    [InlineData("bidirectional", 2L)]
    public void Plan_GruWhoseWeightsHoldItsDirections_IsPlaced(string direction, long nd)
    {
        var plan = OnnxPlanner.Plan(OnnxModel.Load(Gru(direction, nd).Save(Path.Combine(Scratch(), "model.onnx"))));
        Assert.All(plan.Tensors, t => Assert.True(t.IsRewritten, $"{t.Name}: {t.Reason}"));
        Assert.Equal(3, plan.Tensors.Single(t => t.Name == "W").Fans!.Value.FanIn);
    }

    [Theory]
    [InlineData("bidirectional", 1L, "holds 1 direction(s), but direction 'bidirectional' has 2")]
    [InlineData("forward", 2L, "holds 2 direction(s), but direction 'forward' has 1")]
    [InlineData("sideways", 1L, "direction 'sideways' (valid: forward, reverse, bidirectional)")]
    public void Plan_GruWhoseWeightsContradictItsDirection_KeptWithTheReason(string direction, long nd, string reason)
    {
        // Was planned as if the weights were right: a bidirectional GRU with one direction's weights got laws and fans.
        var plan = OnnxPlanner.Plan(OnnxModel.Load(Gru(direction, nd).Save(Path.Combine(Scratch(), "model.onnx"))));
        var w = plan.Tensors.Single(t => t.Name == "W");
        Assert.False(w.IsRewritten);
        Assert.Contains(reason, w.Reason);
    }

    [Fact]
    public void Plan_GruWhoseRecurrentWeightIsNotHiddenWide_KeptWithTheReason()
    {
        var plan = OnnxPlanner.Plan(OnnxModel.Load(Gru("forward", 1, rWidth: 3).Save(Path.Combine(Scratch(), "model.onnx"))));
        var r = plan.Tensors.Single(t => t.Name == "R");
        Assert.False(r.IsRewritten);
        Assert.Contains("does not match hidden_size 2", r.Reason);
        Assert.True(plan.Tensors.Single(t => t.Name == "W").IsRewritten);
    }
}
