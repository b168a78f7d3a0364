using System.Buffers;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Initializers;

/// <summary>A weight initializer: fills a tensor of a given shape with values that are a pure function of (key, shape, element index, arguments).</summary>
/// <remarks>
/// <para>Initializers that draw every element independently (<see cref="DistributionFor"/> is not null) fill at the speed
/// of their sampler, in parallel, and any range [a, b) can be filled alone with the bits a whole fill puts there.</para>
/// <para>Structured initializers (orthogonal, sparse, dirac, …) compute from the whole tensor; a partial fill still gives
/// the same bits as the whole fill.</para>
/// <para><see cref="Spec"/> is the canonical text form, read back by <see cref="InitializerRegistry.Parse"/>.</para>
/// </remarks>
[System.Text.Json.Serialization.JsonConverter(typeof(InitializerJsonConverter))]
public abstract record Initializer
{
    private protected Initializer() { }

    /// <summary>The canonical specification, e.g. <c>variance_scaling(scale=2, mode=fan_in, distribution=normal)</c>; <see cref="InitializerRegistry.Parse"/> reads it back.</summary>
    public abstract string Spec { get; }

    /// <summary>The distribution every element is drawn from independently, or null for a structured initializer.</summary>
    public virtual Distribution? DistributionFor(WeightShape shape) => null;

    /// <summary>The value of elements [firstIndex, firstIndex + values.Length) of a structured initializer, in double precision.</summary>
    private protected virtual void FillStructured(PhiloxKey key, WeightShape shape, long firstIndex, Span<double> values) =>
        throw new NotSupportedException($"{Spec} has neither a distribution nor a structured fill.");

    /// <summary>Fills <paramref name="destination"/> with elements <paramref name="firstIndex"/>… of the tensor.</summary>
    /// <param name="key">The tensor's key, e.g. <c>PhiloxKey.FromSeed(seed).Fold("layer1.weight")</c>.</param>
    /// <param name="shape">The whole tensor's shape, layout and groups.</param>
    /// <param name="destination">Where the values go (the whole tensor or a part of it).</param>
    /// <param name="firstIndex">The row-major index of the first element of <paramref name="destination"/>.</param>
    /// <param name="options">Threads and path; no setting changes the values.</param>
    public void Fill(PhiloxKey key, WeightShape shape, Span<float> destination, long firstIndex = 0, SamplingOptions? options = null)
    {
        CheckRange(shape, firstIndex, destination.Length);
        if (DistributionFor(shape) is { } d) { d.Fill(key, destination, firstIndex, options); return; }
        Structured(key, shape, firstIndex, destination, static v => (float)v, float.IsFinite, "float32");
    }

    /// <inheritdoc cref="Fill(PhiloxKey, WeightShape, Span{float}, long, SamplingOptions?)"/>
    public void Fill(PhiloxKey key, WeightShape shape, Span<double> destination, long firstIndex = 0, SamplingOptions? options = null)
    {
        CheckRange(shape, firstIndex, destination.Length);
        if (DistributionFor(shape) is { } d) { d.Fill(key, destination, firstIndex, options); return; }
        Structured(key, shape, firstIndex, destination, static v => v, double.IsFinite, "float64");
    }

    /// <summary>Fills float16 elements: each is the float32 value rounded to nearest, ties to even; see <see cref="Fill(PhiloxKey, WeightShape, Span{float}, long, SamplingOptions?)"/>.</summary>
    public void Fill(PhiloxKey key, WeightShape shape, Span<Half> destination, long firstIndex = 0, SamplingOptions? options = null)
    {
        CheckRange(shape, firstIndex, destination.Length);
        if (DistributionFor(shape) is { } d) { d.Fill(key, destination, firstIndex, options); return; }
        Structured(key, shape, firstIndex, destination, static v => (Half)(float)v, Half.IsFinite, "float16");
    }

    /// <summary>Fills bfloat16 bit patterns: each is the float32 value rounded to nearest, ties to even; see <see cref="Fill(PhiloxKey, WeightShape, Span{float}, long, SamplingOptions?)"/>.</summary>
    public void FillBFloat16Bits(PhiloxKey key, WeightShape shape, Span<ushort> destination, long firstIndex = 0, SamplingOptions? options = null)
    {
        CheckRange(shape, firstIndex, destination.Length);
        if (DistributionFor(shape) is { } d) { d.FillBFloat16Bits(key, destination, firstIndex, options); return; }
        Structured(key, shape, firstIndex, destination, static v => ElementConversion.RoundToBFloat16Bits((float)v),
            static b => (b & 0x7F80) != 0x7F80, "bfloat16");
    }

    /// <summary>A new float32 array holding the whole tensor.</summary>
    /// <remarks>The array is allocated without zeroing (every element is written), so its fresh pages are first touched by the
    /// fill's own threads, in parallel; see docs/PERFORMANCE.md on first-touch page faults.</remarks>
    public float[] CreateSingle(PhiloxKey key, WeightShape shape, SamplingOptions? options = null)
    {
        var a = GC.AllocateUninitializedArray<float>(checked((int)shape.ElementCount));
        Fill(key, shape, a, 0, options);
        return a;
    }

    /// <summary>A new float64 array holding the whole tensor.</summary>
    /// <remarks><inheritdoc cref="CreateSingle" path="/remarks"/></remarks>
    public double[] CreateDouble(PhiloxKey key, WeightShape shape, SamplingOptions? options = null)
    {
        var a = GC.AllocateUninitializedArray<double>(checked((int)shape.ElementCount));
        Fill(key, shape, a, 0, options);
        return a;
    }

    /// <inheritdoc/>
    public override string ToString() => Spec;

    // A value the element type cannot hold (constant(value=1e300) in float32, orthogonal(gain=1e300)) is refused, never written as ∞.
    private void Structured<T>(PhiloxKey key, WeightShape shape, long firstIndex, Span<T> destination, Func<double, T> convert,
        Func<T, bool> finite, string typeName)
    {
        const int chunk = 1 << 20;
        var buffer = ArrayPool<double>.Shared.Rent(Math.Min(chunk, Math.Max(destination.Length, 1)));
        try
        {
            for (int from = 0; from < destination.Length; from += chunk)
            {
                int n = Math.Min(chunk, destination.Length - from);
                var values = buffer.AsSpan(0, n);
                FillStructured(key, shape, firstIndex + from, values);
                var dst = destination.Slice(from, n);
                for (int i = 0; i < n; i++)
                {
                    var v = convert(values[i]);
                    if (!finite(v) && double.IsFinite(values[i]))
                        throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                            $"{Spec}: element {firstIndex + from + i} of {shape} is {values[i]:G6}, beyond the largest finite {typeName}; use a smaller value or gain{(typeName == "float64" ? "" : ", or f64")}."));
                    dst[i] = v;
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    private static void CheckRange(WeightShape shape, long firstIndex, int length)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (firstIndex < 0 || firstIndex + length > shape.ElementCount)
            throw new ArgumentOutOfRangeException(nameof(firstIndex),
                $"Elements [{firstIndex}, {firstIndex + length}) do not lie inside a tensor of {shape.ElementCount} elements {shape}.");
    }
}
