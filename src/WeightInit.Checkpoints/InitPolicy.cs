using System.Globalization;
using System.Text.RegularExpressions;
using WeightInit.Models;

namespace WeightInit.Checkpoints;

/// <summary>A rule mapping tensor names to an initializer spec: a glob (<see cref="InitRule"/>'s syntax) or a regular expression over the whole name.</summary>
/// <param name="Pattern">A glob ("*" any run of characters, "?" one), or null when <paramref name="Regex"/> is given.</param>
/// <param name="Regex">A .NET regular expression that must match the whole name, or null when <paramref name="Pattern"/> is given.</param>
/// <param name="Initializer">The initializer spec for matching tensors.</param>
public sealed record TensorRule(string? Pattern, string? Regex, string Initializer)
{
    private readonly Regex? _regex = CompileRegex(Pattern, Regex, Initializer);

    /// <summary>A glob rule.</summary>
    public static TensorRule Glob(string pattern, string initializer) => new(pattern, null, initializer);

    /// <summary>Whether <paramref name="name"/> matches.</summary>
    public bool Matches(string name) =>
        _regex is not null ? _regex.IsMatch(name) : new InitRule(Pattern!, Initializer).Matches(name);

    /// <summary>The pattern as written, for messages: the glob, or "regex:" and the expression.</summary>
    public override string ToString() => (Pattern ?? "regex:" + Regex) + " = " + Initializer;

    private static Regex? CompileRegex(string? pattern, string? regex, string initializer)
    {
        if (string.IsNullOrWhiteSpace(initializer))
            throw new ArgumentException($"Rule '{pattern ?? regex}' needs an initializer spec such as \"normal(std=0.02)\".");
        if ((pattern is null) == (regex is null))
            throw new ArgumentException("A rule needs exactly one of \"pattern\" (a glob such as \"*.bias\") or \"regex\" (a regular expression over the whole name).");
        if (regex is null)
        {
            if (string.IsNullOrWhiteSpace(pattern)) throw new ArgumentException("A rule's glob pattern is empty; give one such as \"*.bias\".");
            return null;
        }
        try
        {
            return new Regex($"^(?:{regex})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Rule regex '{regex}' is not a valid regular expression: {e.Message}", e);
        }
    }
}

/// <summary>How a checkpoint's tensors get their initializers: a default per <see cref="TensorRole"/>, then rules (the last match wins), then an explicit spec on the tensor.</summary>
/// <remarks>
/// <para>The registry's <c>pytorch_bias</c> (<see cref="Initializers.PyTorchBias"/>: U(−b, b) with b = 1/√fan_in of the owning
/// weight, PyTorch's default bias for <c>nn.Linear</c> and <c>nn.Conv*d</c>) takes its fan from the weight beside the bias (the
/// name with its final "bias" replaced by "weight"): the plan resolves it into a plain <c>uniform(low=−b, high=b)</c>.</para>
/// </remarks>
public sealed record InitPolicy
{
    /// <summary>The registry's name of PyTorch's default bias, <see cref="Initializers.PyTorchBias"/> (see the remarks on the type).</summary>
    public const string PyTorchBias = "pytorch_bias";

    /// <summary>The library's defaults: Glorot uniform for dense weights (Keras's default), He normal for convolutions,
    /// N(0, 0.02²) for embeddings (GPT-2, BERT), zeros for biases, ones for normalization scales, zeros for their shifts and the rest.</summary>
    public static InitPolicy Default { get; } = new()
    {
        Defaults = new Dictionary<TensorRole, string>
        {
            [TensorRole.Linear] = "glorot_uniform",
            [TensorRole.Conv] = "he_normal",
            [TensorRole.Bias] = "zeros",
            [TensorRole.NormWeight] = "ones",
            [TensorRole.NormBias] = "zeros",
            [TensorRole.Embedding] = "normal(std=0.02)",
            [TensorRole.Other] = "zeros",
        },
    };

    /// <summary>The spec per role when no rule matches.</summary>
    public IReadOnlyDictionary<TensorRole, string> Defaults { get; init; } = new Dictionary<TensorRole, string>();

    /// <summary>Rules in order; the last one that matches wins.</summary>
    public IReadOnlyList<TensorRule> Rules { get; init; } = [];

    /// <summary>The spec for a tensor: the last matching rule, else the default for its role.</summary>
    public string SpecFor(string name, TensorRole role)
    {
        for (int i = Rules.Count - 1; i >= 0; i--)
            if (Rules[i].Matches(name)) return Rules[i].Initializer;
        if (Defaults.TryGetValue(role, out var spec)) return spec;
        if (Default.Defaults.TryGetValue(role, out spec)) return spec;
        throw new ArgumentException($"No initializer for tensor '{name}' (role {role.Name()}).");
    }

    /// <summary>This policy with <paramref name="other"/>'s defaults replacing these and its rules appended (so they win).</summary>
    public InitPolicy Then(InitPolicy other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var defaults = new Dictionary<TensorRole, string>(Defaults);
        foreach (var (role, spec) in other.Defaults) defaults[role] = spec;
        return new InitPolicy { Defaults = defaults, Rules = [.. Rules, .. other.Rules] };
    }

    /// <summary>Formats a number the way specs write it (round-trip).</summary>
    internal static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
