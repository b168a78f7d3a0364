using System.Buffers.Binary;
using System.Text;
using WeightInit.IO;
using WeightInit.Tests.Oracles;

namespace WeightInit.IO.Tests;

public class SafetensorsWriterTests
{
    private static TensorSource Counting(string name, long[] shape) =>
        new(name, TensorDType.Float32, shape, TensorFills.FromSingle(TensorDType.Float32, (first, values) =>
        {
            for (int k = 0; k < values.Length; k++)
                values[k] = first + k;
        }));

    private static byte[] WriteToBytes(IReadOnlyList<TensorSource> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var stream = new MemoryStream();
        SafetensorsWriter.Write(stream, tensors, metadata, chunkBytes: 8);
        return stream.ToArray();
    }

    [Fact]
    public void Write_ReferenceSerializationVector_ByteIdentical()
    {
        // safetensors/src/tensor.rs test_serialization: "attn.0", F32 [1,2,3], data 0..5.
        byte[] expected =
        [
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34,
            44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115,
            34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ];
        Assert.Equal(expected, WriteToBytes([Counting("attn.0", [1, 2, 3])]));
    }

    [Fact]
    public void Write_ReferenceForcedAlignmentVector_PaddedWithSevenSpaces()
    {
        byte[] bytes = WriteToBytes([Counting("attn0", [1, 1, 2, 3])]);
        Assert.Equal(72UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ", Encoding.UTF8.GetString(bytes, 8, 72));
    }

    [Fact]
    public void Write_ReferenceEmptyVectors_ByteIdentical()
    {
        Assert.Equal(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32 }, WriteToBytes([]));
        byte[] withMetadata = WriteToBytes([], new Dictionary<string, string> { ["framework"] = "pt" });
        Assert.Equal(40UL, BinaryPrimitives.ReadUInt64LittleEndian(withMetadata));
        Assert.Equal("{\"__metadata__\":{\"framework\":\"pt\"}}     ", Encoding.UTF8.GetString(withMetadata, 8, 40));
    }

    [Fact]
    public void Header_DuplicateOrReservedName_Refused()
    {
        Assert.Contains("'w'", Assert.Throws<ArgumentException>(() => SafetensorsWriter.Header([Counting("w", [1]), Counting("w", [2])])).Message);
        Assert.Contains("__metadata__", Assert.Throws<ArgumentException>(() => SafetensorsWriter.Header([Counting("__metadata__", [1])])).Message);
    }

    [Fact]
    public void WriteThenRead_MixedTypesAndShapes_RoundTrips()
    {
        var tensors = new[]
        {
            TestTensors.Make("embed.weight", TensorDType.BFloat16, [5, 3]),
            TestTensors.Make("scalar", TensorDType.Float64, [], 1),
            TestTensors.Make("empty", TensorDType.Float32, [0, 4], 2),
            TestTensors.Make("层.bias", TensorDType.Float16, [7], 3),
            TestTensors.Make("head.weight", TensorDType.Float32, [4, 6], 4),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["seed"] = "42" };
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        SafetensorsWriter.WriteFile(path, tensors, metadata, chunkBytes: 6);
        Assert.Equal(SafetensorsWriter.FileLength(tensors, metadata), new FileInfo(path).Length);

        using var reader = SafetensorsReader.Open(path);
        Assert.Equal(0, reader.DataStart % 8);
        Assert.Equal(metadata, reader.Metadata);
        Assert.Equal(tensors.Select(t => t.Name), reader.Tensors.Select(t => t.Name));
        long offset = 0;
        foreach (var t in tensors)
        {
            var info = reader[t.Name];
            Assert.Equal(new SafetensorsTensorInfo(t.Name, t.DType, t.Shape, offset, offset + t.ByteLength), info);
            Assert.Equal(TestTensors.Bytes(t), reader.ReadBytes(t.Name));
            offset += t.ByteLength;
        }
        // bfloat16 values: representable in bfloat16 and within half an ulp (2^-8 relative) of the float32 value.
        double[] embed = reader.ReadAsDoubles("embed.weight");
        for (int i = 0; i < embed.Length; i++)
        {
            float exact = TestTensors.Value(i, 0);
            Assert.Equal(0u, BitConverter.SingleToUInt32Bits((float)embed[i]) & 0xFFFF);
            Assert.True(Math.Abs(embed[i] - exact) <= Math.Abs(exact) * Math.Pow(2, -8), $"element {i}: {embed[i]} vs {exact}");
        }
        Assert.Contains("has no tensor 'missing'", Assert.Throws<KeyNotFoundException>(() => reader["missing"]).Message);
    }

