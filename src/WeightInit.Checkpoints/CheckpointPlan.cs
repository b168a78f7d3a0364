using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using WeightInit.Initializers;
using WeightInit.IO;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Checkpoints;

/// <summary>Where a checkpoint's numbers come from.</summary>
public enum CheckpointGenerator
{
    /// <summary>Counter-based Philox4x32-10, one key per tensor (<c>PhiloxKey.FromSeed(seed).Fold(name)</c>): any tensor, any range,
    /// any thread, shard or rank gives the same bytes.</summary>
    Philox,
    /// <summary>PyTorch 1.13's CPU stream (<see cref="TorchCpuGenerator"/>) after <c>torch.manual_seed(seed)</c>, tensors drawn in plan
    /// order: bit for bit what PyTorch's init calls give, but sequential (see <see cref="TorchSequentialInit"/>).</summary>
    Torch,
}

/// <summary>The complete description of a checkpoint to write: every tensor with its shape, layout, type and initializer, the seed and the generator.</summary>
/// <remarks>
/// A plan is pure data; <see cref="CheckpointWriter"/> turns it into files and <see cref="CheckpointVerifier"/> recomputes them.
/// Its JSON form (<see cref="ToJson"/>, <see cref="FromJson"/>) is written beside the checkpoint as <see cref="ManifestFileName"/>.
/// </remarks>
public sealed class CheckpointPlan
{
    /// <summary>The plan's file in a checkpoint directory.</summary>
    public const string ManifestFileName = "weightinit.json";

    private CheckpointPlan(IReadOnlyList<CheckpointTensor> tensors, ulong seed, CheckpointGenerator generator)
    {
        Tensors = tensors;
        Seed = seed;
        Generator = generator;
    }

    /// <summary>The tensors in plan order: file order, and the draw order of <see cref="CheckpointGenerator.Torch"/>.</summary>
    public IReadOnlyList<CheckpointTensor> Tensors { get; }

    /// <summary>The 64-bit seed.</summary>
    public ulong Seed { get; }

    /// <summary>The generator.</summary>
    public CheckpointGenerator Generator { get; }

    /// <summary>The sum of the tensors' element counts.</summary>
    public long ParameterCount => Tensors.Sum(t => t.ElementCount);

    /// <summary>The sum of the tensors' byte lengths.</summary>
    public long ByteLength => Tensors.Sum(t => t.ByteLength);

