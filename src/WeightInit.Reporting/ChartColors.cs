using System.Globalization;

namespace WeightInit.Reporting;

/// <summary>Colour-blind-safe colours: the Okabe–Ito palette for series and viridis for colour scales.</summary>
/// <remarks>
/// Okabe &amp; Ito, "Color Universal Design" (2008): eight colours distinguishable under the common forms of colour
/// blindness. The order puts the high-contrast colours first; yellow (#F0E442, contrast 1.3:1 on white) is left out, since a
/// line in it all but vanishes on the white plot area, so seven colours cycle (a series past them also changes marker).
/// Viridis (van der Walt &amp; Smith, matplotlib 2015) is perceptually uniform and readable in greyscale; the 17
/// stops below are entries 0, 16, …, 255 of matplotlib's 256-entry table, interpolated linearly in between.
/// </remarks>
public static class ChartColors
{
    /// <summary>Series colours in order of use: blue, vermillion, bluish green, reddish purple, orange, sky blue, black (Okabe–Ito without yellow).</summary>
    public static IReadOnlyList<string> OkabeIto { get; } =
        ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

    private static readonly string[] ViridisStops =
    [
        "#440154", "#48186a", "#472d7b", "#424086", "#3b528b", "#33638d", "#2c728e", "#26828e", "#21918c",
        "#1f9f88", "#27ad81", "#3dbc74", "#5cc863", "#81d34d", "#aadc32", "#d5e21a", "#fde725",
    ];

    /// <summary>The colour of series number <paramref name="index"/> (cycles after seven).</summary>
    /// <param name="index">Zero-based series index.</param>
    /// <returns>A colour as <c>#RRGGBB</c>.</returns>
    public static string Series(int index) => OkabeIto[((index % OkabeIto.Count) + OkabeIto.Count) % OkabeIto.Count];

    /// <summary>The viridis colour at <paramref name="fraction"/> (0 = dark purple, 1 = yellow), clamped to [0, 1].</summary>
    /// <param name="fraction">Position on the scale; NaN is treated as 0.</param>
    /// <returns>A colour as <c>#rrggbb</c>.</returns>
    public static string Viridis(double fraction)
    {
        fraction = double.IsNaN(fraction) ? 0 : Math.Clamp(fraction, 0, 1);
        double position = fraction * (ViridisStops.Length - 1);
        int lower = Math.Min((int)position, ViridisStops.Length - 2);
        double t = position - lower;
        var (r0, g0, b0) = Parse(ViridisStops[lower]);
        var (r1, g1, b1) = Parse(ViridisStops[lower + 1]);
        return string.Create(CultureInfo.InvariantCulture,
            $"#{Mix(r0, r1, t):x2}{Mix(g0, g1, t):x2}{Mix(b0, b1, t):x2}");
    }

    private static int Mix(int a, int b, double t) => (int)Math.Round(a + (b - a) * t, MidpointRounding.AwayFromZero);

    private static (int R, int G, int B) Parse(string hex) => (
        int.Parse(hex.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
        int.Parse(hex.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
        int.Parse(hex.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
}
