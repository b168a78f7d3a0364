using System.Collections.Frozen;
using System.Globalization;
using F = WeightInit.Gains.ActivationFunctions;

namespace WeightInit.Gains;

/// <summary>An activation function φ with its derivative and kinks: what gains and moment calculations need to know about it.</summary>
/// <remarks>
/// <para>
/// Built-in activations have a canonical snake_case <see cref="Name"/> and, for the four with a parameter, a
/// <see cref="Parameter"/>: <c>leaky_relu</c> (negative slope, default 0.01 as PyTorch's <c>calculate_gain</c>),
/// <c>prelu</c> (slope, default 0.25 as PyTorch's <c>nn.PReLU</c> and Caffe), <c>elu</c> (α, default 1) and
/// <c>softplus</c> (β, default 1). <see cref="Parse"/> reads <c>"name"</c> or <c>"name:parameter"</c>, ignoring case,
/// '_', '-' and spaces, and accepts aliases (<c>swish</c> = <c>silu</c>, <c>logistic</c> = <c>sigmoid</c>, <c>identity</c> =
/// <c>linear</c>, <c>LeakyReLU</c> = <c>leaky_relu</c>, …); <see cref="ToString"/> writes the canonical form that parses back to an equal value.
/// </para>
/// <para>
/// The conv names (<c>conv1d</c> … <c>conv_transpose3d</c>) are PyTorch's <c>calculate_gain</c> spellings of the identity and
/// exist so that every name PyTorch accepts is accepted here.
/// </para>
/// </remarks>
public sealed class Activation : IEquatable<Activation>
{
    private readonly bool _builtIn;
    private readonly double[] _breakpoints;

    /// <summary>A user-defined activation.</summary>
    /// <param name="name">A name for messages and <see cref="ToString"/>; must not be a built-in name or alias, and must not contain ':'.</param>
    /// <param name="function">φ(x).</param>
    /// <param name="derivative">φ′(x), or null when unknown (then backward-pass gains are unavailable).</param>
    /// <param name="breakpoints">Points where φ or one of its derivatives jumps (e.g. 0 for a ReLU-like function), so quadrature can split there.</param>
    /// <exception cref="ArgumentException">The name is empty, contains ':', or is a built-in name; or a breakpoint is not finite.</exception>
    public Activation(string name, Func<double, double> function, Func<double, double>? derivative = null, IEnumerable<double>? breakpoints = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(function);
        if (name.Contains(':'))
            throw new ArgumentException($"An activation name cannot contain ':' (it separates the parameter); got '{name}'.", nameof(name));
        if (Catalogue.ContainsKey(Normalize(name)))
            throw new ArgumentException($"'{name}' is a built-in activation name; use Activation.Parse(\"{name}\") or choose another name.", nameof(name));
        double[] points = breakpoints?.ToArray() ?? [];
        foreach (double b in points)
            if (!double.IsFinite(b))
                throw new ArgumentException($"Breakpoints must be finite; got {b}.", nameof(breakpoints));
        Name = name;
        Function = function;
        Derivative = derivative;
        _breakpoints = points;
        _builtIn = false;
    }

    private Activation(string name, double? parameter, Func<double, double> function, Func<double, double> derivative, double[] breakpoints)
    {
        Name = name;
        Parameter = parameter;
        Function = function;
        Derivative = derivative;
        _breakpoints = breakpoints;
        _builtIn = true;
    }

    /// <summary>The canonical name (built-ins: snake_case, e.g. <c>leaky_relu</c>) or the user's name.</summary>
    public string Name { get; }

    /// <summary>The parameter of <c>leaky_relu</c> / <c>prelu</c> (slope), <c>elu</c> (α) or <c>softplus</c> (β); null for the others.</summary>
    public double? Parameter { get; }

    /// <summary>φ(x).</summary>
    public Func<double, double> Function { get; }

    /// <summary>φ′(x) (at a kink: the right-hand derivative for ReLU-like functions, 0 outside hardtanh's open interval); null when unknown.</summary>
    public Func<double, double>? Derivative { get; }

