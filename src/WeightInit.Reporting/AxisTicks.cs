using System.Globalization;

namespace WeightInit.Reporting;

/// <summary>One tick of an axis.</summary>
/// <param name="Value">Position in data units.</param>
/// <param name="Label">Label text; a decade tick reads <c>10^k</c> (drawn with a superscript); empty for a minor tick.</param>
/// <param name="DecadeExponent">k for a labelled decade tick 10^k on a log axis, else <see langword="null"/>.</param>
/// <param name="IsMajor">Major ticks carry a label and a grid line; minor ticks are short and unlabelled.</param>
public readonly record struct AxisTick(double Value, string Label, int? DecadeExponent, bool IsMajor);

/// <summary>The range of an axis and its ticks.</summary>
/// <param name="Min">Lower end of the axis, data units.</param>
/// <param name="Max">Upper end of the axis, data units.</param>
/// <param name="Ticks">Ticks in increasing order of value, majors and minors together.</param>
public sealed record AxisTickSet(double Min, double Max, IReadOnlyList<AxisTick> Ticks)
{
    /// <summary>The labelled (major) ticks.</summary>
    public IEnumerable<AxisTick> MajorTicks => Ticks.Where(t => t.IsMajor);
}

/// <summary>Nice axis ranges and ticks: the 1-2-5 rule on linear axes, decades on log axes.</summary>
/// <remarks>
/// The 1-2-5 rule (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990): a tick step is 1, 2 or 5
/// times a power of ten. Tick values are built as an integer times the step from exact powers of ten, so labels
/// carry no floating-point noise (0.3, not 0.30000000000000004).
/// </remarks>
public static class AxisTicks
{
    /// <summary>Relative slack when comparing data ends with tick multiples, so 0.3/0.1 = 2.9999999999999996 counts as 3.</summary>
    private const double MultipleSlack = 1e-9;

    /// <summary>The 1-2-5 step nearest above <paramref name="roughStep"/>: m·10^e with m ∈ {1, 2, 5}.</summary>
    /// <param name="roughStep">A positive finite step.</param>
    /// <returns>The mantissa m (1, 2 or 5) and exponent e.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="roughStep"/> is not positive and finite.</exception>
    public static (int Mantissa, int Exponent) NiceStep(double roughStep)
    {
        if (!(roughStep > 0) || !double.IsFinite(roughStep))
        {
            throw new ArgumentOutOfRangeException(nameof(roughStep), roughStep, "A tick step must be positive and finite.");
        }

        int e = ChartFormat.Decade(roughStep);
        double fraction = roughStep / ChartFormat.Pow10(e);
        return fraction switch
        {
            <= 1 => (1, e),
            <= 2 => (2, e),
            <= 5 => (5, e),
            _ => (1, e + 1),
        };
    }

    /// <summary>
    /// The 1-2-5 step nearest to <paramref name="roughStep"/> (thresholds 1.5, 3, 7 as in Heckbert's loose labelling),
    /// which keeps the tick count near the target where rounding up could halve it.
    /// </summary>
    private static (int Mantissa, int Exponent) NearestNiceStep(double roughStep)
    {
        int e = ChartFormat.Decade(roughStep);
        double fraction = roughStep / ChartFormat.Pow10(e);
        return fraction switch
        {
            < 1.5 => (1, e),
            < 3 => (2, e),
            < 7 => (5, e),
            _ => (1, e + 1),
        };
    }

