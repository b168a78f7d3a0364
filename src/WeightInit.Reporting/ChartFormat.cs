using System.Globalization;

namespace WeightInit.Reporting;

/// <summary>Invariant, fixed-format number writing, so that a report's bytes depend on its data alone.</summary>
public static class ChartFormat
{
    /// <summary>Largest coordinate magnitude written into an SVG; a clipped point far outside the plot lands here.</summary>
    internal const double CoordinateLimit = 1e6;

    /// <summary>
    /// Writes a number for a human reader with <paramref name="significantDigits"/> significant digits:
    /// plain decimals for 1e-4 ≤ |v| &lt; 1e6, otherwise <c>1.234e-7</c>; NaN as <c>NaN</c>, infinities as <c>+Inf</c>/<c>-Inf</c>.
    /// </summary>
    /// <param name="value">The number.</param>
    /// <param name="significantDigits">Significant digits, 1 to 17.</param>
    /// <returns>The text, independent of the current culture.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="significantDigits"/> is outside 1..17.</exception>
    public static string Number(double value, int significantDigits = 4)
    {
        if (significantDigits is < 1 or > 17)
        {
            throw new ArgumentOutOfRangeException(nameof(significantDigits), significantDigits,
                "Significant digits must be between 1 and 17 (a double holds at most 17).");
        }

        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        if (value == 0)
        {
            return "0";
        }

        double magnitude = Math.Abs(value);
        if (magnitude >= 1e-4 && magnitude < 1e6)
        {
            // Round to the significant digits first, then print without an exponent and without trailing zeros.
            double rounded = double.Parse(value.ToString("E" + (significantDigits - 1), CultureInfo.InvariantCulture),
                CultureInfo.InvariantCulture);
            string text = rounded.ToString("0.####################", CultureInfo.InvariantCulture);
            return text == "-0" ? "0" : text;
        }

        return Scientific(value, significantDigits);
    }

    /// <summary>Writes <paramref name="value"/> as mantissa <c>e</c> exponent, e.g. <c>1.5e-7</c>, <c>2e8</c>.</summary>
    internal static string Scientific(double value, int significantDigits)
    {
        string text = value.ToString("E" + (significantDigits - 1), CultureInfo.InvariantCulture);
        int e = text.IndexOf('E');
        string mantissa = text[..e];
        if (mantissa.Contains('.'))
        {
            mantissa = mantissa.TrimEnd('0').TrimEnd('.');
        }

        int exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return exponent == 0 ? mantissa : mantissa + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Writes an SVG coordinate or length: two decimals at most, no exponent, no negative zero, clamped to ±1e6.
    /// </summary>
    /// <exception cref="InvalidOperationException">The value is NaN: a bug upstream, never written into an SVG.</exception>
    internal static string Coordinate(double value)
    {
        if (double.IsNaN(value))
        {
            throw new InvalidOperationException("A NaN coordinate reached the SVG writer; non-finite data must be filtered before layout.");
        }

        value = Math.Clamp(value, -CoordinateLimit, CoordinateLimit);
        string text = value.ToString("0.##", CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }

    /// <summary>Exact powers of ten 10^-323 … 10^308, each the correctly rounded double of its decimal literal.</summary>
    private static readonly double[] PowersOfTen = BuildPowersOfTen();

    private const int MinExponent = -323;
    private const int MaxExponent = 308;

    private static double[] BuildPowersOfTen()
    {
        var table = new double[MaxExponent - MinExponent + 1];
        for (int k = MinExponent; k <= MaxExponent; k++)
        {
            // Parsing the literal gives the correctly rounded value on every platform; Math.Pow does not promise that.
            table[k - MinExponent] = double.Parse("1e" + k.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }

        return table;
    }

    /// <summary>10^<paramref name="exponent"/>, correctly rounded; exponents are clamped to the double range.</summary>
    internal static double Pow10(int exponent) =>
        PowersOfTen[Math.Clamp(exponent, MinExponent, MaxExponent) - MinExponent];

    /// <summary>The decade of a positive finite value: the integer k with 10^k ≤ value &lt; 10^(k+1).</summary>
    internal static int Decade(double value)
    {
        int k = (int)Math.Floor(Math.Log10(value));
        k = Math.Clamp(k, MinExponent, MaxExponent);
        // Math.Log10 may be one ulp off near exact powers of ten; the comparisons against exact powers settle it.
        while (k > MinExponent && Pow10(k) > value)
        {
            k--;
        }

        while (k < MaxExponent && Pow10(k + 1) <= value)
        {
            k++;
        }

        return k;
    }
}
