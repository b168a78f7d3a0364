using WeightInit.Analysis.Measurement;
using WeightInit.Numerics;
using WeightInit.Reporting;

namespace WeightInit.Analysis.Experiments;

/// <summary>How an experiment runs: its seed, its size, its threads. The same settings give byte-identical results.</summary>
/// <param name="Seed">The root seed of every key the experiment draws from.</param>
/// <param name="Quick">Smaller sizes and fewer repetitions (for CI and a first look); the same experiments.</param>
/// <param name="Threads">The most threads to use (0: all processors). Results do not depend on it.</param>
public sealed record ExperimentSettings(ulong Seed = 0, bool Quick = false, int Threads = 0);

/// <summary>A named experiment of the report: it computes theory and measurement side by side and describes them.</summary>
public interface IExperiment
{
    /// <summary>The short name (kebab-case) used on the command line and in results.json.</summary>
    string Name { get; }

    /// <summary>The section heading.</summary>
    string Title { get; }

    /// <summary>Runs the experiment.</summary>
    /// <param name="settings">Seed, size and threads.</param>
    /// <param name="progress">Receives the completed fraction in [0, 1], or null.</param>
    ExperimentResult Run(ExperimentSettings settings, IProgress<double>? progress = null);
}

/// <summary>One quantity predicted by theory and measured, with the relative error |measured − theory| / |theory|.</summary>
/// <param name="Quantity">What is compared.</param>
/// <param name="Theory">The predicted value.</param>
/// <param name="Measured">The measured value (NaN or ±∞ when the measurement overflowed; see <paramref name="Note"/>).</param>
/// <param name="Note">Context: sample size, what the discrepancy means, an overflow.</param>
public sealed record Comparison(string Quantity, double Theory, double Measured, string Note = "")
{
    /// <summary>Two-sided significance level of <see cref="BeyondSamplingError"/>: 0.1 %.</summary>
    public const double SignificanceLevel = 0.001;

    /// <summary>|measured − theory| / |theory|; NaN when either is not finite or theory is 0.</summary>
    public double RelativeError => double.IsFinite(Theory) && double.IsFinite(Measured) && Theory != 0
        ? Math.Abs(Measured - Theory) / Math.Abs(Theory) : double.NaN;

    /// <summary>The standard error of <see cref="Measured"/> as an estimate of the theory's value (NaN: not estimated).
    /// Not written to results.json; the report shows it beside the relative error.</summary>
    public double StandardError { get; init; } = double.NaN;

    /// <summary>0 when <see cref="StandardError"/> comes from a sampling formula (the z is judged against the normal law);
    /// otherwise the runs' count minus one, the error being their spread over √runs (Student's t with this many degrees of freedom).</summary>
    public int DegreesOfFreedom { get; init; }

    /// <summary><see cref="StandardError"/> over |theory| (NaN when either is missing).</summary>
    public double RelativeStandardError => double.IsFinite(StandardError) && double.IsFinite(Theory) && Theory != 0 ? StandardError / Math.Abs(Theory) : double.NaN;

    /// <summary>(measured − theory) / standard error; NaN when it is not estimated or a value is not finite.</summary>
    public double Z => double.IsFinite(StandardError) && StandardError > 0 && double.IsFinite(Theory) && double.IsFinite(Measured)
        ? (Measured - Theory) / StandardError : double.NaN;

    /// <summary>The |z| that sampling explains at <see cref="SignificanceLevel"/>: the normal or Student t two-sided point.</summary>
    public double CriticalZ => DegreesOfFreedom == 0
        ? SpecialFunctions.NormalUpperQuantile(SignificanceLevel / 2)
        : StudentT.TwoSidedQuantile(SignificanceLevel, DegreesOfFreedom);

    /// <summary>True when |z| is beyond what the sample size explains (<see cref="CriticalZ"/>); false when not estimated.</summary>
    public bool BeyondSamplingError => double.IsFinite(Z) && Math.Abs(Z) > CriticalZ;

    /// <summary>This comparison with the standard error of a mean of <paramref name="runs"/> runs whose sample standard
    /// deviation is <paramref name="spread"/>; unchanged for a single run.</summary>
    public Comparison WithRuns(double spread, int runs) =>
        runs > 1 ? this with { StandardError = spread / Math.Sqrt(runs), DegreesOfFreedom = runs - 1 } : this;
}

/// <summary>Which array of results.json holds a result; the report renders both kinds alike.</summary>
public enum ExperimentKind
{
    /// <summary>A signal-propagation experiment of the report (<see cref="IExperiment"/>): "experiments".</summary>
    Propagation,

    /// <summary>A convergence experiment of <c>weightinit train</c> (WeightInit.Training): "training", after "experiments".</summary>
    Training,
}

/// <summary>What an experiment produced: prose, comparisons, tables, figures and the raw numbers for results.json.</summary>
/// <remarks>The one result type of every experiment, the report's and the training ones: <see cref="ReportBuilder"/> renders any
/// list of them as the report (HTML, Markdown, results.json), and one of them as a page of its own (a training summary.md).</remarks>
public sealed class ExperimentResult
{
    /// <summary>Creates an empty result.</summary>
    public ExperimentResult(string name, string title)
    {
        Name = name;
        Title = title;
    }

    /// <summary>The experiment's short name, unique among all experiments (training results are named "training-" + the
    /// <c>train --exp</c> name).</summary>
    public string Name { get; }

    /// <summary>Which array of results.json holds it.</summary>
    public ExperimentKind Kind { get; init; } = ExperimentKind.Propagation;

    /// <summary>The section heading.</summary>
    public string Title { get; }

    /// <summary>Paragraphs explaining the setup and what the numbers show.</summary>
    public List<string> Paragraphs { get; } = [];

    /// <summary>Theory beside measurement.</summary>
    public List<Comparison> Comparisons { get; } = [];

    /// <summary>Further tables with captions.</summary>
    public List<(ReportTable Table, string Caption)> Tables { get; } = [];

    /// <summary>Figures with captions.</summary>
    public List<(SvgChart Chart, string Caption)> Figures { get; } = [];

    private readonly Dictionary<SvgChart, string> _figureFiles = new(ReferenceEqualityComparer.Instance);

    /// <summary>Adds a figure that, besides its place in the report, is written as a file of its own (e.g. "error.svg" of a
    /// <c>train --out</c> experiment directory).</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="caption">Its caption.</param>
    /// <param name="fileName">The file name (no directory), unique within the result.</param>
    /// <returns>This result.</returns>
    public ExperimentResult AddFigure(SvgChart chart, string caption, string fileName)
    {
        ArgumentNullException.ThrowIfNull(chart);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        if (_figureFiles.ContainsValue(fileName)) throw new ArgumentException($"Figure file '{fileName}' is already used by another figure of '{Name}'.", nameof(fileName));
        Figures.Add((chart, caption));
        _figureFiles.Add(chart, fileName);
        return this;
    }

    /// <summary>The file name given to <paramref name="chart"/> by <see cref="AddFigure"/>, or null.</summary>
    public string? FigureFile(SvgChart chart) => _figureFiles.GetValueOrDefault(chart);

    /// <summary>The headline of the experiment for the summary table (one line).</summary>
    public string Headline { get; set; } = "";

    /// <summary>Named numeric series and values written to results.json (keys in insertion order).</summary>
    public List<KeyValuePair<string, object>> Data { get; } = [];

    /// <summary>Adds a data entry for results.json.</summary>
    public ExperimentResult AddData(string key, object value)
    {
        Data.Add(new(key, value));
        return this;
    }
}
