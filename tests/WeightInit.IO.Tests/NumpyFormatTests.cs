using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using WeightInit.IO;
using WeightInit.Tests.Oracles;

namespace WeightInit.IO.Tests;

public class NpyWriterTests
{
    public static TheoryData<long[]> Shapes => new() { Array.Empty<long>(), new long[] { 5 }, new long[] { 2, 3 }, new long[] { 0, 3 }, new long[] { 2, 3, 4, 5, 6, 7 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Header_AnyShape_DataStartsAtMultipleOf64AndEndsWithNewline(long[] shape)
    {
        byte[] header = NpyWriter.Header(TensorDType.Float32, shape);
        Assert.Equal(0, header.Length % 64);
        Assert.Equal("\x93NUMPY", Encoding.Latin1.GetString(header, 0, 6));
        Assert.Equal(new byte[] { 1, 0 }, header[6..8]);
        Assert.Equal(header.Length - 10, BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8)));
        Assert.Equal((byte)'\n', header[^1]);
    }

    [Theory]
    [InlineData(new long[0], "'shape': ()")]
    [InlineData(new long[] { 5 }, "'shape': (5,)")]
    [InlineData(new long[] { 2, 3 }, "'shape': (2, 3)")]
    public void Header_Shape_WrittenAsPythonTuple(long[] shape, string expected)
    {
        string text = Encoding.ASCII.GetString(NpyWriter.Header(TensorDType.Float64, shape));
        Assert.Contains("{'descr': '<f8', 'fortran_order': False, " + expected + ", }", text);
    }

    [Fact]
    public void Header_LongerThan65535_UsesVersion2WithFourByteLength()
    {
        long[] shape = Enumerable.Repeat(1L, 30_000).ToArray(); // "1, " × 30 000 ≈ 90 kB of header text
        byte[] header = NpyWriter.Header(TensorDType.Float32, shape);
        Assert.Equal(new byte[] { 2, 0 }, header[6..8]);
        Assert.Equal((uint)(header.Length - 12), BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8)));
        Assert.Equal(0, header.Length % 64);
    }

    [Fact]
    public void Write_BFloat16_RefusedSuggestingSafetensors()
    {
        var tensor = TestTensors.Make("w", TensorDType.BFloat16, [4]);
        var e = Assert.Throws<NotSupportedException>(() => NpyWriter.Write(new MemoryStream(), tensor));
        Assert.Contains("'w'", e.Message);
        Assert.Contains("safetensors", e.Message);
    }

    [Fact]
    public void Write_SmallChunks_FillCalledInAscendingConsecutiveRanges()
    {
        var calls = new List<(long First, int Count)>();
        var tensor = new TensorSource("t", TensorDType.Float32, [10, 7], (first, bytes) =>
        {
            calls.Add((first, bytes.Length / 4));
            BinaryPrimitives.WriteSingleLittleEndian(bytes, first);
        });
        var stream = new MemoryStream();
        NpyWriter.Write(stream, tensor, chunkBytes: 4 * 16);
        Assert.Equal([(0L, 16), (16L, 16), (32L, 16), (48L, 16), (64L, 6)], calls);
        Assert.Equal(NpyWriter.FileLength(TensorDType.Float32, [10, 7]), stream.Length);
    }

    [OracleFact(Oracle.Numpy, Oracle.Torch)]
    public void WriteFile_LoadedByNumpyLoad_ValuesEqualAndTorchFromNumpyWorks()
    {
        using var dir = new TempDirectory();
        var cases = new List<TensorSource>
        {
            TestTensors.Make("scalar", TensorDType.Float32, []),
            TestTensors.Make("vector", TensorDType.Float64, [7], salt: 1),
            TestTensors.Make("matrix", TensorDType.Float16, [3, 5], salt: 2),
            TestTensors.Make("empty", TensorDType.Float32, [0, 3]),
            TestTensors.Make("big", TensorDType.Float32, [64, 33], salt: 3),
        };
        var script = new StringBuilder("import numpy as np, torch\n");
        foreach (var t in cases)
        {
            string path = dir.File(t.Name + ".npy");
            NpyWriter.WriteFile(path, t, chunkBytes: 100);
            script.Append($"a = np.load({TestTensors.PyString(path)}, allow_pickle=False)\n");
            script.Append($"assert a.shape == {TestTensors.PyShape(t.Shape)}, a.shape\n");
            script.Append($"assert a.dtype == np.dtype('{t.DType.NumpyDescr()}'), a.dtype\n");
            script.Append("torch.from_numpy(np.ascontiguousarray(a))\n");
            script.Append("print('hex:' + a.tobytes().hex())\n");
        }
        string[] lines = Python.Run(script.ToString()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(cases.Count, lines.Length);
        for (int i = 0; i < cases.Count; i++)
            Assert.Equal("hex:" + TestTensors.Hex(TestTensors.Bytes(cases[i])), lines[i].Trim());
    }
}