    /// <summary>The library version recorded in provenance (the WeightInit assembly's informational version).</summary>
    public static string LibraryVersion { get; } =
        typeof(Initializer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(Initializer).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Resolves declarations into a plan: each tensor's role, layout, type and initializer, checked against its shape.</summary>
    /// <param name="declarations">The tensors, in order.</param>
    /// <param name="policy">Defaults and rules for tensors without an explicit spec.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="dtype">The element type of tensors that do not state one.</param>
    /// <param name="generator">The generator.</param>
    /// <param name="dtypeOverride">When set, every tensor gets this type, whatever it declares.</param>
    /// <exception cref="ArgumentException">No tensors, a duplicate or reserved name, a bad dimension, or an initializer that cannot be
    /// parsed or used for its tensor (or, with the torch generator, has no PyTorch equivalent); the message names the tensor.</exception>
    public static CheckpointPlan Create(IEnumerable<TensorDeclaration> declarations, InitPolicy policy, ulong seed,
        TensorDType dtype = TensorDType.Float32, CheckpointGenerator generator = CheckpointGenerator.Philox, TensorDType? dtypeOverride = null)
    {
        ArgumentNullException.ThrowIfNull(declarations);
        ArgumentNullException.ThrowIfNull(policy);
        if (!Enum.IsDefined(generator)) throw new ArgumentException($"Unknown generator {generator}; valid: philox, torch.");
        var list = declarations.ToList();
        if (list.Count == 0) throw new ArgumentException("The checkpoint has no tensors; a spec needs at least one.");
        var byName = new Dictionary<string, TensorDeclaration>(StringComparer.Ordinal);
        foreach (var d in list)
        {
            if (string.IsNullOrEmpty(d.Name)) throw new ArgumentException("A tensor has an empty name.");
            if (d.Name == SafetensorsWriter.MetadataKey) throw new ArgumentException($"'{d.Name}' is reserved by safetensors and cannot name a tensor.");
            if (!byName.TryAdd(d.Name, d)) throw new ArgumentException($"Two tensors are named '{d.Name}'; names must be unique.");
            for (int i = 0; i < d.Dimensions.Count; i++)
                if (d.Dimensions[i] < 0) throw new ArgumentException($"Tensor '{d.Name}': dimension {i} is {d.Dimensions[i]}; dimensions must be ≥ 0.");
            if (d.Groups < 1) throw new ArgumentException($"Tensor '{d.Name}': groups must be ≥ 1; got {d.Groups}.");
        }

        var tensors = new List<CheckpointTensor>(list.Count);
        long totalBytes = 0;
        foreach (var d in list)
        {
            var role = d.Role ?? TensorRoles.Infer(d.Name, d.Dimensions.Count);
            var layout = d.Layout ?? WeightLayout.OutInKernel;
            var type = dtypeOverride ?? d.DType ?? dtype;
            totalBytes = CheckSize(d, type, totalBytes);
            string spec = d.Initializer ?? policy.SpecFor(d.Name, role);
            if (InitializerRegistry.TryParse(spec, out var parsed) && parsed is PyTorchBias { WeightFanIn: null } && WeightBeside(d, byName) is { } weight)
                spec = PyTorchBias.For(FanCalculator.Compute(weight.Dimensions.ToArray(), FanConvention.PyTorch).FanIn).Spec;
            var tensor = new CheckpointTensor(d.Name, d.Dimensions.ToArray(), type, role, layout, d.Groups, spec);
            Check(tensor, generator);
            tensors.Add(tensor);
        }
        return new CheckpointPlan(tensors, seed, generator);
    }

    /// <summary>The running total of data bytes after <paramref name="d"/>, checked to fit a 64-bit count (element count, tensor bytes, total bytes).</summary>
    private static long CheckSize(TensorDeclaration d, TensorDType type, long totalBytes)
    {
        long count = TensorSource.CountElements(d.Dimensions.Select(x => (long)x).ToArray(), d.Name); // refuses more than 2⁶³ − 1 elements
        long bytes;
        try { bytes = checked(count * type.ElementSize()); }
        catch (OverflowException)
        {
            throw new ArgumentException($"Tensor '{d.Name}' [{string.Join(", ", d.Dimensions)}] has {count} elements of {type.ElementSize()} bytes: more bytes than a 64-bit size holds (2⁶³ − 1).");
        }
        try { return checked(totalBytes + bytes); }
        catch (OverflowException)
        {
            throw new ArgumentException($"The checkpoint's tensors up to '{d.Name}' hold more bytes than a 64-bit size holds (2⁶³ − 1); no file system stores that.");
        }
    }

    /// <summary>A tensor's name, shape, dtype and role as the manifest and the plan's JSON both write them.</summary>
    internal static void WriteIdentity(Utf8JsonWriter w, CheckpointTensor t)
    {
        w.WriteString("name", t.Name);
        w.WriteStartArray("shape");
        foreach (int d in t.Dimensions) w.WriteNumberValue(d);
        w.WriteEndArray();
        w.WriteString("dtype", t.DType.SafetensorsName());
        w.WriteString("role", t.Role.Name());
    }

    /// <summary>The weight a <c>pytorch_bias</c> takes its fan_in from: the tensor named like the bias with its final "bias"
    /// replaced by "weight", of 2 or more dimensions; null when there is none (the registry then refuses the unresolved spec,
    /// saying what it needs).</summary>
    private static TensorDeclaration? WeightBeside(TensorDeclaration bias, Dictionary<string, TensorDeclaration> byName) =>
        bias.Name.EndsWith("bias", StringComparison.Ordinal)
        && byName.TryGetValue(bias.Name[..^"bias".Length] + "weight", out var weight) && weight.Dimensions.Count >= 2 ? weight : null;

    private static void Check(CheckpointTensor t, CheckpointGenerator generator)
    {
        try
        {
            var initializer = InitializerRegistry.Parse(t.Initializer);
            // One element drawn in the tensor's type runs the law's own range check (a normal whose values overflow float32, …)
            // now, before any file is written, rather than when the writer reaches this tensor.
            if (initializer.DistributionFor(t.Shape) is { } law && t.ElementCount > 0)
            {
                var key = WeightInit.Random.PhiloxKey.FromSeed(0);
                switch (t.DType)
                {
                    case TensorDType.Float64: law.Fill(key, new double[1]); break;
                    case TensorDType.Float16: law.Fill(key, new Half[1]); break;
                    case TensorDType.BFloat16: law.FillBFloat16Bits(key, new ushort[1]); break;
                    default: law.Fill(key, new float[1]); break;
                }
            }
            if (generator == CheckpointGenerator.Torch) _ = TorchSequentialInit.Call(t);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Tensor '{t.Name}' [{string.Join(", ", t.Dimensions)}] ({t.Role.Name()}, {t.Layout}): initializer '{t.Initializer}': {e.Message}", e);
        }
    }

    /// <summary>The Philox key of a tensor: <c>PhiloxKey.FromSeed(Seed).Fold(name)</c>.</summary>
    public PhiloxKey KeyOf(CheckpointTensor tensor) => PhiloxKey.FromSeed(Seed).Fold(tensor.Name);

    /// <summary>Sources for <paramref name="indices"/> (plan positions), ready for the file writers; each produces its tensor's bytes on demand.</summary>
    /// <param name="indices">Plan positions, in the order they will be written.</param>
    /// <param name="options">Threads for Philox fills (never changes a value).</param>
    /// <param name="torch">The shared sequential stream, required for <see cref="CheckpointGenerator.Torch"/>.</param>
    public IReadOnlyList<TensorSource> Sources(IEnumerable<int> indices, SamplingOptions? options = null, TorchSequentialInit? torch = null)
    {
        var result = new List<TensorSource>();
        foreach (int i in indices)
        {
            var t = Tensors[i];
            var dims = t.Dimensions.Select(d => (long)d).ToArray();
            if (Generator == CheckpointGenerator.Torch)
            {
                if (torch is null) throw new ArgumentNullException(nameof(torch), "The torch generator needs its sequential stream.");
                result.Add(new TensorSource(t.Name, t.DType, dims, torch.Fill(i)));
            }
            else
            {
                result.Add(new TensorSource(t.Name, t.DType, dims, InitializerTensors.Fill(InitializerRegistry.Parse(t.Initializer), KeyOf(t), t.Shape, t.DType, options)));
            }
        }
        return result;
    }

    /// <summary>The safetensors "__metadata__" of a file holding <paramref name="indices"/>: format "pt", the library version, seed, generator,
    /// and per tensor its initializer ("weightinit.init.NAME") and, for tensors of two or more dimensions, its fan layout ("weightinit.layout.NAME").</summary>
    public IReadOnlyDictionary<string, string> Metadata(IEnumerable<int> indices)
    {
        var m = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "pt",
            ["weightinit.version"] = LibraryVersion,
            ["weightinit.seed"] = Seed.ToString(CultureInfo.InvariantCulture),
            ["weightinit.generator"] = GeneratorName(Generator),
        };
        foreach (int i in indices)
        {
            var t = Tensors[i];
            m["weightinit.init." + t.Name] = t.Initializer;
            if (t.Dimensions.Count >= 2)
                m["weightinit.layout." + t.Name] = t.Groups == 1 ? t.Layout.ToString() : $"{t.Layout}, groups={t.Groups}";
        }
        return m;
    }

