using System.Buffers;
using Google.Protobuf;
using WeightInit.Onnx.Proto;
using WeightInit.Tests.Oracles;

namespace WeightInit.Onnx.Tests;

/// <summary>The lazily read file sequence the model loader parses from.</summary>
public sealed class FileSequenceTests
{
    [Theory]
    [InlineData(1000, 7)]
    [InlineData(1000, 1000)]
    [InlineData(1000, 4096)]
    [InlineData(1, 1)]
    public void Sequence_HoldsTheFilesBytes_InOrderAndOutOfOrder(int length, int window)
    {
        string path = Path.GetTempFileName();
        try
        {
            var bytes = Enumerable.Range(0, length).Select(i => (byte)(i * 37 + 11)).ToArray();
            File.WriteAllBytes(path, bytes);
            using var file = File.OpenHandle(path);
            var sequence = FileSequence.Create(file, length, window);
            Assert.Equal(length, sequence.Length);
            Assert.Equal(bytes, sequence.ToArray());
            // Segments asked for again, last first: each is read again from the file.
            var segments = new List<ReadOnlyMemory<byte>>();
            foreach (var m in sequence) segments.Add(m);
            Assert.Equal((length + window - 1) / window, segments.Count);
            for (int s = segments.Count - 1; s >= 0; s--)
                Assert.Equal(bytes.Skip(s * window).Take(segments[s].Length), segments[s].Span.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void Parse_FromTheSequence_EqualsTheStreamParse_AtAnyWindow()
    {
        string path = TorchExports.PathOf("transformer");
        ModelProto expected;
        using (var stream = File.OpenRead(path)) expected = ModelProto.Parser.ParseFrom(stream);
        using var file = File.OpenHandle(path);
        foreach (int window in new[] { 5, 4096, FileSequence.WindowBytes })
        {
            var parsed = ModelProto.Parser.ParseFrom(FileSequence.Create(file, RandomAccess.GetLength(file), window));
            Assert.Equal(expected, parsed);
            Assert.Equal(expected.ToByteArray(), parsed.ToByteArray());
        }
    }
}
