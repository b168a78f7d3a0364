using System.Globalization;
using WeightInit.Sampling;
using WeightInit.Shapes;
using WeightInit.Naming;

namespace WeightInit.Initializers;

/// <summary>One argument an initializer accepts in a spec.</summary>
/// <param name="Name">The canonical key.</param>
/// <param name="Aliases">Other accepted keys (PyTorch, Keras, Caffe spellings).</param>
/// <param name="Default">The default, as text.</param>
/// <param name="Description">What it means.</param>
public sealed record InitializerParameter(string Name, IReadOnlyList<string> Aliases, string Default, string Description);

/// <summary>A registry entry: the canonical name, its aliases, its arguments and how to build it.</summary>
/// <param name="Name">The canonical name.</param>
/// <param name="Aliases">Other accepted names.</param>
/// <param name="Summary">One line: the formula.</param>
/// <param name="Parameters">The accepted arguments.</param>
public sealed record InitializerInfo(string Name, IReadOnlyList<string> Aliases, string Summary, IReadOnlyList<InitializerParameter> Parameters)
{
    internal Func<SpecArguments, Initializer> Create { get; init; } = _ => throw new InvalidOperationException();
}

/// <summary>Every initializer by name: canonical snake_case names plus PyTorch, Keras, JAX and Caffe spellings.</summary>
/// <remarks>
/// Names match ignoring case, '_' and '-' (so <c>GlorotUniform</c>, <c>glorot_uniform</c> and <c>glorot-uniform</c> are one name);
/// Caffe's fillers carry the prefix <c>caffe.</c> because their semantics differ (its <c>xavier</c> is LeCun uniform).
/// "normal" always means untruncated in the snake_case names: <c>lecun_normal</c>, <c>glorot_normal</c>, <c>he_normal</c> are
/// untruncated (PyTorch's <c>xavier_normal_</c>, <c>kaiming_normal_</c>). Keras's classes <c>LecunNormal</c>, <c>GlorotNormal</c>
/// and <c>HeNormal</c> are ±2σ truncated normals (σ = √(scale/n)/0.87962566103423978), so those spellings are aliases of the
/// <c>*_truncated_normal</c> entries. Where two entries share a key that way, a name must be spelled as one of them: a
/// CamelCase alias exactly (case-sensitive), or the snake_case spelling in any case with '-' or ' ' for '_'; any other
/// spelling of the shared key (<c>glorotnormal</c>) is refused, naming both entries.
/// </remarks>
public static class InitializerRegistry
{
    private static readonly InitializerParameter Gain = new("gain", [], "1", "multiplies the standard deviation (the variance by gain²); a number or an activation name (PyTorch's gain table)");
    private static readonly InitializerParameter Nonlinearity = new("nonlinearity", [], "leaky_relu", "activation after the layer; its PyTorch gain sets the scale (with negative_slope for leaky_relu)");
    private static readonly InitializerParameter HeGain = new("gain", [], "(from nonlinearity)", "explicit gain; overrides nonlinearity and negative_slope");
    private static readonly InitializerParameter Slope = new("negative_slope", ["a", "slope", "alpha"], "0", "negative slope of the (leaky/P)ReLU after the layer");
    private static readonly InitializerParameter ModeIn = new("mode", ["variance_norm"], "fan_in", "fan_in | fan_out | fan_avg");