    /// <summary>Points where φ or a derivative jumps; Gaussian expectations split their integration there.</summary>
    public IReadOnlyList<double> Breakpoints => _breakpoints;

    /// <summary>True for the catalogue's activations, false for user-defined ones.</summary>
    public bool IsBuiltIn => _builtIn;

    /// <summary>φ(x) = x.</summary>
    public static Activation Linear { get; } = Make("linear", null, F.Identity, F.One);
    /// <summary>φ(x) = max(x, 0).</summary>
    public static Activation Relu { get; } = Make("relu", null, F.Relu, F.ReluDerivative, 0);
    /// <summary>φ(x) = tanh x.</summary>
    public static Activation Tanh { get; } = Make("tanh", null, Math.Tanh, F.Sech2);
    /// <summary>The logistic function φ(x) = 1/(1 + e^(−x)).</summary>
    public static Activation Sigmoid { get; } = Make("sigmoid", null, F.Sigmoid, F.SigmoidDerivative);
    /// <summary>LeCun's scaled tanh φ(x) = 1.7159·tanh(2x/3) (LeCun et al. 1998, "Efficient BackProp").</summary>
    public static Activation LeCunTanh { get; } = Make("lecun_tanh", null, F.LeCunTanh, F.LeCunTanhDerivative);
    /// <summary>GELU, exact form φ(x) = x·Φ(x) (Hendrycks &amp; Gimpel 2016; PyTorch default, Keras <c>approximate=False</c>).</summary>
    public static Activation Gelu { get; } = Make("gelu", null, F.Gelu, F.GeluDerivative);
    /// <summary>GELU, tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (PyTorch <c>approximate='tanh'</c>, JAX default).</summary>
    public static Activation GeluTanh { get; } = Make("gelu_tanh", null, F.GeluTanh, F.GeluTanhDerivative);
    /// <summary>SiLU / swish φ(x) = x·σ(x) (Elfwing et al. 2017; Ramachandran et al. 2017).</summary>
    public static Activation Silu { get; } = Make("silu", null, F.Silu, F.SiluDerivative);
    /// <summary>Mish φ(x) = x·tanh(ln(1 + eˣ)) (Misra 2019).</summary>
    public static Activation Mish { get; } = Make("mish", null, F.Mish, F.MishDerivative);
    /// <summary>SELU φ(x) = λ·(x if x &gt; 0 else α(eˣ − 1)), α ≈ 1.6733, λ ≈ 1.0507 (Klambauer et al. 2017).</summary>
    public static Activation Selu { get; } = Make("selu", null, F.Selu, F.SeluDerivative, 0);
    /// <summary>Softsign φ(x) = x/(1 + |x|).</summary>
    public static Activation Softsign { get; } = Make("softsign", null, F.Softsign, F.SoftsignDerivative, 0);
    /// <summary>Hardtanh φ(x) = clamp(x, −1, 1).</summary>
    public static Activation Hardtanh { get; } = Make("hardtanh", null, F.Hardtanh, F.HardtanhDerivative, -1, 1);

    /// <summary>Leaky ReLU φ(x) = x if x &gt; 0 else negativeSlope·x.</summary>
    /// <param name="negativeSlope">Slope for x &lt; 0; PyTorch's <c>calculate_gain</c> default is 0.01 (but <c>kaiming_*_</c> passes its own a = 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">The slope is not finite.</exception>
    public static Activation LeakyRelu(double negativeSlope = DefaultLeakySlope)
    {
        CheckFinite(negativeSlope, nameof(negativeSlope));
        return Make("leaky_relu", negativeSlope, x => F.Leaky(x, negativeSlope), x => F.LeakyDerivative(x, negativeSlope), 0);
    }

