namespace WeightInit.Naming;

/// <summary>The one name normalizer of the library's vocabularies (initializer, activation, layout, dtype, fan mode and
/// convention names) and the one "did you mean" for a word that is none of them.</summary>
/// <remarks>
/// Names compare by <see cref="Key"/>: lower case (invariant) without '_', '-' and spaces, so <c>GlorotUniform</c>,
/// <c>glorot_uniform</c> and <c>glorot-uniform</c> are one name. '.' stays significant: <c>caffe.xavier</c> is not
/// <c>xavier</c>.
/// </remarks>
public static class Vocabulary
{
    /// <summary>Most edits (insertions, deletions, substitutions, adjacent swaps) between keys for a suggestion.</summary>
    private const int MaxSuggestionDistance = 2;

    /// <summary>The comparison key of a name: lower case (invariant culture) without '_', '-' and spaces.</summary>
    public static string Key(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Span<char> buffer = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        int n = 0;
        foreach (char c in name)
            if (c is not ('_' or '-' or ' '))
                buffer[n++] = char.ToLowerInvariant(c);
        return new string(buffer[..n]);
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> have the same <see cref="Key"/>.</summary>
    public static bool Same(string a, string b) => Key(a) == Key(b);

    /// <summary>The choice nearest to <paramref name="text"/> by edit distance between keys (at most
    /// <see cref="MaxSuggestionDistance"/> edits, or a choice the text is a prefix of), or null when none is near.</summary>
    public static string? Suggest(string text, IEnumerable<string> choices)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(choices);
        string key = Key(text);
        if (key.Length == 0) return null;
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var choice in choices)
        {
            string c = Key(choice);
            int d = Distance(key, c);
            if (d > MaxSuggestionDistance && !(key.Length >= 3 && c.StartsWith(key, StringComparison.Ordinal))) continue;
            if (d < bestDistance) { best = choice; bestDistance = d; }
        }
        return best;
    }

    /// <summary>" Did you mean 'x'?" for the choice <see cref="Suggest"/> finds, or "" when none is near.</summary>
    public static string DidYouMean(string text, IEnumerable<string> choices) =>
        Suggest(text, choices) is { } near ? $" Did you mean '{near}'?" : "";

    /// <summary>One sentence for an unknown word: "Unknown KIND 'text'; valid: a, b, c. Did you mean 'x'?" (the
    /// suggestion only where one is near; <paramref name="shownChoices"/> are listed, and <paramref name="otherNames"/>,
    /// when given, are searched for the suggestion too).</summary>
    public static string Unknown(string kind, string text, IEnumerable<string> shownChoices, IEnumerable<string>? otherNames = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shown = shownChoices.ToList();
        return $"Unknown {kind} '{text.Trim()}'; valid: {string.Join(", ", shown)}.{DidYouMean(text, otherNames is null ? shown : shown.Concat(otherNames))}";
    }

    /// <summary>Optimal string alignment distance (Levenshtein with adjacent transpositions).</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = Math.Min(v, d[i - 2, j - 2] + 1);
                d[i, j] = v;
            }
        return d[a.Length, b.Length];
    }
}
