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
