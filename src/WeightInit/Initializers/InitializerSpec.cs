using System.Globalization;
using System.Text;

namespace WeightInit.Initializers;

/// <summary>A parsed initializer specification: a name and named arguments, e.g. <c>kaiming_normal(a=0.25, mode=fan_out)</c>.</summary>
/// <param name="Name">The name as written.</param>
/// <param name="Arguments">The arguments in the order written (keys as written).</param>
public sealed record InitializerSpec(string Name, IReadOnlyList<KeyValuePair<string, string>> Arguments)
{
    /// <summary>Parses <c>name</c> or <c>name(key=value, …)</c>; values may be numbers, words, or quoted strings.</summary>
    /// <exception cref="FormatException">The text is not of that form; the message shows where.</exception>
    public static InitializerSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        int open = s.IndexOf('(');
        if (open < 0)
        {
            CheckName(s, text);
            return new InitializerSpec(s, []);
        }
        if (!s.EndsWith(')')) throw new FormatException($"Initializer spec '{text}': missing ')' at the end. Expected name(key=value, …).");
        var name = s[..open].Trim();
        CheckName(name, text);
        var body = s[(open + 1)..^1];
        var args = new List<KeyValuePair<string, string>>();
        foreach (var part in SplitTopLevel(body, text))
        {
            if (part.Length == 0) continue;
            int eq = part.IndexOf('=');
            if (eq <= 0) throw new FormatException($"Initializer spec '{text}': argument '{part}' is not key=value.");
            var key = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim().Trim('"', '\'');
            if (value.Length == 0) throw new FormatException($"Initializer spec '{text}': argument '{key}' has no value.");
            args.Add(new(key, value));
        }
        return new InitializerSpec(name, args);
    }

    private static void CheckName(string name, string text)
    {
        if (name.Length == 0 || !name.All(c => char.IsLetterOrDigit(c) || c is '_' or '.' or '-'))
            throw new FormatException($"Initializer spec '{text}': '{name}' is not a name (letters, digits, '_', '.', '-').");
    }

    private static IEnumerable<string> SplitTopLevel(string body, string text)
    {
        var sb = new StringBuilder();
        char quote = '\0';
        foreach (char c in body)
        {
            if (quote != '\0') { if (c == quote) quote = '\0'; sb.Append(c); continue; }
            if (c is '"' or '\'') { quote = c; sb.Append(c); continue; }
            if (c == ',') { yield return sb.ToString().Trim(); sb.Clear(); continue; }
            sb.Append(c);
        }
        if (quote != '\0') throw new FormatException($"Initializer spec '{text}': unterminated quote.");
        yield return sb.ToString().Trim();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        Arguments.Count == 0 ? Name : $"{Name}({string.Join(", ", Arguments.Select(a => $"{a.Key}={a.Value}"))})";

    /// <summary>Formats a number the way specs write it.</summary>
    internal static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