    /// <summary>All entries, in catalogue order.</summary>
    public static IReadOnlyList<InitializerInfo> All { get; } =
    [
        new("variance_scaling", ["VarianceScaling"], "Var = scale / n_mode; uniform, normal or truncated normal (variance corrected)",
            [new("scale", [], "1", "variance numerator"), ModeIn, new("distribution", [], "truncated_normal", "uniform | normal | truncated_normal (untruncated_normal = normal)"),
             new("fans", ["convention"], "exact", "exact | pytorch | keras | jax | caffe | mxnet")])
        { Create = a => new VarianceScaling(a.Number("scale", 1), a.Mode("mode", FanMode.FanIn), a.Distribution("distribution", VarianceDistribution.TruncatedNormal)) { Convention = a.Convention("fans") } },
        new("lecun_uniform", ["LecunUniform"], "U(±√(3/n_in))", []) { Create = _ => Init.LeCunUniform() },
        new("lecun_normal", [], "N(0, 1/n_in), untruncated", []) { Create = _ => Init.LeCunNormal() },
        new("lecun_truncated_normal", ["LecunNormal"], "±2σ truncated normal, Var = 1/n_in", []) { Create = _ => Init.LeCunTruncatedNormal() },
        new("glorot_uniform", ["xavier_uniform", "GlorotUniform", "xavier"], "U(±gain·√(6/(n_in+n_out)))", [Gain]) { Create = a => Init.GlorotUniform(a.GainValue("gain")) },
        new("glorot_normal", ["xavier_normal"], "N(0, gain²·2/(n_in+n_out)), untruncated", [Gain]) { Create = a => Init.GlorotNormal(a.GainValue("gain")) },
        new("glorot_truncated_normal", ["GlorotNormal"], "±2σ truncated normal, Var = gain²·2/(n_in+n_out)", [Gain]) { Create = a => Init.GlorotTruncatedNormal(a.GainValue("gain")) },
        new("he_uniform", ["kaiming_uniform", "HeUniform"], "U(±√(6/((1+a²)·n_mode)))", [Slope, ModeIn, Nonlinearity, HeGain]) { Create = a => new VarianceScaling(a.HeScale(), a.Mode("mode", FanMode.FanIn), VarianceDistribution.Uniform) },
        new("he_normal", ["kaiming_normal", "msra"], "N(0, 2/((1+a²)·n_mode)), untruncated", [Slope, ModeIn, Nonlinearity, HeGain]) { Create = a => new VarianceScaling(a.HeScale(), a.Mode("mode", FanMode.FanIn), VarianceDistribution.Normal) },
        new("he_truncated_normal", ["HeNormal"], "±2σ truncated normal, Var = 2/((1+a²)·n_mode)", [Slope, ModeIn, Nonlinearity, HeGain]) { Create = a => new VarianceScaling(a.HeScale(), a.Mode("mode", FanMode.FanIn), VarianceDistribution.TruncatedNormal) },
        new("glorot_standard", ["standard"], "U(±1/√n_in), Glorot & Bengio's eq. 1", []) { Create = _ => Init.GlorotStandard() },
        new("pytorch_bias", [], "U(±1/√fan_in) of the weight the bias belongs to (nn.Linear / nn.Conv*d default bias)",
            [new("fan_in", [], "(from the weight)", "PyTorch's fan_in of the owning weight; the checkpoint plan, the ONNX planner and TorchSharp's ModuleInit pass it from the weight beside the bias")])
        { Create = a => Init.PyTorchBias(a.Has("fan_in") ? a.Number("fan_in", 0) : null) },
        new("zeros", ["zero", "Zeros"], "0", []) { Create = _ => Init.Zeros() },
        new("ones", ["one", "Ones"], "1", []) { Create = _ => Init.Ones() },
        new("constant", ["Constant", "const"], "value", [new("value", ["val"], "0", "the value")]) { Create = a => new Constant(a.Number("value", 0)) },
        new("uniform", ["RandomUniform", "random_uniform"], "U[low, high)",
            [new("low", ["a", "minval", "min"], "0", "included lower end"), new("high", ["b", "maxval", "max"], "1", "excluded upper end")])
        { Create = a => Init.Uniform(a.Number("low", 0), a.Number("high", 1)) },
        new("normal", ["RandomNormal", "random_normal", "gaussian"], "N(mean, std²)",
            [new("mean", [], "0", "mean"), new("std", ["stddev", "sigma"], "1", "standard deviation")])
        { Create = a => Init.Normal(a.Number("mean", 0), a.Number("std", 1)) },
        new("truncated_normal", ["trunc_normal", "TruncatedNormal"], "N(mean, std²) truncated to (lower, upper), no variance correction",
            [new("mean", [], "0", "mean"), new("std", ["stddev", "sigma"], "1", "parent standard deviation"),
             new("lower", ["a"], "-2", "lower bound"), new("upper", ["b"], "2", "upper bound"),
             new("unit", ["bounds"], "sigma (absolute when a/b are given)", "sigma | absolute")])
        { Create = a => a.TruncatedNormal() },
        new("embedding", ["Embedding"], "N(mean, std²) with row padding_idx (along dim 0) zero: nn.Embedding(padding_idx=p)",
            [new("mean", [], "0", "mean"), new("std", ["stddev", "sigma"], "1", "standard deviation"),
             new("padding_idx", [], "none", "the row that is zero (none: a plain normal)")])
        { Create = a => new Embedding(a.Number("mean", 0), a.Number("std", 1), a.Has("padding_idx") ? a.Integer("padding_idx", 0) : null) },
        new("identity", ["eye", "Identity"], "gain·I (2-D)", [Gain]) { Create = a => new Identity(a.GainValue("gain")) },
        new("orthogonal", ["Orthogonal", "saxe"], "gain·Q, Q Haar-orthogonal (QR with sign fix); rows = dim 0 (PyTorch layout) or cols = last dim (Keras layout)", [Gain])
        { Create = a => new Orthogonal(a.GainValue("gain")) },
        new("delta_orthogonal", ["DeltaOrthogonal"], "zero kernel with gain·Q (out × in, orthonormal columns) at the centre", [Gain])
        { Create = a => new DeltaOrthogonal(a.GainValue("gain")) },
        new("dirac", ["Dirac"], "identity convolution per group", [new("groups", [], "1", "groups dividing dim 0")]) { Create = a => new Dirac(a.Integer("groups", 1)) },
        new("bilinear", ["Bilinear"], "(1−|x/f−c|)(1−|y/f−c|), f = ⌈K/2⌉, c = (K−1)/(2f)", [new("legacy", [], "false", "pre-2017 Caffe / MXNet off-centre formula")])
        { Create = a => new Bilinear(a.Boolean("legacy", false)) },
        new("sparse", ["Sparse"], "⌈sparsity·rows⌉ zeros per column, others N(0, std²)",
            [new("sparsity", [], "(required)", "fraction of zeros per column"), new("std", ["stddev"], "0.01", "std of the non-zeros")])
        { Create = a => new Sparse(a.Number("sparsity", double.NaN), a.Number("std", 0.01)) },
        new("caffe.constant", [], "Caffe constant filler", [new("value", [], "0", "the value")]) { Create = a => new Constant(a.Number("value", 0)) },
        new("caffe.uniform", [], "Caffe uniform filler U[min, max)", [new("min", [], "0", "lower end"), new("max", [], "1", "upper end")])
        { Create = a => Init.Uniform(a.Number("min", 0), a.Number("max", 1)) },
        new("caffe.gaussian", [], "Caffe gaussian filler N(mean, std²), optional Bernoulli(sparse/num) mask",
            [new("mean", [], "0", "mean"), new("std", [], "1", "standard deviation"), new("sparse", [], "-1", "expected non-zeros per output (−1: dense)")])
        { Create = a => a.CaffeGaussian() },
        new("caffe.positive_unitball", [], "U(0,1), each row divided by its sum", []) { Create = _ => new PositiveUnitBall() },
        new("caffe.xavier", [], "U(±√(3/n)), n by variance_norm (default FAN_IN = LeCun uniform), Caffe blob fans",
            [new("variance_norm", ["mode"], "FAN_IN", "FAN_IN | FAN_OUT | AVERAGE")])
        { Create = a => Init.CaffeXavier(a.Mode("variance_norm", FanMode.FanIn)) },
        new("caffe.msra", [], "N(0, 2/n), n by variance_norm (default FAN_IN), Caffe blob fans",
            [new("variance_norm", ["mode"], "FAN_IN", "FAN_IN | FAN_OUT | AVERAGE")])
        { Create = a => Init.CaffeMsra(a.Mode("variance_norm", FanMode.FanIn)) },
        new("caffe.bilinear", [], "Caffe bilinear filler (the fixed, centred formula)", []) { Create = _ => new Bilinear() },
    ];

