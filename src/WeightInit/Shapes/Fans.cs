namespace WeightInit.Shapes;

/// <summary>The fan-in and fan-out of a weight tensor: how many inputs feed each output unit, and how many outputs each input unit feeds.</summary>
/// <remarks>
/// Fans are <see cref="double"/> because JAX computes them in floating point and Caffe / Keras average them in floating point;
/// every fan this library computes from a shape is an integer held exactly (shapes up to 2^53 elements).
/// </remarks>
public readonly record struct Fans
{
    /// <summary>Creates fans; both must be positive and finite.</summary>
    /// <param name="fanIn">Number of inputs feeding each output unit.</param>
    /// <param name="fanOut">Number of outputs each input unit feeds.</param>
    /// <exception cref="ArgumentOutOfRangeException">A fan is zero, negative, infinite or NaN.</exception>
    public Fans(double fanIn, double fanOut)
    {
        FanIn = Check(fanIn, nameof(fanIn));
        FanOut = Check(fanOut, nameof(fanOut));
    }

    /// <summary>Number of inputs feeding each output unit.</summary>
    public double FanIn { get; }

    /// <summary>Number of outputs each input unit feeds.</summary>
    public double FanOut { get; }

    /// <summary>(FanIn + FanOut) / 2, the fan Glorot initialization divides by.</summary>
    public double Average => (FanIn + FanOut) / 2;

    /// <summary>The fan named by <paramref name="mode"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined <see cref="FanMode"/>.</exception>
    public double Select(FanMode mode) => mode switch
    {
        FanMode.FanIn => FanIn,
        FanMode.FanOut => FanOut,
        FanMode.FanAverage => Average,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown fan mode; valid: FanIn, FanOut, FanAverage."),
    };

    /// <summary>Deconstructs into (FanIn, FanOut).</summary>
    public void Deconstruct(out double fanIn, out double fanOut)
    {
        fanIn = FanIn;
        fanOut = FanOut;
    }

    private static double Check(double fan, string name) =>
        double.IsFinite(fan) && fan > 0
            ? fan
            : throw new ArgumentOutOfRangeException(name, fan, $"A fan must be positive and finite; got {fan}.");
}
