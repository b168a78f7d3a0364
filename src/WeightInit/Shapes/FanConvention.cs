namespace WeightInit.Shapes;

/// <summary>A library's own fan computation from a bare shape, reproduced exactly, including where it is wrong.</summary>
/// <remarks>
/// Use these to match another library's numbers; use <see cref="FanCalculator.Compute(ReadOnlySpan{int}, WeightLayout, int)"/>
/// for the correct fans of a stated layout. None of the libraries knows about groups, so grouped, depthwise and transposed
/// convolutions get wrong fans here (see docs/layouts-and-fans.md).
/// </remarks>
public enum FanConvention
{
    /// <summary>
    /// <c>torch.nn.init._calculate_fan_in_and_fan_out</c>: assumes <c>[out, in, k…]</c>; fan_in = shape[1]·∏shape[2:], fan_out = shape[0]·∏shape[2:];
    /// rank below 2 is an error. Same numbers in TorchSharp's <c>CalculateFanInAndFanOut</c>.
    /// </summary>
    PyTorch,

    /// <summary>
    /// Keras 3 <c>compute_fans</c> (also tf-keras): assumes <c>[k…, in, out]</c>; rank 0 gives (1, 1), rank 1 gives (n, n),
    /// rank 2 gives (shape[0], shape[1]), otherwise (shape[-2]·rf, shape[-1]·rf) with rf = ∏shape[:-2].
    /// </summary>
    Keras,

    /// <summary>
    /// JAX <c>_compute_fans</c> with its default axes (in_axis=-2, out_axis=-1, no batch axis): the Keras numbers for rank ≥ 2,
    /// but rank 0 and 1 are errors. For other axes use <see cref="FanCalculator.Jax"/>.
    /// </summary>
    Jax,

    /// <summary>
    /// Caffe <c>XavierFiller</c> / <c>MSRAFiller</c> (BVLC master): fan_in = count/shape(0), fan_out = count/shape(1),
    /// or fan_out = count for a 1-D blob; rank 0 is an error (its <c>shape(0)</c> check fails).
    /// </summary>
    Caffe,

    /// <summary>MXNet <c>Xavier</c> (and <c>MSRAPrelu</c>): fan_in = shape[1]·∏shape[2:], fan_out = shape[0]·∏shape[2:]; rank below 2 is an error.</summary>
    MXNet,
}

/// <summary>The one reader of fan-convention names.</summary>
public static class FanConventions
{
    /// <summary>The word for exact fans (no library's convention).</summary>
    public const string Exact = "exact";

    /// <summary>The convention named by <paramref name="text"/> (any case, with or without '_', '-'), or null for <see cref="Exact"/>.</summary>
    /// <exception cref="ArgumentException">Neither; the message lists the valid names.</exception>
    public static FanConvention? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParse(text, out var convention)) return convention;
        throw new ArgumentException(Naming.Vocabulary.Unknown("fan convention", text, Names));
    }

    /// <summary>Like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string? text, out FanConvention? convention)
    {
        convention = null;
        if (text is null) return false;
        string key = Naming.Vocabulary.Key(text);
        if (key == Exact) return true;
        foreach (var value in Enum.GetValues<FanConvention>())
            if (Naming.Vocabulary.Key(value.ToString()) == key) { convention = value; return true; }
        return false;
    }

    /// <summary>"exact" and every convention in lower case, as messages list them.</summary>
    public static IReadOnlyList<string> Names { get; } = [Exact, .. Enum.GetNames<FanConvention>().Select(n => n.ToLowerInvariant())];
}