    // Every spelling as written (case-sensitive), and every normalized key with the entries that claim it (two at most:
    // a Keras CamelCase class and a snake_case name, e.g. GlorotNormal and glorot_normal).
    private static readonly Dictionary<string, InitializerInfo> BySpelling = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, List<(string Spelling, InitializerInfo Info)>> ByKey = BuildIndex();

    private static Dictionary<string, List<(string, InitializerInfo)>> BuildIndex()
    {
        var d = new Dictionary<string, List<(string, InitializerInfo)>>();
        foreach (var info in All)
            foreach (var n in info.Aliases.Prepend(info.Name))
            {
                BySpelling.TryAdd(n, info);
                if (!d.TryGetValue(Vocabulary.Key(n), out var claims)) d[Vocabulary.Key(n)] = claims = [];
                // Two entries may share a key only through spellings that differ once case is ignored and '-', ' ' read as '_'.
                if (claims.Any(c => !ReferenceEquals(c.Item2, info) && Spelled(c.Item1) == Spelled(n)))
                    throw new InvalidOperationException($"Duplicate initializer name {n}.");
                claims.Add((n, info));
            }
        return d;
    }

    // Lower case with '-' and ' ' read as '_': tells glorot_normal from GlorotNormal, which share the key glorotnormal.
    private static string Spelled(string name) => name.Replace('-', '_').Replace(' ', '_').ToLowerInvariant();