    /// <summary>"philox" or "torch".</summary>
    public static string GeneratorName(CheckpointGenerator generator) => generator switch
    {
        CheckpointGenerator.Philox => "philox",
        CheckpointGenerator.Torch => "torch",
        _ => throw new ArgumentOutOfRangeException(nameof(generator)),
    };

    /// <summary>The generator named <paramref name="text"/> ("philox" or "torch").</summary>
    /// <exception cref="ArgumentException">Another word; the message lists the two.</exception>
    public static CheckpointGenerator ParseGenerator(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "philox" => CheckpointGenerator.Philox,
        "torch" or "pytorch" => CheckpointGenerator.Torch,
        _ => throw new ArgumentException($"Unknown generator '{text}'; valid: philox (parallel, shardable), torch (PyTorch 1.13's CPU stream, sequential)."),
    };

    /// <summary>The plan as JSON (the manifest): library version, seed, generator and every tensor with its file when <paramref name="files"/> names one.</summary>
    public string ToJson(IReadOnlyDictionary<string, string>? files = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("weightinit_version", LibraryVersion);
            w.WriteString("seed", Seed.ToString(CultureInfo.InvariantCulture));
            w.WriteString("generator", GeneratorName(Generator));
            if (extra is not null)
                foreach (var (k, v) in extra.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteString(k, v);
            w.WriteStartArray("tensors");
            foreach (var t in Tensors)
            {
                w.WriteStartObject();
                WriteIdentity(w, t);
                w.WriteString("layout", t.Layout.ToString());
                w.WriteNumber("groups", t.Groups);
                w.WriteString("init", t.Initializer);
                if (files is not null && files.TryGetValue(t.Name, out var file)) w.WriteString("file", file);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Reads a manifest written by <see cref="ToJson"/>: the plan, each tensor's file, and the extra top-level strings.</summary>
    /// <exception cref="InvalidDataException">Not such a manifest; the message says what is wrong.</exception>
    public static (CheckpointPlan Plan, IReadOnlyDictionary<string, string> Files, IReadOnlyDictionary<string, string> Extra) FromJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            ulong seed = ulong.Parse(root.GetProperty("seed").GetString()!, CultureInfo.InvariantCulture);
            var generator = ParseGenerator(root.GetProperty("generator").GetString()!);
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            var extra = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in root.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.String && p.Name is not ("seed" or "generator"))
                    extra[p.Name] = p.Value.GetString()!;
            var declarations = new List<TensorDeclaration>();
            foreach (var e in root.GetProperty("tensors").EnumerateArray())
            {
                string name = e.GetProperty("name").GetString()!;
                var dims = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
                declarations.Add(new TensorDeclaration(name, dims, TensorDTypes.FromSafetensorsName(e.GetProperty("dtype").GetString()!),
                    TensorRoles.Parse(e.GetProperty("role").GetString()!), WeightLayouts.Parse(e.GetProperty("layout").GetString()!),
                    e.GetProperty("groups").GetInt32(), e.GetProperty("init").GetString()!));
                if (e.TryGetProperty("file", out var f)) files[name] = f.GetString()!;
            }
            return (Create(declarations, InitPolicy.Default, seed, generator: generator), files, extra);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"Invalid {ManifestFileName}: {e.Message}", e);
        }
    }
}
