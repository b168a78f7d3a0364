using System.Globalization;
using WeightInit.Reporting;
using WeightInit.Training.Experiments;

namespace WeightInit.Training.Tests.Experiments;

/// <summary>Training figures and tables give the mean ± spread over several seeds; the expected values are computed here from
/// curves.csv (what train wrote), not by the experiment's own helpers.</summary>
public class SeedSpreadTests
{
    private static readonly TrainingSettings Tiny = new("shapeset", Seed: 3, Updates: 6, Width: 8, Depths: [3], BatchSize: 4, TestExamples: 40, Threads: 1, Seeds: 3);

    private static readonly string[] Configurations = ["relu3-xavier-fan_in", "relu3-xavier-fan_out", "relu3-he-fan_in", "relu3-he-fan_out"];

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "weightinit-seed-spread-" + Guid.NewGuid().ToString("N"));

    // run id → (update, train loss, test error) rows, parsed from curves.csv.
    private static Dictionary<string, List<(long Update, double TrainLoss, double TestError)>> ReadCurves(string directory)
    {
        var curves = new Dictionary<string, List<(long, double, double)>>();
        foreach (var line in File.ReadAllLines(Path.Combine(directory, "curves.csv")).Skip(1))
        {
            var f = line.Split(',');
            if (!curves.TryGetValue(f[0], out var list)) curves[f[0]] = list = [];
            list.Add((long.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture), double.Parse(f[6], CultureInfo.InvariantCulture)));
        }
        return curves;
    }

    private static (double Mean, double Sd) MeanSd(IReadOnlyList<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        double mean = sum / values.Count, squares = 0;
        foreach (double v in values) squares += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(squares / (values.Count - 1)));
    }

    [Fact]
    public void HeDepth_Figures_OneBandPerConfiguration_MeanAndSdOfItsThreeSeeds()
    {
        string dir = TempDir();
        try
        {
            var result = new HeDepthTrainingExperiment().RunAndWrite(Tiny, dir);
            var curves = ReadCurves(dir);
            Assert.Equal(12, curves.Count);
            foreach (var (file, loss) in new[] { ("error.svg", false), ("loss.svg", true) })
            {
                var chart = result.Figures.Select(f => f.Chart).Single(c => result.FigureFile(c) == file);
                Assert.True(File.Exists(Path.Combine(dir, file)), file);
                var bands = chart.Series.OfType<BandSeries>().ToList();
                var lines = chart.Series.OfType<LineSeries>().ToList();
                Assert.Equal(Configurations.Length, bands.Count);
                Assert.Equal(Configurations.Length, lines.Count);
                Assert.Equal(Configurations.Length, chart.LegendStyles().Count);
                bool anySpread = false;
                for (int c = 0; c < Configurations.Length; c++)
                {
                    var runs = new[] { Configurations[c], Configurations[c] + "-seed+1", Configurations[c] + "-seed+2" }.Select(id => curves[id]).ToList();
                    // The points where every seed's run has a finite value (the train loss has none before the first update).
                    var points = Enumerable.Range(0, runs[0].Count).Where(i => runs.All(r => double.IsFinite(loss ? r[i].TrainLoss : r[i].TestError))).ToList();
                    Assert.NotEmpty(points);
                    Assert.Equal(points.Select(i => (double)runs[0][i].Update), lines[c].X);
                    Assert.Equal(points.Select(i => (double)runs[0][i].Update), bands[c].X);
                    for (int p = 0; p < points.Count; p++)
                    {
                        var (mean, sd) = MeanSd(runs.Select(r => loss ? r[points[p]].TrainLoss : r[points[p]].TestError).ToList());
                        Assert.Equal(mean, lines[c].Y[p], 12);
                        Assert.Equal(mean - sd, bands[c].Lower[p], 12);
                        Assert.Equal(mean + sd, bands[c].Upper[p], 12);
                        anySpread |= sd > 0;
                    }
                }
                // The seeds differ: a band drawn from one seed (zero width everywhere) would fail here.
                Assert.True(anySpread, $"{file}: every band has zero width");
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void HeDepth_Table_FinalTestErrorIsMeanAndSdOverTheSeeds_AndSeedKIsTheRunOfSeedPlusK()
    {
        string dir = TempDir(), single = TempDir();
        try
        {
            var result = new HeDepthTrainingExperiment().RunAndWrite(Tiny, dir);
            var curves = ReadCurves(dir);
            var table = result.Tables[0].Table;
            int column = table.Header.ToList().IndexOf("test error at end");
            Assert.Equal(Configurations.Length, table.Rows.Count);
            for (int c = 0; c < Configurations.Length; c++)
            {
                var finals = new[] { "", "-seed+1", "-seed+2" }.Select(s => curves[Configurations[c] + s][^1].TestError).ToList();
                var (mean, sd) = MeanSd(finals);
                string expected = (100 * mean).ToString("F1", CultureInfo.InvariantCulture) + "% ± " + (100 * sd).ToString("F1", CultureInfo.InvariantCulture) + "%";
                Assert.Equal(expected, table.Rows[c][column]);
            }

            // The run of seed offset 1 is bit for bit the run `--seed 4 --seeds 1` trains.
            new HeDepthTrainingExperiment().RunAndWrite(Tiny with { Seed = 4, Seeds = 1 }, single);
            var alone = ReadCurves(single);
            Assert.Equal(Configurations.Length, alone.Count);
            foreach (var id in Configurations)
                Assert.Equal(alone[id], curves[id + "-seed+1"]);
        }
        finally
        {
            foreach (var d in new[] { dir, single })
                if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
        }
    }

    [Fact]
    public void MoreSeeds_ReuseTheOneSeedCache_AndTrainOnlyTheNewSeeds()
    {
        string dir = TempDir();
        try
        {
            new HeDepthTrainingExperiment().RunAndWrite(Tiny with { Seeds = 1 }, dir);
            var first = ReadCurves(dir);
            var log = new StringWriter();
            new HeDepthTrainingExperiment().RunAndWrite(Tiny, dir, log);
            var lines = log.ToString().Split('\n');
            // Seed 3 of each configuration comes from the cache; seeds 4 and 5 are trained.
            Assert.Equal(Configurations.Length, lines.Count(l => l.Contains("seed 3: cached", StringComparison.Ordinal)));
            Assert.Equal(2 * Configurations.Length, lines.Count(l => l.Contains("test error, loss", StringComparison.Ordinal)));
            var all = ReadCurves(dir);
            foreach (var id in Configurations) Assert.Equal(first[id], all[id]);

            var again = new StringWriter();
            new HeDepthTrainingExperiment().RunAndWrite(Tiny, dir, again);
            Assert.Equal(Configurations.Length, again.ToString().Split('\n').Count(l => l.Contains(": cached, 3 seeds", StringComparison.Ordinal)));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
