using WeightInit.IO;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp;

/// <summary>Loads a WeightInit (or any) safetensors checkpoint into a TorchSharp module's parameters, in place.</summary>
/// <remarks>
/// <para>The path is a <c>.safetensors</c> file, a directory holding <c>model.safetensors.index.json</c> (sharded, read
/// with <see cref="ShardIndex"/>) or a single <c>model.safetensors</c>, or the index file itself.</para>
/// <para>Strict: every parameter must be in the checkpoint with the same shape and dtype, and every checkpoint tensor must be
/// a parameter or a floating-point buffer (running statistics, optional) of the module. Everything is checked before the first
/// byte is written. Bytes go straight from the file into the tensor's memory (CPU, contiguous), through the stride mapping
/// (non-contiguous), or through one staging tensor (CUDA).</para>
/// </remarks>
public static class CheckpointLoader
{
    /// <summary>Loads <paramref name="path"/> into <paramref name="module"/>.</summary>
    /// <returns>The names loaded, in the module's order.</returns>
    /// <exception cref="ArgumentException">A name, shape or dtype disagrees (the first one found, with the expected and actual values),
    /// or a module tensor cannot be written in place (on the meta device, or a view whose elements share memory).</exception>
    /// <exception cref="FileNotFoundException">No checkpoint at <paramref name="path"/>, or a shard the index names is missing.</exception>
    /// <exception cref="InvalidDataException">A file is no valid safetensors file (truncated, a corrupt header, a dtype other than
    /// F32, F64, F16 or BF16), or the index is malformed; the message says which and why.</exception>
    public static IReadOnlyList<string> Load(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        var (directory, files) = Files(path);
        var readers = new List<SafetensorsReader>();
        try
        {
            var where = new Dictionary<string, (SafetensorsReader Reader, SafetensorsTensorInfo Info)>(StringComparer.Ordinal);
            foreach (string file in files)
            {
                var reader = SafetensorsReader.Open(Path.Combine(directory, file));
                readers.Add(reader);
                foreach (var info in reader.Tensors)
                    if (!where.TryAdd(info.Name, (reader, info)))
                        throw new ArgumentException($"Tensor '{info.Name}' is in two shards of '{path}'.");
            }
            var tensors = ModuleLayouts.Enumerate(module, out var aliases);
            var targets = new List<(ModuleTensor Tensor, SafetensorsReader Reader, SafetensorsTensorInfo Info)>();
            foreach (var t in tensors)
            {
                bool floating = TensorWriter.FloatTypes.Contains(t.Tensor.dtype);
                // A tied tensor (one tensor under several names) loads from whichever of its names the checkpoint holds.
                if (!where.TryGetValue(t.Name, out var found))
                {
                    string? alias = aliases.FirstOrDefault(a => a.First == t.Name && where.ContainsKey(a.Tensor.Name)).Tensor?.Name;
                    if (alias is null)
                    {
                        if (t.IsBuffer) continue; // running statistics are optional
                        throw new ArgumentException($"Parameter '{t.Name}' of the {module.GetType().Name} is not in checkpoint '{path}' ({where.Count} tensors: {Preview(where.Keys)}).");
                    }
                    found = where[alias];
                }
                if (!floating)
                    throw new ArgumentException($"Checkpoint tensor '{found.Info.Name}' is {found.Info.DType.SafetensorsName()}, but the module's is {t.Tensor.dtype}, which WeightInit does not load.");
                var dtype = ToScalarType(found.Info.DType);
                if (dtype != t.Tensor.dtype)
                    throw new ArgumentException($"Checkpoint tensor '{found.Info.Name}' is {found.Info.DType.SafetensorsName()}, but the module's is {t.Tensor.dtype}; convert the module (module.to(ScalarType.{dtype})) or write the checkpoint with --dtype {TensorDTypes.Spellings.First(s => s.DType == ToTensorDType(t.Tensor.dtype)).Name}.");
                if (!found.Info.Shape.SequenceEqual(t.Tensor.shape))
                    throw new ArgumentException($"Checkpoint tensor '{found.Info.Name}' has shape [{string.Join(", ", found.Info.Shape)}], but the module's is [{string.Join(", ", t.Tensor.shape)}].");
                if (TensorWriter.WhyNotWritable(t.Tensor) is { } why)
                    throw new ArgumentException($"Cannot load checkpoint tensor '{found.Info.Name}': the module's tensor {why}.");
                targets.Add((t, found.Reader, found.Info));
            }
            var known = tensors.Select(t => t.Name).Concat(aliases.Select(a => a.Tensor.Name)).ToHashSet(StringComparer.Ordinal);
            if (where.Keys.FirstOrDefault(n => !known.Contains(n)) is { } extra)
                throw new ArgumentException($"Checkpoint tensor '{extra}' is no parameter or buffer of the {module.GetType().Name} (its tensors: {Preview(known)}).");
            foreach (var (t, reader, info) in targets)
                TensorWriter.Write(t.Tensor, new ReaderSource(reader, info.Name, (int)t.Tensor.ElementSize));
            return targets.Select(x => x.Tensor.Name).ToList();
        }
        finally
        {
            foreach (var r in readers) r.Dispose();
        }
    }

    internal static ScalarType ToScalarType(TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => ScalarType.Float32,
        TensorDType.Float64 => ScalarType.Float64,
        TensorDType.Float16 => ScalarType.Float16,
        TensorDType.BFloat16 => ScalarType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    internal static TensorDType ToTensorDType(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => TensorDType.Float32,
        ScalarType.Float64 => TensorDType.Float64,
        ScalarType.Float16 => TensorDType.Float16,
        ScalarType.BFloat16 => TensorDType.BFloat16,
        _ => throw TensorWriter.Unsupported(dtype),
    };

    private static (string Directory, IReadOnlyList<string> Files) Files(string path)
    {
        if (Directory.Exists(path))
        {
            if (File.Exists(Path.Combine(path, ShardIndex.IndexFileName)))
                return (path, ShardIndex.ReadFile(path).ShardFiles);
            if (File.Exists(Path.Combine(path, "model.safetensors")))
                return (path, ["model.safetensors"]);
            throw new FileNotFoundException($"Directory '{path}' holds neither {ShardIndex.IndexFileName} nor model.safetensors.");
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at '{path}'.", path);
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (Path.GetFileName(path) == ShardIndex.IndexFileName) return (dir, ShardIndex.ReadFile(dir).ShardFiles);
        return (dir, [Path.GetFileName(path)]);
    }

    private static string Preview(IEnumerable<string> names)
    {
        var list = names.Take(9).ToList();
        return list.Count > 8 ? string.Join(", ", list.Take(8)) + ", …" : string.Join(", ", list);
    }

    private sealed class ReaderSource(SafetensorsReader reader, string name, int elementSize) : IElementSource
    {
        public void Fill(long firstIndex, Span<byte> destination, ScalarType dtype) => reader.ReadBytes(name, firstIndex * elementSize, destination);
    }
}
