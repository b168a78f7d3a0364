namespace WeightInit.Reporting;

/// <summary>How data values map to positions along a chart axis.</summary>
public enum AxisScale
{
    /// <summary>Position proportional to the value.</summary>
    Linear,

    /// <summary>Position proportional to log10(value); only positive values can be drawn.</summary>
    Log10,

    /// <summary>
    /// Symmetric log: position proportional to sign(v)·log10(1 + |v|/w), linear near zero (width w =
    /// <see cref="AxisOptions.SymLogLinearWidth"/>) and logarithmic far from it; draws values of either sign.
    /// </summary>
    SymLog,
}

/// <summary>One axis of a chart: title, scale and an optional fixed range.</summary>
/// <remarks>
/// Without <see cref="Min"/>/<see cref="Max"/> the range follows the data and is widened to nice tick values
/// (1-2-5 steps on a linear axis, whole decades on a log axis).
/// </remarks>
public sealed record AxisOptions
{
    /// <summary>Axis title, e.g. <c>"layer"</c> or <c>"Var[activation]"</c>; <see langword="null"/> for none.</summary>
    public string? Title { get; init; }

    /// <summary>The scale; <see cref="AxisScale.Linear"/> by default.</summary>
    public AxisScale Scale { get; init; } = AxisScale.Linear;

    /// <summary>Fixed lower end of the axis, or <see langword="null"/> to follow the data.</summary>
    public double? Min { get; init; }

    /// <summary>Fixed upper end of the axis, or <see langword="null"/> to follow the data.</summary>
    public double? Max { get; init; }

    /// <summary>Half-width w of the linear region of a <see cref="AxisScale.SymLog"/> axis (data units, &gt; 0).</summary>
    public double SymLogLinearWidth { get; init; } = 1.0;

    /// <summary>A linear axis with a title.</summary>
    /// <param name="title">The axis title.</param>
    /// <returns>The axis options.</returns>
    public static AxisOptions Linear(string? title = null) => new() { Title = title };

    /// <summary>A base-10 logarithmic axis with a title.</summary>
    /// <param name="title">The axis title.</param>
    /// <returns>The axis options.</returns>
    public static AxisOptions Log(string? title = null) => new() { Title = title, Scale = AxisScale.Log10 };

    /// <summary>A symmetric-log axis with a title and the half-width of its linear region.</summary>
    /// <param name="title">The axis title.</param>
    /// <param name="linearWidth">Half-width w of the linear region around zero, in data units.</param>
    /// <returns>The axis options.</returns>
    public static AxisOptions SymLog(string? title = null, double linearWidth = 1.0) =>
        new() { Title = title, Scale = AxisScale.SymLog, SymLogLinearWidth = linearWidth };

    /// <summary>Checks the options and throws a message naming the problem.</summary>
    /// <param name="axisName">"x", "y" or "colour", for the message.</param>
    internal void Validate(string axisName)
    {
        if (!(SymLogLinearWidth > 0) || !double.IsFinite(SymLogLinearWidth))
        {
            throw new ArgumentOutOfRangeException(nameof(SymLogLinearWidth), SymLogLinearWidth,
                $"The {axisName} axis SymLogLinearWidth must be a positive finite number.");
        }

        if (Min is { } min && !double.IsFinite(min) || Max is { } max && !double.IsFinite(max))
        {
            throw new ArgumentException($"The {axisName} axis Min and Max must be finite numbers when set.");
        }

        if (Min is { } lo && Max is { } hi && !(lo < hi))
        {
            throw new ArgumentException($"The {axisName} axis Min ({lo}) must be less than Max ({hi}).");
        }

        if (Scale == AxisScale.Log10 && (Min is <= 0 || Max is <= 0))
        {
            throw new ArgumentException(
                $"The {axisName} axis is logarithmic, so its Min and Max must be positive; use AxisScale.SymLog or Linear for ranges reaching zero or below.");
        }
    }

    /// <summary>Whether a value can be placed on an axis of this scale (finite, and positive on a log axis).</summary>
    internal bool CanShow(double value) => double.IsFinite(value) && (Scale != AxisScale.Log10 || value > 0);
}
