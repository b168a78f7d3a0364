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

/// <summary>What an experiment produced: prose, comparisons, tables, figures and the raw numbers for results.json.</summary>
public sealed class ExperimentResult
{
    /// <summary>Creates an empty result.</summary>
    public ExperimentResult(string name, string title)
    {
        Name = name;
        Title = title;
    }

    /// <summary>The experiment's short name.</summary>
    public string Name { get; }

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