    /// <summary>The entry for a name or alias.</summary>
    /// <remarks>Keras's class names <c>GlorotNormal</c>, <c>HeNormal</c>, <c>LecunNormal</c> (truncated) and the snake_case names
    /// <c>glorot_normal</c>, <c>he_normal</c>, <c>lecun_normal</c> (untruncated) share a key; see the class remarks.</remarks>
    /// <exception cref="ArgumentException">Unknown name (the message lists the valid names), or a spelling that could mean
    /// either of two entries (the message names both).</exception>
    public static InitializerInfo Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (BySpelling.TryGetValue(name, out var exact)) return exact;
        if (ByKey.TryGetValue(Vocabulary.Key(name), out var claims))
        {
            var entries = claims.Select(c => c.Info).Distinct().ToList();
            if (entries.Count == 1) return entries[0];
            var snake = claims.Where(c => c.Spelling.Contains('_') && Spelled(c.Spelling) == Spelled(name)).Select(c => c.Info).Distinct().ToList();
            if (snake.Count == 1) return snake[0];
            string Spellings(InitializerInfo e) => string.Join(" / ", claims.Where(c => ReferenceEquals(c.Info, e)).Select(c => c.Spelling));
            string Meaning(InitializerInfo e) => (Spellings(e) == e.Name ? e.Name : $"{Spellings(e)} = {e.Name}") + $" is {e.Summary}";
            throw new ArgumentException($"'{name}' is ambiguous: {string.Join("; ", entries.Select(Meaning))}. " +
                $"Write {string.Join(" or ", entries.Select(Spellings))}.");
        }
        throw new ArgumentException($"Unknown initializer '{name}'. Valid names: {string.Join(", ", All.Select(i => i.Name))} (aliases: see 'weightinit list')."
            + Vocabulary.DidYouMean(name, All.SelectMany(i => i.Aliases.Prepend(i.Name))));
    }

    /// <summary>Like <see cref="Parse"/>, but false (and null) where <see cref="Parse"/> would throw.</summary>
    public static bool TryParse(string spec, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Initializer? initializer)
    {
        try { initializer = Parse(spec); return true; }
        catch (ArgumentException) { initializer = null; return false; }
    }

    /// <summary>Builds an initializer from a spec such as <c>kaiming_normal(a=0.25, mode=fan_out)</c>.</summary>
    /// <exception cref="ArgumentException">Unknown name, unknown argument or bad value; the message names it and lists the valid choices.</exception>
    public static Initializer Parse(string spec)
    {
        InitializerSpec parsed;
        try { parsed = InitializerSpec.Parse(spec); }
        catch (FormatException e) { throw new ArgumentException(e.Message, nameof(spec), e); }
        var info = Find(parsed.Name);
        var args = new SpecArguments(info, parsed);
        var init = info.Create(args);
        args.CheckAllUsed();
        return init;
    }
}