public class NpzWriterTests
{
    [Fact]
    public void Crc32_CheckString_MatchesCatalogueValue()
    {
        // The CRC catalogue's check value of CRC-32/ISO-HDLC over ASCII "123456789".
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        var data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7 + 3)).ToArray();
        var incremental = new Crc32();
        incremental.Append(data.AsSpan(0, 13));
        incremental.Append(data.AsSpan(13));
        Assert.Equal(Crc32.Compute(data), incremental.Value);
        Assert.Equal(BitwiseCrc32(data), Crc32.Compute(data));
    }

    private static uint BitwiseCrc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_ReadBackWithZipArchive_MembersAreTheNpyFiles(bool zip64)
    {
        var tensors = new[] { TestTensors.Make("a", TensorDType.Float32, [3, 4]), TestTensors.Make("b.c", TensorDType.Float64, [5], 1) };
        var stream = new MemoryStream();
        using (var writer = new NpzWriter(stream, leaveOpen: true, chunkBytes: 8) { ForceZip64 = zip64 })
        {
            foreach (var t in tensors)
                writer.Add(t);
            writer.Finish();
        }
        stream.Position = 0;
        using var archive = new ZipArchive(stream, ZipArchiveMode.Read);
        Assert.Equal(["a.npy", "b.c.npy"], archive.Entries.Select(e => e.FullName));
        foreach (var t in tensors)
        {
            var entry = archive.GetEntry(NpzWriter.MemberName(t.Name))!;
            var expected = new MemoryStream();
            NpyWriter.Write(expected, t);
            Assert.Equal(expected.Length, entry.Length);
            Assert.Equal(expected.Length, entry.CompressedLength);
            Assert.Equal(Crc32.Compute(expected.ToArray()), entry.Crc32);
            using var content = entry.Open();
            var actual = new MemoryStream();
            content.CopyTo(actual);
            Assert.Equal(expected.ToArray(), actual.ToArray());
        }
    }

    [Fact]
    public void Add_DuplicateOrBFloat16_Refused()
    {
        using var writer = new NpzWriter(new MemoryStream());
        writer.Add(TestTensors.Make("w", TensorDType.Float32, [2]));
        Assert.Contains("'w'", Assert.Throws<ArgumentException>(() => writer.Add(TestTensors.Make("w", TensorDType.Float32, [2]))).Message);
        Assert.Contains("safetensors", Assert.Throws<NotSupportedException>(() => writer.Add(TestTensors.Make("b", TensorDType.BFloat16, [2]))).Message);
    }

    [Fact]
    public void Constructor_NonSeekableStream_Refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new NpzWriter(new ChecksumStream(new MemoryStream())));
        Assert.Contains("seekable", e.Message);
    }

    [OracleTheory(Oracle.Numpy)]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteFile_LoadedByNumpyLoad_ValuesEqualAndCrcsVerify(bool zip64)
    {
        using var dir = new TempDirectory();
        string path = dir.File("weights.npz");
        var tensors = new[]
        {
            TestTensors.Make("layer0.weight", TensorDType.Float32, [16, 9]),
            TestTensors.Make("layer0.bias", TensorDType.Float64, [16], 1),
            TestTensors.Make("scalar", TensorDType.Float16, [], 2),
            TestTensors.Make("poids_é", TensorDType.Float32, [2, 2], 3),
        };
        AtomicFile.Write(path, s =>
        {
            using var writer = new NpzWriter(s, leaveOpen: true, chunkBytes: 64) { ForceZip64 = zip64 };
            foreach (var t in tensors)
                writer.Add(t);
            writer.Finish();
        });
        if (!zip64)
        {
            string plain = dir.File("plain.npz");
            NpzWriter.WriteFile(plain, tensors);
            Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(plain));
        }
        var script = new StringBuilder("import numpy as np, zipfile\n");
        script.Append($"p = {TestTensors.PyString(path)}\n");
        script.Append("assert zipfile.ZipFile(p).testzip() is None\n");
        script.Append("z = np.load(p, allow_pickle=False)\n");
        script.Append("print(','.join(z.files))\n");
        foreach (var t in tensors)
            script.Append($"a = z[{TestTensors.PyString(t.Name)}]; assert a.shape == {TestTensors.PyShape(t.Shape)}; print(a.tobytes().hex())\n");
        string[] lines = Python.Run(script.ToString()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(",", tensors.Select(t => t.Name)), lines[0].Trim());
        for (int i = 0; i < tensors.Length; i++)
            Assert.Equal(TestTensors.Hex(TestTensors.Bytes(tensors[i])), lines[i + 1].Trim());
    }
}
