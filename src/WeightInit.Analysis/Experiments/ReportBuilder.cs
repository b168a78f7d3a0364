using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using WeightInit.Reporting;

namespace WeightInit.Analysis.Experiments;

/// <summary>Turns experiment results into the report document and results.json.</summary>
public static class ReportBuilder
{
    /// <summary>The report document: a summary table, then one section per result in list order (prose, comparison table, tables,
    /// figures), whatever experiment produced it.</summary>
    /// <remarks>Results without theory (training) are listed in the summary table with their headline.</remarks>
    public static ReportDocument Build(IReadOnlyList<ExperimentResult> results, ExperimentSettings settings, string version)
    {
        ArgumentNullException.ThrowIfNull(results);
        var summary = new ReportTable("experiment", "finding", "worst relative error (theory vs measured)", "its expected sampling error, z",
            $"beyond sampling error (†: |z| past the two-sided {FormatPercent(Comparison.SignificanceLevel)} point)");
        foreach (var r in results)
        {
            var worst = WorstComparison(r);
            var judged = r.Comparisons.Where(c => double.IsFinite(c.Z)).ToList();
            var beyond = judged.Where(c => c.BeyondSamplingError).ToList();
            summary.AddRow(r.Title, r.Headline, worst is null ? "—" : FormatPercent(worst.RelativeError), worst is null ? "—" : ExpectedError(worst),
                judged.Count == 0 ? "— (no error estimate)" : $"{beyond.Count} of {judged.Count}" + (beyond.Count == 0 ? "" : ": " + string.Join("; ", beyond.Select(c => c.Quantity))));
        }
        var doc = new ReportDocument("WeightInit: signal propagation at initialization")
        {
            Subtitle = $"seed {settings.Seed}, {(settings.Quick ? "quick" : "full")} run, WeightInit {version}",
            Summary = summary,
        };
        foreach (var r in results) AddBlocks(doc.AddSection(r.Title), r);
        return doc;
    }

    /// <summary>One result as a Markdown page of its own (a training experiment's summary.md): its title as the heading, then
    /// the blocks of its report section, rendered by <see cref="MarkdownReport"/>; a figure names the file
    /// <see cref="ExperimentResult.FigureFile"/> gives it.</summary>
    public static string Page(ExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var section = new ReportSection(result.Title);
        AddBlocks(section, result);
        var files = result.Figures.Select(f => result.FigureFile(f.Chart)).ToList();
        return MarkdownReport.RenderPage(section, i => files[i] ?? HtmlReport.FileName);
    }

    private static void AddBlocks(ReportSection section, ExperimentResult r)
    {
        foreach (var p in r.Paragraphs) section.AddParagraph(p);
        if (r.Comparisons.Count > 0)
        {
            var table = new ReportTable("quantity", "theory", "measured", "relative error", "expected sampling error, z", "note");
            foreach (var c in r.Comparisons)
                table.AddRow(c.Quantity, Format(c.Theory), Format(c.Measured), double.IsNaN(c.RelativeError) ? "—" : FormatPercent(c.RelativeError),
                    double.IsNaN(c.RelativeError) ? "—" : ExpectedError(c), c.Note);
            section.AddTable(table, "Theory beside measurement. " + ErrorLegend);
        }
        foreach (var (t, caption) in r.Tables) section.AddTable(t, caption);
        foreach (var (chart, caption) in r.Figures) section.AddFigure(chart, caption);
    }

