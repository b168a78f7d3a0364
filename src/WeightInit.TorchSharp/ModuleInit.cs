using System.IO.Enumeration;
using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;
using Embedding = TorchSharp.Modules.Embedding;
using WeightInit.Checkpoints;
using WeightInit.Checkpoints.HuggingFace;
using WeightInit.Initializers;
using WeightInit.Shapes;
using WeightInit.Random;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp;

/// <summary>Where the numbers come from.</summary>
public enum ModuleInitMode
{
    /// <summary>WeightInit's counter-based stream: each tensor's bits are a pure function of (seed, full parameter name,
    /// element index), the same as <c>weightinit init</c> and <see cref="Initializer.Fill(PhiloxKey, WeightShape, Span{float}, long, WeightInit.Sampling.SamplingOptions?)"/>
    /// with <c>key.Fold(name)</c>, whatever the module's construction order, process or rank.</summary>
    Philox,

    /// <summary>PyTorch's CPU stream after <c>torch.manual_seed(seed)</c>: the module's tensors get exactly the bits PyTorch's
    /// constructors (and TorchSharp's correct ones) give when the module is built right after that call. Only the
    /// <c>pytorch-default</c> preset, float32 and float64; sequential (the bits depend on the order of the tensors).</summary>
    Torch,
}

/// <summary>One initialized tensor, as <see cref="ModuleInit.Apply"/> reports it.</summary>
/// <param name="Name">The full parameter or buffer name.</param>
/// <param name="ModuleType">The owning module's type name.</param>
/// <param name="Dimensions">The shape.</param>
/// <param name="How">The initializer's spec (Philox mode), the PyTorch call (torch mode), or the buffer reset.</param>
/// <param name="Fans">The fans the initializer used, when it uses fans; else null.</param>
public sealed record InitializedTensor(string Name, string ModuleType, IReadOnlyList<int> Dimensions, string How, WeightInit.Shapes.Fans? Fans);

/// <summary>Initializes every parameter and buffer of a TorchSharp <see cref="nn.Module"/> in place, by rules (name glob, regular
/// expression, module type) and an optional preset, with exact fans from each module type's stated layout.</summary>
/// <remarks>
/// <para>Rules are tried in order and the last one that matches a parameter wins; parameters no rule matches get the preset's
/// initializer; with no preset they keep their values and are not in the list <see cref="Apply"/> returns. Every rule must match at least one
/// parameter. BatchNorm / InstanceNorm running statistics are always reset (mean 0, var 1, num_batches_tracked 0).</para>
/// <para>Nothing is written until every tensor's initializer, dtype and fans have been checked.</para>
/// <example><code>
/// new ModuleInit(seed: 42)
///     .Preset("pytorch-default")
///     .Rule("*.weight", Init.HeNormal())
///     .Rule("*.bias", Init.Zeros())
///     .PaddingIndex("emb", 0)
///     .Apply(model);
/// </code></example>
/// </remarks>
public sealed class ModuleInit
{
    private readonly List<NameRule> _rules = [];
    private readonly Dictionary<string, long> _padding = new(StringComparer.Ordinal);
    private bool _pytorchDefault;
    private HuggingFaceModel? _huggingFace;
    private Dictionary<string, TensorDeclaration> _huggingFaceTensors = [];
    private WeightInit.Sampling.SamplingOptions? _options;

