using System.Globalization;
using Google.Protobuf;
using WeightInit.IO;
using WeightInit.Onnx.Proto;

namespace WeightInit.Onnx;

/// <summary>An ONNX model read from a file: its graph and initializers, with every external-data reference checked.</summary>
/// <remarks>
/// <para>The file is parsed once by Google.Protobuf against <c>Proto/onnx_subset.proto</c> (the fields WeightInit reads, with
/// onnx.proto's numbers); every other field is kept in the messages' unknown-field sets and written back as it was, so the
/// model keeps its opsets, metadata, doc strings, value infos and any field a later IR version adds.</para>
/// <para>Memory: the parsed model (about the file's size: initializer bytes are held once, as parsed) and one 64 KiB window
/// of the file while parsing (<see cref="FileSequence"/>: parsed from a stream, Google.Protobuf would hold a large tensor twice).
/// Tensor data in external files is never read here, only its extent checked.</para>
/// </remarks>
public sealed class OnnxModel
{
    /// <summary>TensorProto.DataLocation EXTERNAL.</summary>
    internal const int ExternalLocation = 1;

    private OnnxModel(string path, ModelProto proto, IReadOnlyList<OnnxInitializer> initializers)
    {
        Path = path;
        Proto = proto;
        Initializers = initializers;
    }

    /// <summary>The model file's full path.</summary>
    public string Path { get; }

    /// <summary>The folder external data locations are relative to.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>The graph's initializers in file order.</summary>
    public IReadOnlyList<OnnxInitializer> Initializers { get; }

    /// <summary>The graph inputs a caller feeds: those that are not initializers (before IR 4 the initializers are listed too).</summary>
    public IReadOnlyList<string> InputNames =>
        Proto.Graph.Input.Select(i => i.Name).Where(n => Initializers.All(t => t.Name != n)).ToList();

    internal ModelProto Proto { get; }

