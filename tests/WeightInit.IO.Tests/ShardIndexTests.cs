using WeightInit.IO;

namespace WeightInit.IO.Tests;

public class ShardIndexTests
{
    [Fact]
    public void ShardFileName_HuggingFacePattern()
    {
        Assert.Equal("model-00001-of-00003.safetensors", ShardIndex.ShardFileName(1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardIndex.ShardFileName(4, 3));
    }

    [Fact]
    public void ToJson_AnyInsertionOrder_SameBytesWithSortedNames()
    {
        var a = new ShardIndex([new("z.weight", "f2"), new("a.weight", "f1"), new("m.bias", "f1")], 123);
        var b = new ShardIndex([new("m.bias", "f1"), new("z.weight", "f2"), new("a.weight", "f1")], 123);
        string expected = "{\n  \"metadata\": {\n    \"total_size\": 123\n  },\n  \"weight_map\": {\n    \"a.weight\": \"f1\",\n    \"m.bias\": \"f1\",\n    \"z.weight\": \"f2\"\n  }\n}\n";
        Assert.Equal(expected, a.ToJson().ReplaceLineEndings("\n"));
        Assert.Equal(a.ToJson(), b.ToJson());
        var parsed = ShardIndex.Parse(a.ToJson());
        Assert.Equal(123, parsed.TotalSize);
        Assert.Equal(a.WeightMap, parsed.WeightMap);
    }

    [Fact]
    public void Constructor_BadMap_Refused()
    {
        Assert.Contains("'w' is mapped twice", Assert.Throws<ArgumentException>(() => new ShardIndex([new("w", "a"), new("w", "b")], 0)).Message);
        Assert.Contains("not a plain file name", Assert.Throws<ArgumentException>(() => new ShardIndex([new("w", "../a")], 0)).Message);
        Assert.Contains("total_size", Assert.Throws<InvalidDataException>(() => ShardIndex.Parse("{\"weight_map\":{}}")).Message);
    }

    [Fact]
    public void Verify_ShardsWrittenBySafetensorsWriter_PassesAndDetectsMismatch()
    {
        using var dir = new TempDirectory();
        var shard1 = new[] { TestTensors.Make("a", TensorDType.Float32, [4, 4]), TestTensors.Make("b", TensorDType.BFloat16, [3]) };
        var shard2 = new[] { TestTensors.Make("c", TensorDType.Float64, [2]) };
        string f1 = ShardIndex.ShardFileName(1, 2), f2 = ShardIndex.ShardFileName(2, 2);
        SafetensorsWriter.WriteFile(dir.File(f1), shard1);
        SafetensorsWriter.WriteFile(dir.File(f2), shard2);
        var index = ShardIndex.FromShards([(f1, shard1), (f2, shard2)]);
        Assert.Equal(64 + 6 + 16, index.TotalSize);
        index.WriteFile(dir.Path);
        var read = ShardIndex.ReadFile(dir.Path);
        read.Verify(dir.Path);

        var wrong = new ShardIndex([new("a", f1), new("b", f2), new("c", f2)], index.TotalSize);
        Assert.Contains("maps tensor 'b'", Assert.Throws<InvalidDataException>(() => wrong.Verify(dir.Path)).Message);
        var wrongTotal = new ShardIndex(index.WeightMap, 1);
        Assert.Contains("total_size 1", Assert.Throws<InvalidDataException>(() => wrongTotal.Verify(dir.Path)).Message);
    }
}
