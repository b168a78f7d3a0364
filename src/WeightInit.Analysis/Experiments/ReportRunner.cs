using System.Text;
using WeightInit.Reporting;
using WeightInit.Reporting.Png;

namespace WeightInit.Analysis.Experiments;

/// <summary>The experiments of the report, by name, and the writer of its three files.</summary>
public static class ReportRunner
{
    /// <summary>Every experiment of the report, in report order.</summary>
    public static IReadOnlyList<IExperiment> Experiments { get; } = ExperimentCatalog.All;

    /// <summary>The experiments named in <paramref name="names"/> (all when null or empty).</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the valid ones.</exception>
    public static IReadOnlyList<IExperiment> Select(IReadOnlyCollection<string>? names)
    {
        if (names is null || names.Count == 0) return Experiments;
        var result = new List<IExperiment>();
        foreach (var n in names)
            result.Add(Experiments.FirstOrDefault(e => string.Equals(e.Name, n, StringComparison.OrdinalIgnoreCase))
                       ?? throw new ArgumentException($"Unknown experiment '{n}'. Valid experiments: {string.Join(", ", Experiments.Select(e => e.Name))}." + WeightInit.Naming.Vocabulary.DidYouMean(n, Experiments.Select(e => e.Name))));
        return result;
    }

    /// <summary>Writes index.html, report.md and results.json into <paramref name="directory"/>, and every figure as
    /// figures/figure-NN.svg and .png (see <see cref="FigureFiles"/>): one section per result, in list order, whatever
    /// experiment produced it (see <see cref="ReportBuilder"/>).</summary>
    /// <remarks>The files are written into a staging folder inside the directory and moved into place only when all are
    /// complete, so a final name never holds a partial file; the staging folder is removed whatever happens.</remarks>
    /// <returns>The paths of the three files.</returns>
    public static IReadOnlyList<string> Write(IReadOnlyList<ExperimentResult> results, ExperimentSettings settings, string version, string directory)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        string staging = Path.Combine(directory, $".weightinit-report-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(staging);
            var doc = ReportBuilder.Build(results, settings, version);
            var files = new List<string>
            {
                HtmlReport.Write(doc, staging),
                MarkdownReport.Write(doc, staging),
            };
            string json = Path.Combine(staging, "results.json");
            File.WriteAllText(json, ReportBuilder.ResultsJson(results, settings, version), new UTF8Encoding(false));
            files.Add(json);
            // Every figure also as files of its own (SVG and PNG) in figures/, for slides and papers.
            string figures = Path.Combine(staging, FigureFiles.FolderName);
            FigureFiles.Write(results.SelectMany(r => r.Figures).Select(f => f.Chart), figures);
            var final = new List<string>();
            foreach (var f in files)
            {
                string target = Path.Combine(directory, Path.GetFileName(f));
                File.Move(f, target, overwrite: true);
                final.Add(target);
            }
            string figuresTarget = Path.Combine(directory, FigureFiles.FolderName);
            if (Directory.Exists(figuresTarget)) Directory.Delete(figuresTarget, recursive: true);
            Directory.Move(figures, figuresTarget);
            return final;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }
}

/// <summary>The catalogue of experiments; a new experiment is one line here.</summary>
internal static class ExperimentCatalog
{
    public static IReadOnlyList<IExperiment> All { get; } =
    [
        new SymmetryExperiment(),
        new DeepMatmulExperiment(),
        new GlorotExperiment(),
        new HeDepthExperiment(),
        new CaffeFansExperiment(),
        new MeanFieldExperiment(),
        new ResidualExperiment(),
    ];
}