    /// <summary>PReLU at a given slope: the same function as <see cref="LeakyRelu"/>, with PReLU's default initial slope 0.25 (He et al. 2015).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The slope is not finite.</exception>
    public static Activation PRelu(double slope = DefaultPReluSlope)
    {
        CheckFinite(slope, nameof(slope));
        return Make("prelu", slope, x => F.Leaky(x, slope), x => F.LeakyDerivative(x, slope), 0);
    }

    /// <summary>ELU φ(x) = x if x &gt; 0 else α(eˣ − 1) (Clevert et al. 2015).</summary>
    /// <exception cref="ArgumentOutOfRangeException">α is not finite.</exception>
    public static Activation Elu(double alpha = 1.0)
    {
        CheckFinite(alpha, nameof(alpha));
        return Make("elu", alpha, x => F.Elu(x, alpha), x => F.EluDerivative(x, alpha), 0);
    }

    /// <summary>Softplus φ(x) = ln(1 + e^(βx))/β (PyTorch <c>nn.Softplus</c> without its linear cut-over at βx &gt; 20).</summary>
    /// <exception cref="ArgumentOutOfRangeException">β is not positive and finite.</exception>
    public static Activation Softplus(double beta = 1.0)
    {
        if (!double.IsFinite(beta) || beta <= 0)
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"softplus β must be positive and finite; got {beta}.");
        return Make("softplus", beta, x => F.SoftplusBeta(x, beta), x => F.SoftplusBetaDerivative(x, beta));
    }

    /// <summary>PyTorch's <c>calculate_gain('leaky_relu')</c> slope when no parameter is given.</summary>
    public const double DefaultLeakySlope = 0.01;

    /// <summary>Initial slope of PyTorch's <c>nn.PReLU</c> and Caffe's PReLU filler.</summary>
    public const double DefaultPReluSlope = 0.25;

    /// <summary>The canonical names of the built-in activations.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
        "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "selu", "elu", "gelu", "gelu_tanh", "silu", "mish",
        "softplus", "softsign", "hardtanh", "lecun_tanh",
    ];

    /// <summary>Reads <c>"name"</c> or <c>"name:parameter"</c> (invariant culture), e.g. <c>"relu"</c>, <c>"LeakyReLU"</c>, <c>"leaky_relu:0.2"</c>, <c>"swish"</c>.</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the valid ones), a parameter given to an activation without one, or a malformed / invalid parameter.</exception>
    public static Activation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':');
        string namePart = colon < 0 ? text : text[..colon];
        if (!Catalogue.TryGetValue(Normalize(namePart), out var entry))
            throw new ArgumentException($"Unknown activation '{namePart.Trim()}'; valid: {string.Join(", ", Names)}; aliases: {AliasText}; case, '_', '-' and spaces are ignored." + Naming.Vocabulary.DidYouMean(namePart, Names.Concat(AliasNames)), nameof(text));
        if (colon < 0)
            return entry.Create(null);
        if (!entry.HasParameter)
            throw new ArgumentException($"Activation '{entry.Name}' takes no parameter; got '{text}'. Activations with a parameter: leaky_relu, prelu, elu, softplus.", nameof(text));
        string parameterText = text[(colon + 1)..].Trim();
        if (!double.TryParse(parameterText, NumberStyles.Float, CultureInfo.InvariantCulture, out double parameter))
            throw new ArgumentException($"The parameter of '{entry.Name}' must be a number (invariant culture, e.g. 0.2); got '{parameterText}'.", nameof(text));
        try
        {
            return entry.Create(parameter);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"Invalid parameter in '{text}': {e.Message}", nameof(text), e);
        }
    }

    /// <summary>Like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Activation? activation)
    {
        activation = null;
        if (text is null)
            return false;
        try
        {
            activation = Parse(text);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The canonical text, <c>name</c> or <c>name:parameter</c> (round-trip number format); <see cref="Parse"/> reads it back to an equal activation.</summary>
    public override string ToString() =>
        Parameter is { } p ? $"{Name}:{p.ToString("R", CultureInfo.InvariantCulture)}" : Name;

    /// <summary>Built-ins are equal when name and parameter are; a user-defined activation equals only one with the same name, delegates and breakpoints.</summary>
    public bool Equals(Activation? other)
    {
        if (other is null)
            return false;
        if (ReferenceEquals(this, other))
            return true;
        if (_builtIn != other._builtIn || Name != other.Name || !Nullable.Equals(Parameter, other.Parameter))
            return false;
        return _builtIn || (Function == other.Function && Derivative == other.Derivative && _breakpoints.AsSpan().SequenceEqual(other._breakpoints));
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Activation);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Parameter, _builtIn);

    /// <summary>Value equality (see <see cref="Equals(Activation?)"/>).</summary>
    public static bool operator ==(Activation? left, Activation? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Activation? left, Activation? right) => !(left == right);

    private static Activation Make(string name, double? parameter, Func<double, double> f, Func<double, double> d, params double[] breakpoints) =>
        new(name, parameter, f, d, breakpoints);

    private static void CheckFinite(double value, string name)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite; got {value}.");
    }

    /// <summary>The library's one name key (<see cref="Naming.Vocabulary.Key"/>), so "LeakyReLU", "leaky_relu" and "leaky-relu" meet.</summary>
    private static string Normalize(string name) => Naming.Vocabulary.Key(name);

    private sealed record Entry(string Name, bool HasParameter, Func<double?, Activation> Create);

    private static Entry Fixed(string name, Activation activation) => new(name, false, _ => activation);

    private static Entry Identity(string name) =>
        Fixed(name, new Activation(name, null, F.Identity, F.One, []));

    private static readonly string[] AliasNames = ["identity", "logistic", "swish", "lrelu", "gelu_approximate"];

    private const string AliasText = "identity = linear, logistic = sigmoid, swish = silu, lrelu = leaky_relu, gelu_approximate = gelu_tanh";

    // Built after the static properties above (textual order), which it refers to.
    private static readonly FrozenDictionary<string, Entry> Catalogue = BuildCatalogue();

    private static FrozenDictionary<string, Entry> BuildCatalogue()
    {
        var leaky = new Entry("leaky_relu", true, p => LeakyRelu(p ?? DefaultLeakySlope));
        var entries = new Dictionary<string, Entry>
        {
            ["linear"] = Fixed("linear", Linear),
            ["identity"] = Fixed("linear", Linear),
            ["conv1d"] = Identity("conv1d"),
            ["conv2d"] = Identity("conv2d"),
            ["conv3d"] = Identity("conv3d"),
            ["convtranspose1d"] = Identity("conv_transpose1d"),
            ["convtranspose2d"] = Identity("conv_transpose2d"),
            ["convtranspose3d"] = Identity("conv_transpose3d"),
            ["sigmoid"] = Fixed("sigmoid", Sigmoid),
            ["logistic"] = Fixed("sigmoid", Sigmoid),
            ["tanh"] = Fixed("tanh", Tanh),
            ["relu"] = Fixed("relu", Relu),
            ["leakyrelu"] = leaky,
            ["lrelu"] = leaky,
            ["prelu"] = new("prelu", true, p => PRelu(p ?? DefaultPReluSlope)),
            ["selu"] = Fixed("selu", Selu),
            ["elu"] = new("elu", true, p => Elu(p ?? 1.0)),
            ["gelu"] = Fixed("gelu", Gelu),
            ["gelutanh"] = Fixed("gelu_tanh", GeluTanh),
            ["geluapproximate"] = Fixed("gelu_tanh", GeluTanh),
            ["silu"] = Fixed("silu", Silu),
            ["swish"] = Fixed("silu", Silu),
            ["mish"] = Fixed("mish", Mish),
            ["softplus"] = new("softplus", true, p => Softplus(p ?? 1.0)),
            ["softsign"] = Fixed("softsign", Softsign),
            ["hardtanh"] = Fixed("hardtanh", Hardtanh),
            ["lecuntanh"] = Fixed("lecun_tanh", LeCunTanh),
        };
        return entries.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