    /// <summary>Nice ticks for a linear axis.</summary>
    /// <param name="dataMin">Smallest value to show (finite).</param>
    /// <param name="dataMax">Largest value to show (finite, ≥ <paramref name="dataMin"/>).</param>
    /// <param name="targetIntervals">About how many intervals between labelled ticks (2..20).</param>
    /// <param name="fixedRange">When true the axis spans exactly [dataMin, dataMax]; otherwise it widens to the enclosing ticks.</param>
    /// <returns>The axis range and ticks.</returns>
    /// <exception cref="ArgumentException">The ends are not finite or are out of order.</exception>
    public static AxisTickSet Linear(double dataMin, double dataMax, int targetIntervals = 5, bool fixedRange = false)
    {
        CheckRange(dataMin, dataMax);
        targetIntervals = Math.Clamp(targetIntervals, 2, 20);
        if (dataMin == dataMax)
        {
            double half = dataMin == 0 ? 1 : Math.Abs(dataMin) / 2;
            (dataMin, dataMax) = (dataMin - half, dataMax + half);
            fixedRange = false;
        }

        // Halving first keeps the span finite for data near ±double.MaxValue.
        double halfSpan = dataMax / 2 - dataMin / 2;
        var (mantissa, exponent) = NearestNiceStep(halfSpan / targetIntervals * 2);
        double step = mantissa * ChartFormat.Pow10(exponent);

        double kLow = fixedRange ? Math.Ceiling(dataMin / step - MultipleSlack) : Math.Floor(dataMin / step + MultipleSlack);
        double kHigh = fixedRange ? Math.Floor(dataMax / step + MultipleSlack) : Math.Ceiling(dataMax / step - MultipleSlack);

        var values = new List<double>();
        for (double k = kLow; k <= kHigh; k++)
        {
            double value = TickValue(k, mantissa, exponent);
            if (double.IsFinite(value))
            {
                values.Add(value);
            }
        }

        // Widening past ±double.MaxValue is impossible; such an end stays at the data.
        double min = fixedRange || values.Count == 0 || values[0] > dataMin ? dataMin : values[0];
        double max = fixedRange || values.Count == 0 || values[^1] < dataMax ? dataMax : values[^1];
        double largest = values.Count == 0 ? 0 : Math.Max(Math.Abs(values[0]), Math.Abs(values[^1]));
        bool scientific = largest >= 1e6 || exponent < -4;
        var ticks = values
            .Select(v => new AxisTick(v, LinearLabel(v, exponent, scientific), null, true))
            .ToList();
        return new AxisTickSet(min, max, ticks);
    }