    /// <summary>results.json: settings, then per result its comparisons and data: <see cref="ExperimentKind.Propagation"/> results
    /// in "experiments", and, when there are any, <see cref="ExperimentKind.Training"/> results in a "training" array after it
    /// (same fields). Byte-identical for the same settings.</summary>
    public static string ResultsJson(IReadOnlyList<ExperimentResult> results, ExperimentSettings settings, string version)
    {
        ArgumentNullException.ThrowIfNull(results);
        var training = results.Where(r => r.Kind == ExperimentKind.Training).ToList();
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, options))
        {
            w.WriteStartObject();
            w.WriteString("generator", $"WeightInit {version}");
            w.WriteNumber("seed", settings.Seed);
            w.WriteBoolean("quick", settings.Quick);
            w.WriteStartArray("experiments");
            foreach (var r in results.Where(r => r.Kind == ExperimentKind.Propagation)) WriteResult(w, r);
            w.WriteEndArray();
            if (training.Count > 0)
            {
                w.WriteStartArray("training");
                foreach (var r in training) WriteResult(w, r);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteResult(Utf8JsonWriter w, ExperimentResult r)
    {
        w.WriteStartObject();
        w.WriteString("name", r.Name);
        w.WriteString("title", r.Title);
        w.WriteString("headline", r.Headline);
        w.WriteStartArray("comparisons");
        foreach (var c in r.Comparisons)
        {
            w.WriteStartObject();
            w.WriteString("quantity", c.Quantity);
            WriteNumber(w, "theory", c.Theory);
            WriteNumber(w, "measured", c.Measured);
            WriteNumber(w, "relative_error", c.RelativeError);
            if (c.Note.Length > 0) w.WriteString("note", c.Note);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("data");
        foreach (var (key, value) in r.Data)
        {
            w.WritePropertyName(key);
            WriteValue(w, value);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // JSON has no NaN or infinity: those become null (an overflow is also described in the comparison's note).
    private static void WriteNumber(Utf8JsonWriter w, string name, double x)
    {
        if (double.IsFinite(x)) w.WriteNumber(name, x); else w.WriteNull(name);
    }

    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case double d: if (double.IsFinite(d)) w.WriteNumberValue(d); else w.WriteNullValue(); break;
            case float f: if (float.IsFinite(f)) w.WriteNumberValue((double)f); else w.WriteNullValue(); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case bool b: w.WriteBooleanValue(b); break;
            case string s: w.WriteStringValue(s); break;
            case System.Collections.IDictionary dict:
                w.WriteStartObject();
                foreach (System.Collections.DictionaryEntry e in dict)
                {
                    w.WritePropertyName(Convert.ToString(e.Key, CultureInfo.InvariantCulture)!);
                    WriteValue(w, e.Value);
                }
                w.WriteEndObject();
                break;
            case System.Collections.IEnumerable items:
                w.WriteStartArray();
                foreach (var item in items) WriteValue(w, item);
                w.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"results.json cannot hold a {value.GetType().Name}; use numbers, strings, arrays or dictionaries.");
        }
    }

    /// <summary>A number for a table: 4 significant digits, "overflow" for ±∞, "NaN" for NaN.</summary>
    public static string Format(double x) =>
        double.IsNaN(x) ? "NaN" : double.IsInfinity(x) ? (x > 0 ? "+∞ (overflow)" : "−∞ (overflow)") : x.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>What the "expected sampling error, z" columns mean.</summary>
    public static string ErrorLegend => "Expected sampling error: the standard error of the measurement relative to the theory — the runs' spread " +
        "over √runs (z judged against Student's t with runs − 1 degrees of freedom), or a sampling formula where the note gives one " +
        "(z judged against the normal law); z = (measured − theory) / standard error; † marks a |z| beyond the two-sided " +
        $"{FormatPercent(Comparison.SignificanceLevel)} point, " +
        "which the sample size does not explain. \"not estimated\": a single network, whose spread is unknown.";

    /// <summary>The comparison with the largest finite relative error, or null when the result has none (the summary's row).</summary>
    public static Comparison? WorstComparison(ExperimentResult result) =>
        result.Comparisons.Where(c => double.IsFinite(c.RelativeError)).MaxBy(c => c.RelativeError);

    /// <summary>"±SE %, z = …" with a † when |z| is beyond what the sample size explains, or "not estimated".</summary>
    public static string ExpectedError(Comparison c) =>
        double.IsFinite(c.Z)
            ? $"±{(c.RelativeStandardError < 1 ? FormatPercent(c.RelativeStandardError) : (100 * c.RelativeStandardError).ToString("F0", CultureInfo.InvariantCulture) + " %")}, " +
              $"z = {c.Z.ToString("F1", CultureInfo.InvariantCulture).Replace('-', '−')}{(c.BeyondSamplingError ? " †" : "")}"
            : "not estimated";

    /// <summary>A relative error as a percentage with 2 significant digits.</summary>
    public static string FormatPercent(double x) => (100 * x).ToString("G2", CultureInfo.InvariantCulture) + " %";
}
