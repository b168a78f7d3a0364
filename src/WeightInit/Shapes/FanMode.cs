namespace WeightInit.Shapes;

/// <summary>Which fan a variance-scaling initializer divides by.</summary>
/// <remarks>Keras / JAX <c>mode</c> = <c>fan_in</c> / <c>fan_out</c> / <c>fan_avg</c>; Caffe <c>variance_norm</c> = FAN_IN / FAN_OUT / AVERAGE; MXNet <c>factor_type</c> = in / out / avg.</remarks>
public enum FanMode
{
    /// <summary>The fan-in: preserves the variance of activations in the forward pass (LeCun, He).</summary>
    FanIn,

    /// <summary>The fan-out: preserves the variance of gradients in the backward pass.</summary>
    FanOut,

    /// <summary>The mean (fan-in + fan-out)/2: Glorot &amp; Bengio's compromise between the two passes.</summary>
    FanAverage,
}

/// <summary>The one reader of fan-mode names (initializer specs, model specs, the PyTorch-exact path).</summary>
public static class FanModes
{
    /// <summary>Every spelling <see cref="Parse"/> accepts (compared by <see cref="Naming.Vocabulary.Key"/>), with its mode:
    /// PyTorch/Keras <c>fan_in</c>, <c>fan_out</c>, Keras <c>fan_avg</c>, Caffe <c>FAN_IN</c>, <c>FAN_OUT</c>, <c>AVERAGE</c>.</summary>
    public static IReadOnlyList<(string Name, FanMode Mode)> Spellings { get; } =
    [
        ("fan_in", FanMode.FanIn), ("in", FanMode.FanIn),
        ("fan_out", FanMode.FanOut), ("out", FanMode.FanOut),
        ("fan_avg", FanMode.FanAverage), ("fan_average", FanMode.FanAverage), ("average", FanMode.FanAverage), ("avg", FanMode.FanAverage),
    ];

    /// <summary>The mode named by <paramref name="text"/>, in any case, with or without '_'.</summary>
    /// <exception cref="ArgumentException">None; the message lists the valid names.</exception>
    public static FanMode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParse(text, out var mode)) return mode;
        throw new ArgumentException($"Unknown fan mode '{text.Trim()}'; must be fan_in, fan_out or fan_avg (Caffe: FAN_IN, FAN_OUT, AVERAGE)."
            + Naming.Vocabulary.DidYouMean(text, Spellings.Select(s => s.Name)));
    }

    /// <summary>Like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string? text, out FanMode mode)
    {
        mode = default;
        if (text is null) return false;
        string key = Naming.Vocabulary.Key(text);
        foreach (var (name, value) in Spellings)
            if (Naming.Vocabulary.Key(name) == key) { mode = value; return true; }
        return false;
    }
}
