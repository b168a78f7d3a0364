using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace WeightInit.IO;

/// <summary>The index of a sharded safetensors checkpoint, <c>model.safetensors.index.json</c>:
/// <c>{"metadata": {"total_size": N}, "weight_map": {tensor name: shard file}}</c>.</summary>
/// <remarks>
/// Conventions of huggingface_hub (serialization/_base.py): shards are named "model-00001-of-00003.safetensors",
/// <c>total_size</c> is the sum of the tensors' byte sizes (not of the file sizes), and the index is written with an
/// indent of 2. Here the weight map is kept in ordinal order of the names so the same checkpoint always gives the
/// same bytes.
/// </remarks>
public sealed class ShardIndex
{
    /// <summary>The conventional file name of the index.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly SortedDictionary<string, string> _weightMap;

    /// <summary>An index over <paramref name="weightMap"/> (tensor name → shard file name).</summary>
    /// <exception cref="ArgumentException">A negative total, a duplicate name, or a shard file name that is empty or has a directory part.</exception>
    public ShardIndex(IEnumerable<KeyValuePair<string, string>> weightMap, long totalSize)
    {
        ArgumentNullException.ThrowIfNull(weightMap);
        ArgumentOutOfRangeException.ThrowIfNegative(totalSize);
        _weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, file) in weightMap)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(weightMap));
            CheckFileName(file, name);
            if (!_weightMap.TryAdd(name, file))
                throw new ArgumentException($"Tensor '{name}' is mapped twice; each tensor lives in exactly one shard.", nameof(weightMap));
        }
        TotalSize = totalSize;
    }

    /// <summary>The sum of the byte sizes of all tensors (metadata.total_size).</summary>
    public long TotalSize { get; }
    /// <summary>Tensor name → shard file name, in ordinal order of the names.</summary>
    public IReadOnlyDictionary<string, string> WeightMap => _weightMap;
    /// <summary>The distinct shard file names, in ordinal order.</summary>
    public IReadOnlyList<string> ShardFiles => _weightMap.Values.Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>"model-{index:00000}-of-{count:00000}.safetensors", the name of shard <paramref name="index"/> (1-based) of <paramref name="count"/>.</summary>
    public static string ShardFileName(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, count);
        return $"model-{index:D5}-of-{count:D5}.safetensors";
    }

    /// <summary>The index of shards given as (file name, tensors in that file); <see cref="TotalSize"/> sums their byte lengths.</summary>
    public static ShardIndex FromShards(IEnumerable<(string FileName, IEnumerable<TensorSource> Tensors)> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var map = new List<KeyValuePair<string, string>>();
        long total = 0;
        foreach (var (file, tensors) in shards)
        {
            foreach (var t in tensors)
            {
                map.Add(new(t.Name, file));
                total = checked(total + t.ByteLength);
            }
        }
        return new ShardIndex(map, total);
    }

    /// <summary>The index as JSON (indent 2, "metadata" then "weight_map", names in ordinal order, final newline).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("metadata");
            writer.WriteNumber("total_size", TotalSize);
            writer.WriteEndObject();
            writer.WriteStartObject("weight_map");
            foreach (var (name, file) in _weightMap)
                writer.WriteString(name, file);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Parses an index (other metadata entries are ignored).</summary>
    /// <exception cref="InvalidDataException">Not JSON, or "metadata.total_size" / "weight_map" missing or of the wrong type.</exception>
    public static ShardIndex Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object
                || !metadata.TryGetProperty("total_size", out var total) || total.ValueKind != JsonValueKind.Number || !total.TryGetInt64(out long totalSize))
                throw new InvalidDataException("Invalid shard index: expected {\"metadata\": {\"total_size\": integer}, \"weight_map\": {...}}; metadata.total_size is missing or not an integer.");
            if (!root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException("Invalid shard index: \"weight_map\" is missing or not an object of tensor name → file name.");
            var entries = new List<KeyValuePair<string, string>>();
            foreach (var p in map.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"Invalid shard index: weight_map['{p.Name}'] is a {p.Value.ValueKind}, not a file name.");
                entries.Add(new(p.Name, p.Value.GetString()!));
            }
            return new ShardIndex(entries, totalSize);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Invalid shard index: not valid JSON ({e.Message}).", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Invalid shard index: {e.Message}", e);
        }
    }

    /// <summary>Writes <see cref="ToJson"/> to <c>directory/model.safetensors.index.json</c> atomically (write it after the shards).</summary>
    public void WriteFile(string directory)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(ToJson());
        AtomicFile.Write(Path.Combine(directory, IndexFileName), s => s.Write(bytes), bytes.Length);
    }

    /// <summary>Reads <c>directory/model.safetensors.index.json</c>.</summary>
    /// <exception cref="ArgumentException">The index is missing, a symbolic link or not a regular file, or longer than <see cref="RegularFile.MaxJsonBytes"/>.</exception>
    /// <exception cref="InvalidDataException">It is not a valid index.</exception>
    public static ShardIndex ReadFile(string directory) =>
        Parse(RegularFile.ReadText(Path.Combine(directory, IndexFileName), "The shard index", followLinks: false));

    /// <summary>Checks the index against the shard files in <paramref name="directory"/>: every shard is a valid
    /// safetensors file, the tensors across shards are exactly the weight map's keys, each in the shard the map names,
    /// and their byte sizes add up to <see cref="TotalSize"/>.</summary>
    /// <exception cref="InvalidDataException">The first disagreement found, named.</exception>
    public void Verify(string directory)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        long total = 0;
        foreach (string file in ShardFiles)
        {
            string path = Path.Combine(directory, file);
            if (!File.Exists(path))
                throw new InvalidDataException($"Shard '{file}' named by the index does not exist in '{directory}'.");
            using var reader = SafetensorsReader.Open(path);
            foreach (var t in reader.Tensors)
            {
                if (seen.TryGetValue(t.Name, out string? other))
                    throw new InvalidDataException($"Tensor '{t.Name}' is in both '{other}' and '{file}'.");
                seen[t.Name] = file;
                total += t.ByteLength;
                if (!_weightMap.TryGetValue(t.Name, out string? mapped))
                    throw new InvalidDataException($"Tensor '{t.Name}' in '{file}' is missing from the index's weight_map.");
                if (mapped != file)
                    throw new InvalidDataException($"The index maps tensor '{t.Name}' to '{mapped}', but it is in '{file}'.");
            }
        }
        foreach (var name in _weightMap.Keys)
            if (!seen.ContainsKey(name))
                throw new InvalidDataException($"The index maps tensor '{name}' to '{_weightMap[name]}', which does not contain it.");
        if (total != TotalSize)
            throw new InvalidDataException($"The index says total_size {TotalSize}, but the shards' tensors hold {total} bytes.");
    }

    private static void CheckFileName(string? file, string tensor)
    {
        if (string.IsNullOrEmpty(file) || file.IndexOfAny(['/', '\\']) >= 0 || file is "." or "..")
            throw new ArgumentException($"Tensor '{tensor}' maps to '{file}', which is not a plain file name in the checkpoint directory.", nameof(file));
    }
}