    /// <summary>An initializer keyed by <paramref name="key"/> (each tensor uses <c>key.Fold(name)</c>).</summary>
    public ModuleInit(PhiloxKey key, ModuleInitMode mode = ModuleInitMode.Philox)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), $"Unknown mode {(int)mode}; valid modes: Philox, Torch.");
        Key = key;
        Mode = mode;
    }

    /// <summary>An initializer for <paramref name="seed"/>: <see cref="PhiloxKey.FromSeed"/> in Philox mode, <c>manual_seed(seed)</c> in torch mode.</summary>
    public ModuleInit(ulong seed, ModuleInitMode mode = ModuleInitMode.Philox) : this(PhiloxKey.FromSeed(seed), mode) => Seed = seed;

    /// <summary>The key each tensor's key is folded from.</summary>
    public PhiloxKey Key { get; }

    /// <summary>The seed given, if any (torch mode needs one).</summary>
    public ulong? Seed { get; }

    /// <summary>The mode.</summary>
    public ModuleInitMode Mode { get; }

    /// <summary>The preset names: <c>pytorch-default</c>, then the Hugging Face configs (each also as <c>NAME(field=value, …)</c>).</summary>
    public static IReadOnlyList<string> Presets { get; } = ["pytorch-default", .. HuggingFaceNamedConfigs.Spellings];

    /// <summary>Uses a preset for every parameter no rule matches.</summary>
    /// <remarks>
    /// <para><c>pytorch-default</c> is what PyTorch's constructors give (kaiming_uniform(a=√5) weights and U(±1/√fan_in) biases for
    /// Linear and Conv*, with PyTorch's fans; N(0, 1) embeddings; ones and zeros for norms; U(±1/√hidden) for RNN/LSTM/GRU;
    /// xavier_uniform in-projections and zero biases for MultiheadAttention). This also fixes TorchSharp's GroupNorm, which it
    /// never initializes.</para>
    /// <para>A Hugging Face config (<c>gpt2</c>, <c>tinyllama-1.1b</c>, …, or <c>NAME(field=value, …)</c> for another size, as
    /// <c>weightinit init --preset</c> takes it) is for a module whose parameters are named and shaped as that transformers class's
    /// <c>state_dict</c>: each gets exactly the law, layout and bits the Hugging Face checkpoint plan gives the tensor of that name
    /// (<see cref="Preset(HuggingFaceModel)"/>).</para>
    /// </remarks>
    /// <exception cref="ArgumentException">Unknown preset (the message lists the valid ones), or a bad Hugging Face config.</exception>
    public ModuleInit Preset(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (WeightInit.Naming.Vocabulary.Key(name) is "pytorchdefault" or "pytorch" or "torch")
        {
            _pytorchDefault = true;
            _huggingFace = null;
            return this;
        }
        string head;
        try { head = InitializerSpec.Parse(name).Name; }
        catch (FormatException e) { throw new ArgumentException($"Preset '{name}': {e.Message}", nameof(name), e); }
        if (!HuggingFaceNamedConfigs.TryGet(head, out _))
            throw new ArgumentException($"Unknown preset '{name}'; valid: {string.Join(", ", Presets)} (a Hugging Face config also as NAME(field=value, …)).", nameof(name));
        return Preset(HuggingFaceNamedConfigs.Resolve(name));
    }

    /// <summary>Uses a Hugging Face model's laws (from <see cref="HuggingFaceModels.Build"/>, e.g. of a parsed <c>config.json</c>) for
    /// every parameter no rule matches: the parameter named <c>N</c> gets the initializer and layout the model declares for the
    /// tensor <c>N</c>, so its bits equal what <c>weightinit init</c> writes for that model. Every such parameter must be a tensor
    /// of the model with the same shape (<see cref="Apply"/> says which is not); tensors of the model the module lacks are skipped.</summary>
    public ModuleInit Preset(HuggingFaceModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _huggingFace = model;
        _huggingFaceTensors = model.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _pytorchDefault = false;
        return this;
    }

    /// <summary>Parameters whose full name matches the glob (<c>*</c> any run of characters, dots included; <c>?</c> one character;
    /// case-sensitive) get <paramref name="initializer"/>.</summary>
    public ModuleInit Rule(string glob, Initializer initializer)
    {
        if (string.IsNullOrWhiteSpace(glob)) throw new ArgumentException("A rule needs a non-empty glob such as \"*.bias\".", nameof(glob));
        ArgumentNullException.ThrowIfNull(initializer);
        _rules.Add(new NameRule(glob, t => FileSystemName.MatchesSimpleExpression(glob, t.Name, ignoreCase: false), initializer));
        return this;
    }

    /// <summary>Parameters whose full name the regular expression matches entirely get <paramref name="initializer"/>.</summary>
    public ModuleInit Rule(Regex regex, Initializer initializer)
    {
        ArgumentNullException.ThrowIfNull(regex);
        ArgumentNullException.ThrowIfNull(initializer);
        // \A…\z: the whole name, whatever the options (with Multiline, ^ and $ would match at line breaks). In
        // IgnorePatternWhitespace mode ((?x) inline too) a trailing # comment runs to the end of its line and would swallow
        // the closing ")\z", so then the group closes on a line of its own.
        Regex whole;
        try { whole = new Regex($"\\A(?:{regex})\\z", regex.Options, TimeSpan.FromSeconds(1)); }
        catch (ArgumentException) { whole = new Regex($"\\A(?:{regex}\n)\\z", regex.Options, TimeSpan.FromSeconds(1)); }
        _rules.Add(new NameRule("regex:" + regex, t => whole.IsMatch(t.Name), initializer));
        return this;
    }

    /// <summary>Parameters of modules of type <typeparamref name="TModule"/> (or derived) whose local name (e.g. <c>weight</c>,
    /// <c>weight_hh_l0</c>) matches the glob get <paramref name="initializer"/>.</summary>
    public ModuleInit Rule<TModule>(string localGlob, Initializer initializer) where TModule : nn.Module
    {
        if (string.IsNullOrWhiteSpace(localGlob)) throw new ArgumentException("A rule needs a non-empty glob such as \"weight\".", nameof(localGlob));
        ArgumentNullException.ThrowIfNull(initializer);
        _rules.Add(new NameRule($"{typeof(TModule).Name}:{localGlob}",
            t => t.Module is TModule && FileSystemName.MatchesSimpleExpression(localGlob, t.LocalName, ignoreCase: false), initializer));
        return this;
    }

    /// <summary>Fills each tensor on at most <paramref name="maxThreads"/> threads (default: every core). No setting changes a value.</summary>
    public ModuleInit Threads(int maxThreads)
    {
        if (maxThreads < 1)
            throw new ArgumentOutOfRangeException(nameof(maxThreads), $"Threads: {maxThreads} is no thread count; give 1 or more (default: every core).");
        _options = new WeightInit.Sampling.SamplingOptions { MaxThreads = maxThreads };
        return this;
    }

    /// <summary>States the padding index of the Embedding named <paramref name="embeddingName"/> (TorchSharp does not expose it):
    /// after its weight is initialized, that row is set to zero, as PyTorch's constructor does.</summary>
    public ModuleInit PaddingIndex(string embeddingName, long index)
    {
        ArgumentNullException.ThrowIfNull(embeddingName);
        if (index < 0)
            throw new ArgumentOutOfRangeException(nameof(index), $"PaddingIndex: {index} is no row of Embedding '{embeddingName}'; give a row index ≥ 0 (0 … num_embeddings − 1).");
        _padding[embeddingName] = index;
        return this;
    }

    /// <summary>Initializes <paramref name="module"/> in place.</summary>
    /// <returns>The tensors written, in the order they were written.</returns>
    /// <exception cref="ArgumentException">A rule matches no parameter, an initializer cannot serve a tensor's shape (no stated
    /// layout, or a vector where fans are needed), a dtype WeightInit does not write, a tensor on the meta device or a view whose
    /// elements share memory (from <c>expand</c>), an unknown padding module or index, or (torch mode) rules or a dtype the torch
    /// stream does not draw. Nothing has been written then.</exception>
    public IReadOnlyList<InitializedTensor> Apply(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        // A tied tensor is initialized once, under its first name; its other names still serve as siblings (a bias's weight)
        // and, in torch mode, as draws PyTorch's constructors make before the tie.
        var all = ModuleLayouts.EnumerateAll(module, out var aliasOf);
        var tensors = all.Where(t => !aliasOf.ContainsKey(t)).ToList();
        var parameters = tensors.Where(t => !t.IsBuffer).ToList();
        string tied = aliasOf.Count == 0 ? "" : $" (a tied tensor is initialized once, under its first name: {string.Join(", ", aliasOf.Select(a => $"{a.Key.Name} is {a.Value}"))})";
        foreach (var rule in _rules)
            if (!parameters.Any(rule.Matches))
                throw new ArgumentException($"Rule '{rule.Text}' matches no parameter of the {module.GetType().Name}; " +
                    (parameters.Count == 0 ? "it has no parameters." : $"its parameters are: {string.Join(", ", parameters.Select(p => p.Name))}{tied}."));
        var embeddings = CheckPadding(tensors);
        foreach (var b in tensors.Where(ModuleLayouts.IsResetBuffer)) CheckWritable(b);
        return Mode == ModuleInitMode.Torch ? ApplyTorch(tensors, all, aliasOf, embeddings) : ApplyPhilox(tensors, all, embeddings);
    }

    private IReadOnlyList<InitializedTensor> ApplyPhilox(List<ModuleTensor> tensors, List<ModuleTensor> all, Dictionary<ModuleTensor, long> padding)
    {
        // Plan everything first: every failure is raised before the first write.
        var plan = new List<(ModuleTensor Tensor, Initializer Initializer, WeightShape Shape)>();
        foreach (var t in tensors.Where(t => !t.IsBuffer))
        {
            var rule = _rules.LastOrDefault(r => r.Matches(t));
            var ruled = rule is null ? null : ModuleLayouts.CompleteBias(rule.Initializer, t, all);
            (Initializer, WeightShape)? chosen = ruled is not null ? (ruled, Shape(t, ruled))
                : _pytorchDefault ? ModuleLayouts.PyTorchDefault(t, all)
                : _huggingFace is not null ? HuggingFaceLaw(t) : null;
            if (chosen is not { } c) continue;
            CheckDType(t);
            CheckWritable(t);
            try { Check(c.Item1, c.Item2); }
            catch (ArgumentException e) { throw Cannot(t, c.Item1, e); }
            plan.Add((t, c.Item1, c.Item2));
        }
        var done = new List<InitializedTensor>();
        foreach (var (t, init, shape) in plan)
        {
            try { TensorWriter.Write(t.Tensor, new InitializerSource(init, Key.Fold(t.Name), shape, _options)); }
            catch (ArgumentException e) { throw Cannot(t, init, e); }
            ZeroPaddingRow(t, padding);
            done.Add(new InitializedTensor(t.Name, t.ModuleType, t.Dimensions, init.Spec, UsesFans(init) ? shape.Fans : null));
        }
        done.AddRange(ResetBuffers(tensors));
        return done;
    }

    private IReadOnlyList<InitializedTensor> ApplyTorch(List<ModuleTensor> tensors, List<ModuleTensor> all, Dictionary<ModuleTensor, string> aliasOf, Dictionary<ModuleTensor, long> padding)
    {
        if (_rules.Count > 0 || !_pytorchDefault)
            throw new ArgumentException("Torch mode reproduces PyTorch's constructors: it takes the preset pytorch-default and no rules (use Philox mode for rules).");
        if (Seed is not { } seed)
            throw new ArgumentException("Torch mode needs the seed (new ModuleInit(seed, ModuleInitMode.Torch)): it replays torch.manual_seed(seed).");
        var order = new List<(ModuleTensor Tensor, TorchCall Call)>();
        foreach (var group in all.Where(t => !t.IsBuffer).GroupBy(t => t.Module))
            foreach (var t in ModuleLayouts.ConstructionOrder(group))
            {
                if (t.Tensor.dtype is not (ScalarType.Float32 or ScalarType.Float64))
                    throw new ArgumentException($"Torch mode draws float32 and float64 tensors as PyTorch does; '{t.Name}' is {t.Tensor.dtype}.");
                CheckWritable(t);
                order.Add((t, ModuleLayouts.PyTorchCall(t, all)));
            }
        var generator = new TorchCpuGenerator(seed);
        var done = new List<InitializedTensor>();
        foreach (var (t, call) in order)
        {
            if (aliasOf.ContainsKey(t))
            {
                // A tied name: PyTorch's constructor drew this parameter before the tie replaced it; draw and discard.
                if (t.Tensor.dtype == ScalarType.Float64) generator.Apply(call, new double[t.Tensor.numel()]);
                else generator.Apply(call, new float[t.Tensor.numel()]);
                continue;
            }
            if (t.Tensor.dtype == ScalarType.Float64)
            {
                var values = new double[t.Tensor.numel()];
                generator.Apply(call, values);
                TensorWriter.Write(t.Tensor, new ArraySource(values));
            }
            else
            {
                var values = new float[t.Tensor.numel()];
                generator.Apply(call, values);
                TensorWriter.Write(t.Tensor, new ArraySource(values));
            }
            ZeroPaddingRow(t, padding);
            done.Add(new InitializedTensor(t.Name, t.ModuleType, t.Dimensions, call.ToString(), null));
        }
        done.AddRange(ResetBuffers(tensors));
        return done;
    }

    /// <summary>The Hugging Face model's initializer and declared shape for the parameter of the same name.</summary>
    private (Initializer, WeightShape) HuggingFaceLaw(ModuleTensor t)
    {
        string model = _huggingFace!.Architecture;
        if (!_huggingFaceTensors.TryGetValue(t.Name, out var d))
        {
            var names = _huggingFace.Tensors.Select(x => x.Name).ToList();
            throw new ArgumentException($"Preset {model}: parameter '{t.Name}' {Dims(t)} is no tensor of {model} ({names.Count} tensors: " +
                $"{string.Join(", ", names.Take(6))}{(names.Count > 6 ? ", …" : "")}); name the module's parameters as transformers does, or give this one a rule." +
                WeightInit.Naming.Vocabulary.DidYouMean(t.Name, names));
        }
        if (!d.Dimensions.SequenceEqual(t.Dimensions))
            throw new ArgumentException($"Preset {model}: parameter '{t.Name}' is {Dims(t)} in the module but [{string.Join(", ", d.Dimensions)}] in {model} " +
                $"(layout {d.Layout ?? WeightLayout.OutInKernel}); build the module with the config's sizes and transformers' layout.");
        return (InitializerRegistry.Parse(d.Initializer!), new WeightShape(d.Dimensions, d.Layout ?? WeightLayout.OutInKernel, d.Groups));
    }

    private static IEnumerable<InitializedTensor> ResetBuffers(List<ModuleTensor> tensors)
    {
        foreach (var b in tensors.Where(ModuleLayouts.IsResetBuffer).ToList())
            if (ModuleLayouts.ResetBuffer(b))
                yield return new InitializedTensor(b.Name, b.ModuleType, b.Dimensions, b.LocalName == "running_var" ? "ones" : "zeros", null);
    }

    private Dictionary<ModuleTensor, long> CheckPadding(List<ModuleTensor> tensors)
    {
        var result = new Dictionary<ModuleTensor, long>();
        foreach (var (name, index) in _padding)
        {
            string weight = name.Length == 0 ? "weight" : name + ".weight";
            var t = tensors.FirstOrDefault(x => x.Name == weight && x.Module is Embedding)
                ?? throw new ArgumentException($"PaddingIndex: '{name}' is not an Embedding of this module; its embeddings are: {string.Join(", ", tensors.Where(x => x.Module is Embedding).Select(x => x.Name[..^".weight".Length].TrimEnd('.')))}.");
            if (index >= t.Tensor.shape[0])
                throw new ArgumentException($"PaddingIndex: {index} is outside Embedding '{name}' of {t.Tensor.shape[0]} rows (valid 0…{t.Tensor.shape[0] - 1}).");
            result[t] = index;
        }
        return result;
    }

    private static void ZeroPaddingRow(ModuleTensor t, Dictionary<ModuleTensor, long> padding)
    {
        if (!padding.TryGetValue(t, out long row)) return;
        using var _ = torch.no_grad();
        using var r = t.Tensor[row];
        r.zero_();
    }

    private static WeightShape Shape(ModuleTensor t, Initializer init)
    {
        if (t.Shape is { } s) return s;
        if (UsesFans(init))
            throw new ArgumentException($"Parameter '{t.Name}' {Dims(t)} of module type {t.ModuleType}: {init.Spec} needs fans, and WeightInit has no stated layout for this module type (it knows {ModuleLayouts.Known}); fans are not guessed from a shape. Use an initializer without fans (normal, uniform, orthogonal, …).");
        return new WeightShape(t.Dimensions);
    }

    // A distribution checks the shape (fans); a structured initializer checks it when it fills, so fill one element now
    // (orthogonal: its matrix view, without the QR).
    private void Check(Initializer init, WeightShape shape)
    {
        if (init.DistributionFor(shape) is not null || shape.ElementCount == 0) return;
        if (init is Orthogonal) { _ = Orthogonal.MatrixView(shape); return; }
        Span<double> one = stackalloc double[1];
        init.Fill(Key, shape, one);
    }

    private static bool UsesFans(Initializer init) => init is VarianceScaling or GlorotStandard;

    private static void CheckDType(ModuleTensor t)
    {
        if (!TensorWriter.FloatTypes.Contains(t.Tensor.dtype))
            throw new ArgumentException($"Parameter '{t.Name}' is {t.Tensor.dtype}; WeightInit writes float32, float64, float16 and bfloat16.");
    }

    private static void CheckWritable(ModuleTensor t)
    {
        if (TensorWriter.WhyNotWritable(t.Tensor) is { } why)
            throw new ArgumentException($"{(t.IsBuffer ? "Buffer" : "Parameter")} '{t.Name}' {Dims(t)} of module type {t.ModuleType} {why}.");
    }

    private static ArgumentException Cannot(ModuleTensor t, Initializer init, ArgumentException e) =>
        new($"Parameter '{t.Name}' {Dims(t)} of module type {t.ModuleType}: {init.Spec} cannot initialize it: {e.Message}", e);

    private static string Dims(ModuleTensor t) => "[" + string.Join(", ", t.Dimensions) + "]";

    private sealed record NameRule(string Text, Func<ModuleTensor, bool> Matches, Initializer Initializer);
}