    /// <summary>Decade ticks for a base-10 log axis.</summary>
    /// <param name="dataMin">Smallest value to show (positive, finite).</param>
    /// <param name="dataMax">Largest value to show (positive, finite, ≥ <paramref name="dataMin"/>).</param>
    /// <param name="maxLabels">Most labelled decades; wider ranges label every 2nd, 5th, 10th, … decade (1-2-5 steps of decades).</param>
    /// <param name="fixedRange">When true the axis spans exactly [dataMin, dataMax]; otherwise it widens to whole decades.</param>
    /// <returns>The axis range and ticks: labelled decades 10^k, and minor ticks (2..9·10^k for up to 6 decades, else the unlabelled decades).</returns>
    /// <exception cref="ArgumentException">An end is not positive and finite, or the ends are out of order.</exception>
    public static AxisTickSet Log10(double dataMin, double dataMax, int maxLabels = 8, bool fixedRange = false)
    {
        CheckRange(dataMin, dataMax);
        if (!(dataMin > 0))
        {
            throw new ArgumentException($"A log axis needs positive values; the smallest given is {dataMin.ToString(CultureInfo.InvariantCulture)}.", nameof(dataMin));
        }

        maxLabels = Math.Clamp(maxLabels, 2, 30);
        int kLow = ChartFormat.Decade(dataMin);
        int kHigh = ChartFormat.Decade(dataMax);
        if (ChartFormat.Pow10(kHigh) < dataMax)
        {
            kHigh++;
        }

        if (!fixedRange && kLow == kHigh)
        {
            kLow--;
            kHigh++;
        }

        double min = fixedRange ? dataMin : ChartFormat.Pow10(kLow);
        double max = fixedRange ? dataMax : ChartFormat.Pow10(kHigh);

        int decades = kHigh - kLow;
        int stride = 1;
        if (decades + 1 > maxLabels)
        {
            // About decades/stride + 1 labels, so a stride of decades/(maxLabels − 1) or more keeps within maxLabels.
            var (mantissa, exponent) = NiceStep((double)decades / (maxLabels - 1));
            stride = (int)(mantissa * ChartFormat.Pow10(exponent));
        }

        var ticks = new List<AxisTick>();
        var multiples = new List<int>(); // 1 for a decade, j for a minor tick j·10^k
        for (int k = kLow; k <= kHigh; k++)
        {
            double decade = ChartFormat.Pow10(k);
            bool labelled = FloorMod(k, stride) == 0;
            if (decade >= min && decade <= max)
            {
                ticks.Add(labelled
                    ? new AxisTick(decade, "10^" + k.ToString(CultureInfo.InvariantCulture), k, true)
                    : new AxisTick(decade, string.Empty, null, false));
                multiples.Add(1);
            }

            if (stride == 1 && decades <= 6 && k < kHigh)
            {
                for (int j = 2; j <= 9; j++)
                {
                    double minor = k >= 0 ? j * decade : j / ChartFormat.Pow10(-k);
                    if (minor >= min && minor <= max)
                    {
                        ticks.Add(new AxisTick(minor, string.Empty, null, false));
                        multiples.Add(j);
                    }
                }
            }
        }

        // A range that shows fewer than three decades: label 1, 2 and 5 times each decade instead, in plain numbers
        // (0.5, 1, 2), so that a colour bar over [0.4, 3] reads more than one value.
        if (stride == 1 && decades <= 6 && ticks.Count(t => t.IsMajor) < 3)
        {
            ticks = ticks.Select((t, i) => multiples[i] is 1 or 2 or 5
                ? new AxisTick(t.Value, t.Value.ToString("G6", CultureInfo.InvariantCulture), null, true)
                : t).ToList();
        }

        // Still fewer than three (a range inside [0.6, 1.7]): 1-2-5 steps as on a linear axis, placed on the log scale.
        if (ticks.Count(t => t.IsMajor) < 3 && min < max)
        {
            var linear = Linear(min, max, Math.Min(maxLabels - 1, 5), fixedRange: true).Ticks;
            if (linear.Count > ticks.Count(t => t.IsMajor))
            {
                ticks = linear.Concat(ticks.Where(t => !t.IsMajor && !linear.Any(l => l.Value == t.Value))).ToList();
            }
        }

        return new AxisTickSet(min, max, ticks.OrderBy(t => t.Value).ToList());
    }

    /// <summary>Ticks for a symmetric-log axis: 0 and ±w·10^j.</summary>
    /// <param name="dataMin">Smallest value to show (finite).</param>
    /// <param name="dataMax">Largest value to show (finite, ≥ <paramref name="dataMin"/>).</param>
    /// <param name="linearWidth">Half-width w of the linear region (positive).</param>
    /// <param name="maxLabels">Most labelled ticks on each side of zero.</param>
    /// <param name="fixedRange">When true the axis spans exactly [dataMin, dataMax]; otherwise it widens to the enclosing ticks.</param>
    /// <returns>The axis range and ticks.</returns>
    /// <exception cref="ArgumentException">The ends are not finite or out of order, or the width is not positive.</exception>
    public static AxisTickSet SymLog(double dataMin, double dataMax, double linearWidth, int maxLabels = 6, bool fixedRange = false)
    {
        CheckRange(dataMin, dataMax);
        if (!(linearWidth > 0) || !double.IsFinite(linearWidth))
        {
            throw new ArgumentOutOfRangeException(nameof(linearWidth), linearWidth, "The symlog linear width must be positive and finite.");
        }

        maxLabels = Math.Clamp(maxLabels, 2, 30);
        double min = fixedRange ? dataMin : -SymLogEnclosing(-Math.Min(dataMin, 0), linearWidth);
        double max = fixedRange ? dataMax : SymLogEnclosing(Math.Max(dataMax, 0), linearWidth);
        if (min == max)
        {
            (min, max) = (-linearWidth, linearWidth);
        }

        int jMax = 0;
        double reach = Math.Max(Math.Abs(min), Math.Abs(max));
        while (jMax < 620 && linearWidth * ChartFormat.Pow10(jMax + 1) <= reach)
        {
            jMax++;
        }

        int stride = 1;
        if (jMax + 1 > maxLabels)
        {
            var (mantissa, exponent) = NiceStep((double)jMax / (maxLabels - 1));
            stride = (int)(mantissa * ChartFormat.Pow10(exponent));
        }

        var values = new List<double>();
        for (int j = jMax; j >= 0; j -= 1)
        {
            if (j % stride == 0)
            {
                values.Add(-linearWidth * ChartFormat.Pow10(j));
            }
        }

        values.Add(0);
        for (int j = 0; j <= jMax; j++)
        {
            if (j % stride == 0)
            {
                values.Add(linearWidth * ChartFormat.Pow10(j));
            }
        }

        var ticks = values
            .Where(v => v >= min && v <= max)
            .Select(v => new AxisTick(v, ChartFormat.Number(v, 6), null, true))
            .ToList();
        return new AxisTickSet(min, max, ticks);
    }