    [OracleFact(Oracle.Numpy, Oracle.Torch)]
    public void WriteFile_ParsedByPythonJsonStructNumpy_ValuesEqualAndTorchLoads()
    {
        var tensors = new[]
        {
            TestTensors.Make("w32", TensorDType.Float32, [8, 5]),
            TestTensors.Make("w64", TensorDType.Float64, [3], 1),
            TestTensors.Make("w16", TensorDType.Float16, [2, 2, 2], 2),
            TestTensors.Make("wbf", TensorDType.BFloat16, [9], 3),
            TestTensors.Make("s", TensorDType.Float32, [], 4),
        };
        using var dir = new TempDirectory();
        string path = dir.File("m.safetensors");
        SafetensorsWriter.WriteFile(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        string script = $$"""
import json, struct, numpy as np, torch
raw = open({{TestTensors.PyString(path)}}, 'rb').read()
(n,) = struct.unpack('<Q', raw[:8])
assert (8 + n) % 8 == 0
header = json.loads(raw[8:8 + n].decode('utf-8'))
assert header.pop('__metadata__') == {'format': 'pt'}
buf = raw[8 + n:]
names = {'F32': '<f4', 'F64': '<f8', 'F16': '<f2', 'BF16': '<u2'}
end = 0
for name, info in header.items():
    b, e = info['data_offsets']
    assert b == end; end = e
    a = np.frombuffer(buf[b:e], dtype=names[info['dtype']]).reshape(info['shape'])
    if info['dtype'] == 'BF16':
        t = torch.frombuffer(bytearray(buf[b:e]), dtype=torch.bfloat16).reshape(info['shape']) if e > b else None
        f = (a.astype(np.uint32) << 16).view(np.float32)
        assert t is None or torch.equal(t.float(), torch.from_numpy(f.copy()))
    else:
        torch.from_numpy(a.copy())
    print(name, list(info['shape']), 'hex:' + a.tobytes().hex())
assert end == len(buf)
""";
        string[] lines = Python.Run(script).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(tensors.Length, lines.Length);
        for (int i = 0; i < tensors.Length; i++)
        {
            var t = tensors[i];
            Assert.Equal($"{t.Name} [{string.Join(", ", t.Shape)}] hex:{TestTensors.Hex(TestTensors.Bytes(t))}", lines[i].Trim());
        }
    }
}

public class SafetensorsReaderTests
{
    private static SafetensorsReader Read(byte[] bytes) => SafetensorsReader.Open(new MemoryStream(bytes));

    private static byte[] File(string header, int dataBytes)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static string Rejected(byte[] bytes) => Assert.Throws<InvalidDataException>(() => Read(bytes)).Message;

    private const string Valid = "{\"test\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

    [Fact]
    public void Open_ValidAndWhitespacePadded_Accepted()
    {
        using (var r = Read(File(Valid, 16)))
            Assert.Equal([2L, 2L], r["test"].Shape);
        using var empty = Read(File("{}\r \t\n", 0));
        Assert.Empty(empty.Tensors);
        using var leading = Read(File("  " + Valid, 16));
        Assert.Single(leading.Tensors);
    }

    [Fact]
    public void Open_ExtraTrailingBytes_RejectedAsUncovered()
    {
        var bytes = File(Valid, 16).Concat("extra_bogus_data_for_polyglot_file"u8.ToArray()).ToArray();
        Assert.Contains("not covered by any tensor", Rejected(bytes));
    }

    [Fact]
    public void Open_Truncated_RejectedAsTruncated()
    {
        var bytes = File(Valid, 16);
        Assert.Contains("truncated by 2 bytes", Rejected(bytes[..^2]));
    }

    [Fact]
    public void Open_BadLengthPrefix_Rejected()
    {
        Assert.Contains("shorter than the 8-byte", Rejected([]));
        Assert.Contains("more than the 100000000 allowed", Rejected([0x3C, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF]));
        Assert.Contains("only 0 bytes follow", Rejected([0x3C, 0, 0, 0, 0, 0, 0, 0]));
    }

    [Fact]
    public void Open_NotUtf8OrNotJson_Rejected()
    {
        Assert.Contains("not valid UTF-8", Rejected([1, 0, 0, 0, 0, 0, 0, 0, 0xFF]));
        Assert.Contains("not valid JSON", Rejected([1, 0, 0, 0, 0, 0, 0, 0, (byte)'{']));
        Assert.Contains("not an object", Rejected(File("[1, 2]", 0)));
    }

    [Fact]
    public void Open_Overlap_RejectedNamingTensors()
    {
        string header = "{\"weight_0\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"weight_1\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
        string message = Rejected(File(header, 32));
        Assert.Contains("'weight_1'", message);
        Assert.Contains("'weight_0'", message);
        Assert.Contains("overlap", message);
    }

    [Fact]
    public void Open_Hole_RejectedWithItsSize()
    {
        string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        string message = Rejected(File(header, 12));
        Assert.Contains("'b'", message);
        Assert.Contains("hole of 4 bytes", message);
        Assert.Contains("hole of 4 bytes", Rejected(File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)));
    }

    [Fact]
    public void Open_OutOfOrderHeader_ListsTensorsInDataOrder()
    {
        string header = "{\"second\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[4,8]},\"first\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
        using var r = Read(File(header, 8));
        Assert.Equal(["first", "second"], r.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void Open_ByteSizeMismatch_RejectedWithArithmetic()
    {
        string message = Rejected(File("{\"test\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,4]}}", 4));
        Assert.Contains("'test'", message);
        Assert.Contains("needs 4 × 4 = 16", message);
    }

    [Theory]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "'t' twice")]
    [InlineData("{\"t\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype 'I32'")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "lacks shape for tensor 't'")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", "unknown field 'x' for tensor 't'")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "shape entry -1")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", "shape entry 1.5")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", "3 data_offsets")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", "end before they begin")]
    [InlineData("{\"__metadata__\":{\"n\":1},\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "metadata 'n'")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", "overflows")]
    public void Open_MalformedEntry_RejectedNamingProblem(string header, string expected)
    {
        Assert.Contains(expected, Rejected(File(header, 8)));
    }
}
