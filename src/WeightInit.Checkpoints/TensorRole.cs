using System.Text.RegularExpressions;

namespace WeightInit.Checkpoints;

/// <summary>What a checkpoint tensor is, which picks its default initializer.</summary>
public enum TensorRole
{
    /// <summary>The weight of a dense layer (two dimensions).</summary>
    Linear,
    /// <summary>The kernel of a convolution (three or more dimensions).</summary>
    Conv,
    /// <summary>The bias of a dense or convolution layer.</summary>
    Bias,
    /// <summary>The scale of a normalization layer (LayerNorm, RMSNorm, BatchNorm): one dimension.</summary>
    NormWeight,
    /// <summary>The shift of a normalization layer.</summary>
    NormBias,
    /// <summary>An embedding table [entries, features].</summary>
    Embedding,
    /// <summary>Anything else (scalars, buffers).</summary>
    Other,
}

/// <summary>Spelling and inference of <see cref="TensorRole"/>.</summary>
public static partial class TensorRoles
{
    /// <summary>The JSON spelling of each role, as used in a checkpoint spec's "defaults" and "role" fields.</summary>
    public static IReadOnlyList<(string Name, TensorRole Role)> Names { get; } =
    [
        ("linear", TensorRole.Linear), ("conv", TensorRole.Conv), ("bias", TensorRole.Bias), ("norm_weight", TensorRole.NormWeight),
        ("norm_bias", TensorRole.NormBias), ("embedding", TensorRole.Embedding), ("other", TensorRole.Other),
    ];

    /// <summary>The JSON spelling of <paramref name="role"/>.</summary>
    public static string Name(this TensorRole role) =>
        Names.First(n => n.Role == role).Name;

    /// <summary>The role spelled <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentException">No role is spelled so; the message lists the spellings.</exception>
    public static TensorRole Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (name, role) in Names)
            if (string.Equals(name, text.Trim(), StringComparison.OrdinalIgnoreCase))
                return role;
        throw new ArgumentException($"Unknown tensor role '{text}'; valid: {string.Join(", ", Names.Select(n => n.Name))}.");
    }

    /// <summary>The role of a tensor judged from its name and rank, as PyTorch and Hugging Face checkpoints name them.</summary>
    /// <remarks>
    /// In order: a name ending in "bias" is <see cref="TensorRole.NormBias"/> when a path segment names a normalization
    /// ("norm", "ln", "ln_1", "layernorm", "bn"), else <see cref="TensorRole.Bias"/>; a two-dimensional tensor whose name
    /// mentions an embedding ("embed", "wte", "wpe") is <see cref="TensorRole.Embedding"/>; any other one-dimensional tensor
    /// ending in "weight", "scale" or "gamma" is <see cref="TensorRole.NormWeight"/> (only normalizations have 1-D weights);
    /// rank 2 is <see cref="TensorRole.Linear"/>, rank 3 or more <see cref="TensorRole.Conv"/>, and the rest <see cref="TensorRole.Other"/>.
    /// </remarks>
    public static TensorRole Infer(string name, int rank)
    {
        ArgumentNullException.ThrowIfNull(name);
        string lower = name.ToLowerInvariant();
        if (lower.EndsWith("bias", StringComparison.Ordinal))
            return NormSegment().IsMatch(lower) ? TensorRole.NormBias : TensorRole.Bias;
        if (rank == 2 && (lower.Contains("embed", StringComparison.Ordinal) || EmbeddingSegment().IsMatch(lower)))
            return TensorRole.Embedding;
        if (rank == 1 && (lower.EndsWith("weight", StringComparison.Ordinal) || lower.EndsWith("scale", StringComparison.Ordinal) || lower.EndsWith("gamma", StringComparison.Ordinal)))
            return TensorRole.NormWeight;
        return rank switch
        {
            2 => TensorRole.Linear,
            >= 3 => TensorRole.Conv,
            _ => TensorRole.Other,
        };
    }

    [GeneratedRegex(@"(^|[._])(\w*norm\w*|ln(_\w+)?|bn\d*)[._]")]
    private static partial Regex NormSegment();

    [GeneratedRegex(@"(^|[._])(wte|wpe)[._]")]
    private static partial Regex EmbeddingSegment();
}
