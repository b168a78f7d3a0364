using WeightInit.Analysis.Experiments;

namespace WeightInit.Analysis.Tests.Experiments;

/// <summary>Every experiment run once, quick, at seed 7, shared by the test classes that read its results.</summary>
internal static class QuickReport
{
    public static readonly ExperimentSettings Settings = new(Seed: 7, Quick: true);

    private static readonly Lazy<IReadOnlyList<ExperimentResult>> All = new(() => ReportRunner.Experiments.Select(e => e.Run(Settings)).ToList());

    public static IReadOnlyList<ExperimentResult> Results => All.Value;
}