    internal GraphProto Graph => Proto.Graph;

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Not an ONNX protobuf, truncated, no graph, an initializer without a name or with a
    /// duplicate one, or external data that is missing, too short or outside the model's folder; the message says which.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static OnnxModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new InvalidDataException($"'{path}' is a directory, not an ONNX model file.");
        if (!File.Exists(full)) throw new FileNotFoundException($"The ONNX model '{path}' does not exist.", full);
        ModelProto proto;
        try
        {
            // A sequence of known length, read window by window: each raw_data is allocated once (see FileSequence). An empty
            // file is not opened: a named pipe or a device stats as empty too, and opening one would wait for a writer.
            if (FileLength(full) == 0) proto = new ModelProto();
            else
            {
                using var file = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.Read);
                proto = ModelProto.Parser.ParseFrom(FileSequence.Create(file, RandomAccess.GetLength(file)));
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{path}' is not an ONNX model (protobuf): {e.Message}", e);
        }
        if (!proto.HasIrVersion || proto.Graph is null)
            throw new InvalidDataException($"'{path}' is not an ONNX model: it has {(proto.HasIrVersion ? "no graph" : "no ir_version")} (an ONNX ModelProto needs ir_version and graph).");
        string folder = System.IO.Path.GetDirectoryName(full)!;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<OnnxInitializer>(proto.Graph.Initializer.Count);
        foreach (var t in proto.Graph.Initializer)
        {
            if (string.IsNullOrEmpty(t.Name)) throw new InvalidDataException($"'{path}': an initializer has no name (ONNX requires one).");
            if (!names.Add(t.Name)) throw new InvalidDataException($"'{path}': two initializers are named '{t.Name}' (ONNX requires unique names).");
            list.Add(Describe(t, folder, path));
        }
        CheckNodes(proto.Graph, path);
        return new OnnxModel(full, proto, list);
    }

    /// <summary>The highest TensorProto.DataType code onnx.proto defines (INT2 = 26, onnx 1.20); 0 is UNDEFINED.</summary>
    internal const int MaxDataType = 26;

    private static OnnxInitializer Describe(TensorProto t, string folder, string path)
    {
        var dims = t.Dims.ToArray();
        foreach (long d in dims)
            if (d < 0 || d > int.MaxValue) throw new InvalidDataException($"'{path}': initializer '{t.Name}' has dimension {d}; dimensions must lie in 0…{int.MaxValue}.");
        if (!t.HasDataType || t.DataType < 1 || t.DataType > MaxDataType)
            throw new InvalidDataException($"'{path}': initializer '{t.Name}' has data_type {(t.HasDataType ? t.DataType.ToString(CultureInfo.InvariantCulture) : "(none)")}, not an ONNX TensorProto.DataType (1…{MaxDataType}: 1 float, 10 float16, 11 double, 16 bfloat16, 7 int64, …).");
        long count = 1;
        foreach (long d in dims)
        {
            if (d != 0 && count > long.MaxValue / d)
                throw new InvalidDataException($"'{path}': initializer '{t.Name}' has dims [{string.Join(", ", dims)}], whose element count exceeds a 64-bit integer.");
            count *= d;
        }
        int size = FixedElementSize(t.DataType);
        if (size > 0 && count > long.MaxValue / size)
            throw new InvalidDataException($"'{path}': initializer '{t.Name}' has dims [{string.Join(", ", dims)}], whose {size}-byte elements exceed a 64-bit byte count.");
        long bytes = count * size;
        ExternalExtent? external = null;
        if (t.DataLocation == ExternalLocation)
        {
            external = ResolveExternal(t, folder, path);
            if (size > 0 && external.Length != bytes)
                throw new InvalidDataException($"'{path}': initializer '{t.Name}': its external data holds {external.Length} bytes, but dims [{string.Join(", ", dims)}] of {size}-byte elements need {bytes}.");
        }
        else if (t.HasRawData)
        {
            if (size > 0 && t.RawData.Length != bytes)
                throw new InvalidDataException($"'{path}': initializer '{t.Name}': raw_data holds {t.RawData.Length} bytes, but dims [{string.Join(", ", dims)}] of {size}-byte elements need {bytes}.");
        }
        else if (FloatType(t.DataType) is { } dtype)
        {
            // The typed field onnx.proto stores these in: float_data, double_data, or one bit pattern per int32_data entry.
            int stored = dtype switch { TensorDType.Float32 => t.FloatData.Count, TensorDType.Float64 => t.DoubleData.Count, _ => t.Int32Data.Count };
            if (stored != count)
                throw new InvalidDataException($"'{path}': initializer '{t.Name}' stores {stored} values, but dims [{string.Join(", ", dims)}] hold {count}.");
        }
        return new OnnxInitializer(t.Name, dims, t.DataType, external);
    }

    /// <summary>Bytes per element of the ONNX data types stored one element per fixed number of bytes; 0 for strings and sub-byte types.</summary>
    private static int FixedElementSize(int dataType) => dataType switch
    {
        2 or 3 or 9 or 17 or 18 or 19 or 20 or 24 => 1, // uint8, int8, bool, the float8 types
        4 or 5 or 10 or 16 => 2, // uint16, int16, float16, bfloat16
        1 or 6 or 12 => 4, // float, int32, uint32
        7 or 11 or 13 or 14 => 8, // int64, double, uint64, complex64
        15 => 16, // complex128
        _ => 0, // string, 4-bit and 2-bit types
    };

    /// <summary>The graph's nodes in static single assignment (every value produced once, never an initializer or graph input) and
    /// without cycles, as onnx.proto requires: the planner follows values from producer to consumer, and a cycle or a value with
    /// two producers would make that walk loop.</summary>
    private static void CheckNodes(GraphProto graph, string path)
    {
        var defined = new HashSet<string>(graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
        defined.UnionWith(graph.Input.Select(i => i.Name));
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 0; n < graph.Node.Count; n++)
            foreach (string o in graph.Node[n].Output)
            {
                if (o.Length == 0) continue;
                if (defined.Contains(o))
                    throw new InvalidDataException($"'{path}': node {Describe(graph.Node[n], n)} outputs '{o}', which is already an initializer or a graph input (ONNX values have one producer).");
                if (!producer.TryAdd(o, n))
                    throw new InvalidDataException($"'{path}': nodes {Describe(graph.Node[producer[o]], producer[o])} and {Describe(graph.Node[n], n)} both output '{o}' (ONNX values have one producer).");
            }
        // Kahn's algorithm over producer → consumer edges; inputs with no producer (graph inputs, initializers, outer scope) are ready.
        var waiting = new int[graph.Node.Count];
        var consumers = new List<int>?[graph.Node.Count];
        for (int n = 0; n < graph.Node.Count; n++)
            foreach (string i in graph.Node[n].Input)
                if (i.Length > 0 && producer.TryGetValue(i, out int p))
                {
                    waiting[n]++;
                    (consumers[p] ??= []).Add(n);
                }
        var ready = new Queue<int>(Enumerable.Range(0, graph.Node.Count).Where(n => waiting[n] == 0));
        int done = 0;
        while (ready.TryDequeue(out int n))
        {
            done++;
            foreach (int c in consumers[n] ?? []) if (--waiting[c] == 0) ready.Enqueue(c);
        }
        if (done < graph.Node.Count)
        {
            int first = Array.FindIndex(waiting, w => w > 0);
            throw new InvalidDataException($"'{path}': the graph has a cycle through node {Describe(graph.Node[first], first)} (ONNX graphs are acyclic).");
        }
    }

    private static string Describe(NodeProto node, int index) =>
        $"{index} ({node.OpType}{(string.IsNullOrEmpty(node.Name) ? "" : $" '{node.Name}'")})";

    /// <summary>The file, offset and length of an external initializer, checked: the location relative, without "..", inside the folder, and the file long enough.</summary>
    private static ExternalExtent ResolveExternal(TensorProto t, string folder, string path)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (var e in t.ExternalData)
        {
            switch (e.Key)
            {
                case "location": location = e.Value; break;
                case "offset": offset = ParseLong(e.Value, "offset", t.Name, path); break;
                case "length": length = ParseLong(e.Value, "length", t.Name, path); break;
            }
        }
        if (string.IsNullOrEmpty(location))
            throw new InvalidDataException($"'{path}': initializer '{t.Name}' is marked EXTERNAL but its external_data has no location.");
        var parts = location.Split('/', '\\');
        if (System.IO.Path.IsPathRooted(location) || parts.Contains(".."))
            throw new InvalidDataException($"'{path}': initializer '{t.Name}' has external data at '{location}', outside the model's folder (ONNX allows only relative locations without '..').");
        string file = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, location));
        string root = System.IO.Path.TrimEndingDirectorySeparator(folder) + System.IO.Path.DirectorySeparatorChar;
        if (!file.StartsWith(root, StringComparison.Ordinal))
            throw new InvalidDataException($"'{path}': initializer '{t.Name}' has external data at '{location}', outside the model's folder.");
        // A symbolic link on the way (the file or a folder under the model's) must not lead out of the model's folder; the length
        // is the file's it leads to (FileInfo of a link gives the link's own length).
        string real = RealPath(file);
        var info = new FileInfo(real);
        if (!info.Exists)
            throw new InvalidDataException($"'{path}': initializer '{t.Name}': its external data file '{location}' does not exist in {folder}.");
        string realRoot = System.IO.Path.TrimEndingDirectorySeparator(RealPath(folder)) + System.IO.Path.DirectorySeparatorChar;
        if (!real.StartsWith(realRoot, StringComparison.Ordinal))
            throw new InvalidDataException($"'{path}': initializer '{t.Name}' has external data at '{location}', a symbolic link that leads outside the model's folder.");
        if (length < 0) length = info.Length - offset;
        if (offset < 0 || length < 0 || offset > info.Length || length > info.Length - offset)
            throw new InvalidDataException($"'{path}': initializer '{t.Name}': external data '{location}' holds {info.Length} bytes, too few for offset {offset} and length {length}.");
        return new ExternalExtent(location, file, offset, length);
    }

    /// <summary>The length of the file at <paramref name="path"/>, following symbolic links (a link's own FileInfo gives the link's
    /// length), without opening it: 0 for named pipes and devices.</summary>
    internal static long FileLength(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target) info = target;
        return info.Exists ? info.Length : 0;
    }

    /// <summary><paramref name="full"/> with every symbolic link on the way resolved, component by component.</summary>
    private static string RealPath(string full, int depth = 0)
    {
        if (depth > 40) throw new InvalidDataException($"'{full}': too many levels of symbolic links.");
        string current = System.IO.Path.GetPathRoot(full)!;
        foreach (string part in full[current.Length..].Split(System.IO.Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = System.IO.Path.Combine(current, part);
            var entry = new FileInfo(next);
            if (entry.LinkTarget is not null)
            {
                var target = entry.ResolveLinkTarget(returnFinalTarget: true);
                // The final target may itself sit under linked folders: resolve it again (a chain ends: the OS refuses loops).
                next = target is null ? next : RealPath(System.IO.Path.GetFullPath(target.FullName), depth + 1);
            }
            current = next;
        }
        return current;
    }

    private static long ParseLong(string text, string key, string name, string path) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v
            : throw new InvalidDataException($"'{path}': initializer '{name}': external_data {key} '{text}' is not a non-negative integer.");

    /// <summary>The element type WeightInit can fill for ONNX data type <paramref name="dataType"/>, or null (integers, bool, strings, complex, 8-bit floats).</summary>
    public static TensorDType? FloatType(int dataType) => dataType switch
    {
        1 => TensorDType.Float32,
        10 => TensorDType.Float16,
        11 => TensorDType.Float64,
        16 => TensorDType.BFloat16,
        _ => null,
    };
}

/// <summary>One initializer of an ONNX graph.</summary>
/// <param name="Name">The initializer's name.</param>
/// <param name="Dimensions">Its dims.</param>
/// <param name="DataType">The ONNX TensorProto.DataType code (1 float, 10 float16, 11 double, 16 bfloat16, 7 int64, …).</param>
/// <param name="External">Where its data lies when stored in an external file, else null.</param>
public sealed record OnnxInitializer(string Name, IReadOnlyList<long> Dimensions, int DataType, ExternalExtent? External)
{
    /// <summary>The element type when WeightInit can fill it (float32, float16, float64, bfloat16), else null.</summary>
    public TensorDType? FloatType => OnnxModel.FloatType(DataType);

    /// <summary>The number of elements.</summary>
    public long ElementCount => Dimensions.Aggregate(1L, (a, d) => checked(a * d));
}

/// <summary>Where an external initializer's bytes lie.</summary>
/// <param name="Location">The location as written in the model (relative to its folder).</param>
/// <param name="FullPath">The resolved file.</param>
/// <param name="Offset">The first byte.</param>
/// <param name="Length">The number of bytes.</param>
public sealed record ExternalExtent(string Location, string FullPath, long Offset, long Length);
