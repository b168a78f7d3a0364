namespace WeightInit.Models;

/// <summary>An override: tensors whose name matches <see cref="Pattern"/> get <see cref="Initializer"/>; of several matching rules the last wins.</summary>
/// <remarks>The pattern is a glob over the whole name: <c>*</c> any run of characters (dots included), <c>?</c> one character;
/// matching is ordinal and case-sensitive. Examples: "layer3.weight", "*.bias", "block?.0.weight".</remarks>
/// <param name="Pattern">The glob.</param>
/// <param name="Initializer">An initializer spec read by <see cref="Initializers.InitializerRegistry.Parse"/>, e.g. "orthogonal(gain=1)".</param>
public sealed record InitRule(string Pattern, string Initializer)
{
    /// <summary>The glob.</summary>
    public string Pattern { get; } = !string.IsNullOrWhiteSpace(Pattern) ? Pattern
        : throw new ArgumentException("An init rule needs a non-empty pattern such as \"*.bias\" or \"layer3.weight\".", nameof(Pattern));

    /// <summary>The initializer spec.</summary>
    public string Initializer { get; } = !string.IsNullOrWhiteSpace(Initializer) ? Initializer
        : throw new ArgumentException($"Init rule '{Pattern}' needs an initializer spec such as \"he_normal\".", nameof(Initializer));

    /// <summary>Whether <paramref name="tensorName"/> matches the whole pattern.</summary>
    public bool Matches(string tensorName)
    {
        ArgumentNullException.ThrowIfNull(tensorName);
        return Glob.IsMatch(Pattern, tensorName);
    }
}

/// <summary>Whole-string glob matching with '*' and '?'.</summary>
internal static class Glob
{
    public static bool IsMatch(string pattern, string text)
    {
        // Iterative matcher with one backtrack point for the last '*': linear in practice, no regex cache needed.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t])) { p++; t++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