    /// <summary>Ticks for an axis as configured by <paramref name="options"/>, spanning the data range unless fixed.</summary>
    internal static AxisTickSet ForAxis(AxisOptions options, double dataMin, double dataMax, int targetIntervals)
    {
        bool fixedRange = options.Min is not null && options.Max is not null;
        double min = options.Min ?? Math.Min(dataMin, options.Max ?? dataMin);
        double max = options.Max ?? Math.Max(dataMax, options.Min ?? dataMax);
        var set = options.Scale switch
        {
            AxisScale.Log10 => Log10(min, max, Math.Max(targetIntervals + 3, 4), fixedRange),
            AxisScale.SymLog => SymLog(min, max, options.SymLogLinearWidth, Math.Max(targetIntervals + 1, 4), fixedRange),
            _ => Linear(min, max, targetIntervals, fixedRange),
        };
        if (fixedRange || (options.Min is null && options.Max is null))
        {
            return set;
        }

        // One end fixed: keep it exactly, and the nice end the data chose.
        double lo = options.Min ?? set.Min;
        double hi = options.Max ?? set.Max;
        return new AxisTickSet(lo, hi, set.Ticks.Where(t => t.Value >= lo && t.Value <= hi).ToList());
    }

    private static double SymLogEnclosing(double magnitude, double linearWidth)
    {
        if (magnitude == 0)
        {
            return 0;
        }

        if (magnitude <= linearWidth)
        {
            return linearWidth;
        }

        int j = ChartFormat.Decade(magnitude / linearWidth);
        double candidate = linearWidth * ChartFormat.Pow10(j);
        return candidate >= magnitude ? candidate : linearWidth * ChartFormat.Pow10(j + 1);
    }

    private static double TickValue(double k, int mantissa, int exponent)
    {
        // k·m is an exact integer; multiplying or dividing by an exact power of ten rounds once.
        double value = exponent >= 0 ? k * mantissa * ChartFormat.Pow10(exponent) : k * mantissa / ChartFormat.Pow10(-exponent);
        return value == 0 ? 0 : value;
    }

    private static string LinearLabel(double value, int stepExponent, bool scientific)
    {
        if (scientific)
        {
            // 15 significant digits drop the last-ulp noise of k·m·10^e; zero has no exponent to show.
            return value == 0 ? "0" : ChartFormat.Scientific(value, 15);
        }

        return value.ToString("F" + Math.Max(0, -stepExponent).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static int FloorMod(int a, int b) => ((a % b) + b) % b;

    private static void CheckRange(double dataMin, double dataMax)
    {
        if (!double.IsFinite(dataMin) || !double.IsFinite(dataMax))
        {
            throw new ArgumentException("Axis ends must be finite numbers; drop NaN and infinities before computing ticks.");
        }

        if (dataMin > dataMax)
        {
            throw new ArgumentException($"Axis minimum {dataMin.ToString(CultureInfo.InvariantCulture)} exceeds maximum {dataMax.ToString(CultureInfo.InvariantCulture)}.");
        }
    }
}
