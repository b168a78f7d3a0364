using System.Globalization;
using WeightInit.Reporting;

namespace WeightInit.Reporting.Png;

/// <summary>Writes a report's figures as files of their own, for slides and papers: figure-01.svg and figure-01.png, …</summary>
public static class FigureFiles
{
    /// <summary>The folder, beside index.html, that holds the figure files.</summary>
    public const string FolderName = "figures";

    /// <summary>The file name (without extension) of figure <paramref name="number"/> (1-based, as numbered in the report).</summary>
    /// <param name="number">The figure's number.</param>
    /// <returns>e.g. <c>figure-07</c>.</returns>
    public static string BaseName(int number) => "figure-" + number.ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>Writes every chart, in report order, as an SVG (the report's own, byte for byte) and a PNG (ScottPlot) into <paramref name="directory"/>.</summary>
    /// <param name="charts">The figures in the order the report numbers them.</param>
    /// <param name="directory">The folder to create (or add to).</param>
    /// <returns>The paths written, SVG then PNG for each figure.</returns>
    public static IReadOnlyList<string> Write(IEnumerable<SvgChart> charts, string directory)
    {
        ArgumentNullException.ThrowIfNull(charts);
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        int number = 0;
        foreach (var chart in charts)
        {
            number++;
            string svg = Path.Combine(directory, BaseName(number) + ".svg");
            chart.WriteFile(svg);
            string png = Path.Combine(directory, BaseName(number) + ".png");
            PngChart.Write(chart, png);
            paths.Add(svg);
            paths.Add(png);
        }

        return paths;
    }
}
