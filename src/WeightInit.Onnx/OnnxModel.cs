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
        if (!File.Exists(full)) throw new FileNotFoundException($"The ONNX model '{path}' does not exist.", full);
        ModelProto proto;
        try
        {
            // A sequence of known length, read window by window: each raw_data is allocated once (see FileSequence).
            using var file = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            proto = ModelProto.Parser.ParseFrom(FileSequence.Create(file, RandomAccess.GetLength(file)));
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
        return new OnnxModel(full, proto, list);
    }

    private static OnnxInitializer Describe(TensorProto t, string folder, string path)
    {
        var dims = t.Dims.ToArray();
        foreach (long d in dims)
            if (d < 0 || d > int.MaxValue) throw new InvalidDataException($"'{path}': initializer '{t.Name}' has dimension {d}; dimensions must lie in 0…{int.MaxValue}.");
        ExternalExtent? external = null;
        if (t.DataLocation == ExternalLocation)
            external = ResolveExternal(t, folder, path);
        return new OnnxInitializer(t.Name, dims, t.DataType, external);
    }

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
        var info = new FileInfo(file);
        if (!info.Exists)
            throw new InvalidDataException($"'{path}': initializer '{t.Name}': its external data file '{location}' does not exist in {folder}.");
        if (length < 0) length = info.Length - offset;
        if (offset < 0 || length < 0 || offset + length > info.Length)
            throw new InvalidDataException($"'{path}': initializer '{t.Name}': external data '{location}' holds {info.Length} bytes, too few for offset {offset} and length {length}.");
        return new ExternalExtent(location, file, offset, length);
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
