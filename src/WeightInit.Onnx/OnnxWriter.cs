using System.Runtime.InteropServices;
using Google.Protobuf;
using WeightInit.Checkpoints;
using WeightInit.IO;
using WeightInit.Onnx.Proto;
using WeightInit.Sampling;

namespace WeightInit.Onnx;

/// <summary>Writes an ONNX model with only its initializers' data replaced, inline or in external-data files.</summary>
/// <remarks>
/// <para>Everything else (graph, names, opsets, doc strings, metadata, value infos, fields this library does not declare) is
/// written back as read. The only graph edits are those of <see cref="OnnxPlan.RemovedIdentityNodes"/>: an aliased initializer
/// that is split gets its own initializer named as the Identity output it replaces.</para>
/// <para><b>Streaming.</b> An inline tensor's new values are written in place into the buffer the parser allocated for its
/// raw_data, chunk by chunk (no second copy of the model); the model is then serialized straight to the file. External-data
/// files are copied through a 1 MiB buffer and the rewritten tensors' extents overwritten chunk by chunk. Peak memory: the
/// parsed model plus one chunk (<see cref="ChunkBytes"/>).</para>
/// <para><b>Files.</b> Each file goes through <see cref="AtomicFile"/> (temporary name, flushed, renamed); external-data files
/// first, with their locations unchanged and relative to the new model's folder, then the model; on failure every file and folder this
/// call created is removed. Writing an external-data file over the input's own one is refused.</para>
/// </remarks>
public static class OnnxWriter
{
    /// <summary>Bytes filled at a time.</summary>
    public const int ChunkBytes = 8 << 20;

    /// <summary>Writes <paramref name="plan"/>'s model to <paramref name="outPath"/> with the data of <paramref name="checkpoint"/>
    /// (made by <see cref="OnnxPlan.ToCheckpointPlan"/>). The model object is changed in place; load it again to write it twice.</summary>
    /// <exception cref="InvalidDataException">An initializer's stored data does not hold its dims' element count.</exception>
    /// <exception cref="IOException">An external-data file would overwrite the input's, or a write failed.</exception>
    public static void Write(OnnxPlan plan, CheckpointPlan checkpoint, string outPath, SamplingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(checkpoint);
        string output = Path.GetFullPath(outPath);
        string outFolder = Path.GetDirectoryName(output)!;
        var model = plan.Model;
        var graph = model.Graph;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < checkpoint.Tensors.Count; i++) index[checkpoint.Tensors[i].Name] = i;
        var sources = checkpoint.Sources(Enumerable.Range(0, checkpoint.Tensors.Count), options);

        // Split parts: a fresh inline tensor beside the source, named as the Identity output; that Identity goes.
        var byName = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var lastPart = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        var lastInput = new Dictionary<string, ValueInfoProto>(StringComparer.Ordinal);
        foreach (var t in plan.Tensors.Where(t => t.Name != t.Source))
        {
            var source = byName[t.Source];
            var part = new TensorProto { Name = t.Name, DataType = source.DataType };
            part.Dims.Add(source.Dims);
            part.RawData = UnsafeByteOperations.UnsafeWrap(new byte[checked(t.DType!.Value.ElementSize() * Count(source))]);
            // After the source and the parts before it, so that the file's order is the plan's.
            var after = lastPart.GetValueOrDefault(t.Source, source);
            graph.Initializer.Insert(graph.Initializer.IndexOf(after) + 1, part);
            lastPart[t.Source] = part;
            byName[t.Name] = part;
            // Before IR 4 every initializer must also be a graph input (onnx.proto): list the part as its source is listed.
            if (model.Proto.IrVersion < 4 && graph.Input.FirstOrDefault(i => i.Name == t.Source) is { } input)
            {
                var entry = input.Clone();
                entry.Name = t.Name;
                graph.Input.Insert(graph.Input.IndexOf(lastInput.GetValueOrDefault(t.Source, input)) + 1, entry);
                lastInput[t.Source] = entry;
            }
        }
        foreach (int n in plan.RemovedIdentityNodes.Distinct().OrderDescending()) graph.Node.RemoveAt(n);

        var external = new List<(TensorProto Tensor, ExternalExtent Extent, TensorSource Source)>();
        foreach (var t in plan.Tensors.Where(t => t.IsRewritten))
        {
            var tensor = byName[t.Name];
            var source = sources[index[t.Name]];
            var init = t.Name == t.Source ? model.Initializers.First(i => i.Name == t.Name) : null;
            if (init?.External is { } extent)
            {
                if (extent.Length != source.ByteLength)
                    throw new InvalidDataException($"Initializer '{t.Name}': its external data holds {extent.Length} bytes, but dims [{string.Join(", ", t.Dimensions)}] of {source.DType} need {source.ByteLength}.");
                external.Add((tensor, extent, source));
                continue;
            }
            FillInline(tensor, source);
        }

        // The new model's external data files keep their locations, relative to the new model's folder: none may be the model itself.
        foreach (var init in model.Initializers.Where(i => i.External is not null))
            if (string.Equals(Path.GetFullPath(Path.Combine(outFolder, init.External!.Location)), output, StringComparison.Ordinal))
                throw new IOException($"Writing '{outPath}' would put the model where its external data '{init.External.Location}' goes (initializer '{init.Name}'); give the model another name.");