/// <summary>Reads typed arguments of a spec, accepting each parameter's aliases, and reports anything unknown.</summary>
internal sealed class SpecArguments
{
    private readonly InitializerInfo _info;
    private readonly InitializerSpec _spec;
    private readonly Dictionary<string, string> _values = new();
    private readonly HashSet<string> _used = new();

    public SpecArguments(InitializerInfo info, InitializerSpec spec)
    {
        _info = info;
        _spec = spec;
        foreach (var (key, value) in spec.Arguments)
        {
            var canonical = Canonical(key)
                ?? throw new ArgumentException($"{info.Name} has no argument '{key}'. Valid arguments: {Valid()}.{Hint(key)}");
            if (!_values.TryAdd(canonical, value)) throw new ArgumentException($"{info.Name}: argument '{canonical}' is given twice.");
        }
    }

    private string Valid() => _info.Parameters.Count == 0 ? "none" :
        string.Join(", ", _info.Parameters.Select(p => p.Aliases.Count == 0 ? p.Name : $"{p.Name} ({string.Join(", ", p.Aliases)})"));

    private string Hint(string key) =>
        Vocabulary.DidYouMean(key, _info.Parameters.SelectMany(p => p.Aliases.Prepend(p.Name)));

    private string? Canonical(string key)
    {
        var k = Vocabulary.Key(key);
        foreach (var p in _info.Parameters)
            if (Vocabulary.Key(p.Name) == k || p.Aliases.Any(a => Vocabulary.Key(a) == k)) return p.Name;
        return null;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    private string? Raw(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var v) ? v : null;
    }

    public double Number(string name, double fallback)
    {
        var raw = Raw(name);
        if (raw is null)
        {
            if (double.IsNaN(fallback)) throw new ArgumentException($"{_info.Name} needs the argument '{name}'.");
            return fallback;
        }
        if (SpecNumber.TryParse(raw, out var x)) return x;
        throw new ArgumentException($"{_info.Name}: argument '{name}' must be a finite number or expression (e.g. 0.5, sqrt(2), 1/sqrt(5)); got '{raw}'.");
    }

