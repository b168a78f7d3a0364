using System.Text;

namespace WeightInit.Reporting;

/// <summary>Escapes user text for the three output languages of a report: XML/SVG, HTML and GitHub Markdown.</summary>
public static class TextEscaping
{
    /// <summary>
    /// Escapes text for XML character data and attribute values (SVG, and HTML which accepts the same entities).
    /// </summary>
    /// <remarks>
    /// The five markup characters become entities (<c>&amp;amp; &amp;lt; &amp;gt; &amp;quot; &amp;#39;</c>); characters that
    /// XML 1.0 forbids (C0 controls other than tab, line feed and carriage return; lone surrogates; U+FFFE, U+FFFF)
    /// become U+FFFD, because a single such character makes the whole SVG unparseable.
    /// </remarks>
    /// <param name="text">The text; <see langword="null"/> gives the empty string.</param>
    /// <returns>The escaped text.</returns>
    public static string Xml(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#39;"); break;
                case '\t' or '\n' or '\r': builder.Append(c); break;
                default:
                    if (c < ' ' || c == '\uFFFE' || c == '\uFFFF')
                    {
                        builder.Append('\uFFFD');
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        builder.Append(c).Append(text[i + 1]);
                        i++;
                    }
                    else if (char.IsSurrogate(c))
                    {
                        builder.Append('\uFFFD');
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Escapes text for a Markdown paragraph or table cell so that it renders literally.</summary>
    /// <remarks>
    /// Backslash-escapes the characters that start emphasis, code, links, HTML, headings, lists and table cells
    /// (<c>\ ` * _ [ ] &lt; &gt; | #</c>), writes <c>&amp;</c> as <c>&amp;amp;</c> so entity names stay literal,
    /// and turns line breaks into spaces (a table cell cannot span lines). Control characters become U+FFFD.
    /// </remarks>
    /// <param name="text">The text; <see langword="null"/> gives the empty string.</param>
    /// <returns>The escaped text.</returns>
    public static string Markdown(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '#':
                    builder.Append('\\').Append(c);
                    break;
                case '&': builder.Append("&amp;"); break;
                case '\r': break;
                case '\n' or '\t': builder.Append(' '); break;
                default:
                    builder.Append(c < ' ' ? '\uFFFD' : c);
                    break;
            }
        }

        return builder.ToString();
    }
}