        var created = new List<string>();
        var createdFolders = new List<string?>();
        try
        {
            foreach (var file in external.GroupBy(e => e.Extent.Location))
            {
                string input = file.First().Extent.FullPath;
                string target = Path.GetFullPath(Path.Combine(outFolder, file.Key));
                if (string.Equals(target, input, StringComparison.Ordinal))
                    throw new IOException($"Writing '{outPath}' would overwrite the input's external data file '{file.Key}'; write the new model to another folder.");
                createdFolders.Add(CreatedDirectory.Create(Path.GetDirectoryName(target)!));
                long length = OnnxModel.FileLength(input);
                AtomicFile.Write(target, stream =>
                {
                    CopyData(input, stream);
                    var chunk = new byte[ChunkBytes];
                    foreach (var (_, extent, source) in file)
                    {
                        stream.Position = extent.Offset;
                        Stream(source, chunk, span => stream.Write(span));
                    }
                }, length);
                created.Add(target);
            }
            // Locations of tensors not rewritten but stored externally still point at files the new model needs.
            foreach (var init in model.Initializers.Where(i => i.External is not null && !external.Any(e => e.Extent.Location == i.External!.Location)))
            {
                string target = Path.GetFullPath(Path.Combine(outFolder, init.External!.Location));
                if (string.Equals(target, init.External.FullPath, StringComparison.Ordinal) || created.Contains(target)) continue;
                createdFolders.Add(CreatedDirectory.Create(Path.GetDirectoryName(target)!));
                AtomicFile.Write(target, stream => CopyData(init.External.FullPath, stream));
                created.Add(target);
            }
            AtomicFile.Write(output, stream => model.Proto.WriteTo(stream));
        }
        catch
        {
            foreach (var f in created) File.Delete(f);
            foreach (var d in createdFolders) CreatedDirectory.RemoveIfNoFiles(d); // one that holds anything else stays
            throw;
        }
    }

    /// <summary>Copies the data file <paramref name="path"/> into <paramref name="stream"/>; an empty one is not opened (a named pipe
    /// stats as empty, and opening it would wait for a writer).</summary>
    private static void CopyData(string path, Stream stream)
    {
        if (OnnxModel.FileLength(path) == 0) return;
        using var from = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        from.CopyTo(stream, 1 << 20);
    }

    private static long Count(TensorProto t) => t.Dims.Aggregate(1L, (a, d) => checked(a * d));

    /// <summary>Fills <paramref name="tensor"/>'s stored values in place: raw_data (the parser's own buffer), or the typed field it uses.</summary>
    private static void FillInline(TensorProto tensor, TensorSource source)
    {
        long count = source.ElementCount;
        int size = source.DType.ElementSize();
        if (tensor.HasRawData)
        {
            if (tensor.RawData.Length != source.ByteLength)
                throw new InvalidDataException($"Initializer '{tensor.Name}': raw_data holds {tensor.RawData.Length} bytes, but dims [{string.Join(", ", tensor.Dims)}] of {source.DType} need {source.ByteLength}.");
            // The parser allocated this buffer for this field alone; writing it in place avoids a second copy of the model.
            var memory = MemoryMarshal.AsMemory(tensor.RawData.Memory);
            long offset = 0;
            while (offset < memory.Length)
            {
                int n = (int)Math.Min(ChunkBytes / size * size, memory.Length - offset);
                source.Fill(offset / size, memory.Span.Slice((int)offset, n));
                offset += n;
            }
            return;
        }
        var chunk = new byte[(int)Math.Min(ChunkBytes, Math.Max(size, source.ByteLength))];
        long element = 0;
        void Check(int stored)
        {
            if (stored != count)
                throw new InvalidDataException($"Initializer '{tensor.Name}': it stores {stored} values, but dims [{string.Join(", ", tensor.Dims)}] hold {count}.");
        }
        switch (source.DType)
        {
            case TensorDType.Float32:
                Check(tensor.FloatData.Count);
                Stream(source, chunk, span => { foreach (float v in MemoryMarshal.Cast<byte, float>(span)) tensor.FloatData[(int)element++] = v; });
                break;
            case TensorDType.Float64:
                Check(tensor.DoubleData.Count);
                Stream(source, chunk, span => { foreach (double v in MemoryMarshal.Cast<byte, double>(span)) tensor.DoubleData[(int)element++] = v; });
                break;
            default: // float16 and bfloat16: one bit pattern per int32 (onnx.proto)
                Check(tensor.Int32Data.Count);
                Stream(source, chunk, span => { foreach (ushort v in MemoryMarshal.Cast<byte, ushort>(span)) tensor.Int32Data[(int)element++] = v; });
                break;
        }
    }

    private delegate void ChunkSink(ReadOnlySpan<byte> bytes);

    private static void Stream(TensorSource source, byte[] chunk, ChunkSink sink)
    {
        int size = source.DType.ElementSize();
        int perChunk = chunk.Length / size;
        for (long first = 0; first < source.ElementCount; first += perChunk)
        {
            int n = (int)Math.Min(perChunk, source.ElementCount - first);
            var span = chunk.AsSpan(0, n * size);
            source.Fill(first, span);
            sink(span);
        }
    }
}