    public int Integer(string name, int fallback)
    {
        var raw = Raw(name);
        if (raw is null) return fallback;
        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x)) return x;
        throw new ArgumentException($"{_info.Name}: argument '{name}' must be an integer; got '{raw}'.");
    }

    public bool Boolean(string name, bool fallback)
    {
        var raw = Raw(name);
        if (raw is null) return fallback;
        return raw.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => throw new ArgumentException($"{_info.Name}: argument '{name}' must be true or false; got '{raw}'."),
        };
    }

    public FanMode Mode(string name, FanMode fallback)
    {
        var raw = Raw(name);
        if (raw is null) return fallback;
        try { return FanModes.Parse(raw); }
        catch (ArgumentException e) { throw new ArgumentException($"{_info.Name}: argument '{name}': {e.Message}", e); }
    }

    public VarianceDistribution Distribution(string name, VarianceDistribution fallback)
    {
        var raw = Raw(name);
        if (raw is null) return fallback;
        return Vocabulary.Key(raw) switch
        {
            "uniform" => VarianceDistribution.Uniform,
            "normal" or "untruncatednormal" or "gaussian" => VarianceDistribution.Normal,
            "truncatednormal" or "truncnormal" => VarianceDistribution.TruncatedNormal,
            _ => throw new ArgumentException($"{_info.Name}: '{name}' must be uniform, normal or truncated_normal; got '{raw}'."),
        };
    }

    public FanConvention? Convention(string name)
    {
        var raw = Raw(name);
        if (raw is null) return null;
        try { return FanConventions.Parse(raw); }
        catch (ArgumentException e) { throw new ArgumentException($"{_info.Name}: argument '{name}': {e.Message}", e); }
    }

    /// <summary>A gain given as a number or as an activation name (looked up in PyTorch's gain table); 1 when absent.</summary>
    public double GainValue(string name)
    {
        var raw = Raw(name);
        if (raw is null) return 1.0;
        if (SpecNumber.TryParse(raw, out var x))
            return x > 0 ? x : throw new ArgumentException($"{_info.Name}: argument '{name}' must be positive (a number, an expression such as sqrt(2), or an activation name); got '{raw}'.");
        if (Gains.Activation.TryParse(raw, out var activation)) return Gains.Gain.PyTorch(activation);
        throw new ArgumentException($"{_info.Name}: argument '{name}' must be a positive number, an expression such as sqrt(2), or an activation name; got '{raw}'."
            + $" Activations: {string.Join(", ", Gains.Activation.Names)}." + Vocabulary.DidYouMean(raw, Gains.Activation.Names));
    }

    /// <summary>He's variance numerator: gain² when a gain is given, else PyTorch's gain of the nonlinearity (leaky_relu by default) with the negative slope.</summary>
    public double HeScale()
    {
        double slope = Number("negative_slope", 0);
        if (Has("gain")) { double g = GainValue("gain"); Raw("nonlinearity"); return g * g; }
        var nonlinearity = Raw("nonlinearity");
        if (nonlinearity is null) return Init.HeScale(slope);
        Gains.Activation activation;
        try { activation = Gains.Activation.Parse(nonlinearity); }
        catch (ArgumentException e) { throw new ArgumentException($"{_info.Name}: unknown nonlinearity '{nonlinearity}'. {e.Message}", e); }
        // PyTorch passes the slope a to calculate_gain for leaky_relu only.
        if (activation.Name is "leaky_relu" && !nonlinearity.Contains(':')) return Init.HeScale(slope);
        return Gains.Gain.PyTorchSquared(activation);
    }

    public RandomInitializer TruncatedNormal()
    {
        // PyTorch's trunc_normal_(a, b) bounds are absolute; lower/upper default to σ-units unless unit says otherwise.
        bool absoluteByName = _spec.Arguments.Any(x => Vocabulary.Key(x.Key) is "a" or "b");
        var unitRaw = Raw("unit");
        BoundUnit unit = unitRaw is null ? (absoluteByName ? BoundUnit.Absolute : BoundUnit.StandardDeviations)
            : Vocabulary.Key(unitRaw) switch
            {
                "sigma" or "std" or "stddev" or "standarddeviations" or "σ" => BoundUnit.StandardDeviations,
                "absolute" or "abs" => BoundUnit.Absolute,
                _ => throw new ArgumentException($"{_info.Name}: 'unit' must be sigma or absolute; got '{unitRaw}'."),
            };
        return Init.TruncatedNormal(Number("mean", 0), Number("std", 1), Number("lower", -2), Number("upper", 2), unit);
    }

    public Initializer CaffeGaussian()
    {
        double mean = Number("mean", 0), std = Number("std", 1);
        int sparse = Integer("sparse", -1);
        return sparse < 0 ? Init.Normal(mean, std) : new CaffeSparseGaussian(mean, std, sparse);
    }

    public void CheckAllUsed()
    {
        foreach (var k in _values.Keys)
            if (!_used.Contains(k)) throw new ArgumentException($"{_info.Name} does not use the argument '{k}'. Valid arguments: {Valid()}.");
    }
}
