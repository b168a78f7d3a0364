using WeightInit.LinearAlgebra;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Initializers;

/// <summary>A (semi-)orthogonal matrix, Haar-distributed, times <see cref="Gain"/> (Saxe, McClelland &amp; Ganguli 2014).</summary>
/// <remarks>
/// <para><b>Flattening rule.</b> The tensor is viewed as a matrix M of r × c: layout <see cref="WeightLayout.OutInKernel"/>
/// (PyTorch) gives r = shape[0], c = (elements)/r; layout <see cref="WeightLayout.KernelInOut"/> (Keras/JAX) gives c = shape[^1],
/// r = (elements)/c. M has orthonormal rows when r ≤ c and orthonormal columns when r &gt; c.</para>
/// <para><b>Method.</b> A = the float64 normal stream of the key as a max(r, c) × min(r, c) row-major matrix; Householder QR;
/// Q·diag(sign(diag R)) (Mezzadri 2007), which makes Q exactly Haar; M = Q, or Qᵀ when r &lt; c; then × gain.
/// Computed in double precision and rounded to the element type.</para>
/// Also known as: orthogonal init, Saxe init. Equivalent: PyTorch <c>orthogonal_(t, gain)</c>; Keras <c>Orthogonal(gain)</c>;
/// JAX <c>orthogonal(scale)</c>. (None of these can be reproduced bit for bit: they draw A from their own generators.)
/// </remarks>
/// <param name="Gain">The multiplier.</param>
public sealed record Orthogonal(double Gain = 1.0) : Initializer
{
    /// <summary>The multiplier.</summary>
    public double Gain { get; } = double.IsFinite(Gain) ? Gain : throw new ArgumentOutOfRangeException(nameof(Gain), Gain, "The gain must be finite.");

    private readonly OrthogonalCache _cache = new();

    /// <inheritdoc/>
    public override string Spec => $"orthogonal(gain={SpecText.Of(Gain)})";

    /// <inheritdoc/>
    public bool Equals(Orthogonal? other) => other is not null && Gain.Equals(other.Gain);

    /// <inheritdoc/>
    public override int GetHashCode() => Gain.GetHashCode();

    /// <summary>The matrix view r × c of a shape under the flattening rule.</summary>
    public static (int Rows, int Columns) MatrixView(WeightShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Rank < 2) throw new ArgumentException($"orthogonal needs a tensor of rank ≥ 2; got shape {shape}.");
        long n = shape.ElementCount;
        if (n > MaxElements)
            throw new ArgumentException($"orthogonal holds the whole matrix in memory (QR in float64); shape {shape} has {n:N0} elements, " +
                $"more than the largest matrix it can hold, {MaxElements:N0}.");
        int rows = shape.Layout switch
        {
            WeightLayout.KernelInOut or WeightLayout.InOut or WeightLayout.KernelOutIn or WeightLayout.KernelInMultiplier =>
                (int)(n / Math.Max(1, shape.Dimensions[^1])),
            _ => shape.Dimensions[0],
        };
        int columns = rows == 0 ? 0 : checked((int)(n / rows));
        return (rows, columns);
    }

    /// <summary>The most elements an orthogonal matrix may have: the largest .NET array.</summary>
    public static long MaxElements => Array.MaxLength;

    /// <summary>The r × c matrix M (row-major), gain included, for a key: a pure function of (key, r, c, gain).</summary>
    /// <exception cref="ArgumentException">r × c is above <see cref="MaxElements"/>, or the three float64 copies the QR needs
    /// exceed the memory this process may use.</exception>
    public static double[] Matrix(PhiloxKey key, int rows, int columns, double gain)
    {
        int tall = Math.Max(rows, columns), thin = Math.Min(rows, columns);
        long elements = (long)tall * thin;
        if (elements > MaxElements)
            throw new ArgumentException($"orthogonal holds the whole {rows} × {columns} matrix in memory; {elements:N0} elements are more than the largest matrix it can hold, {MaxElements:N0}.");
        long bytes = 3 * 8 * elements, available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (available > 0 && bytes > available)
            throw new ArgumentException($"orthogonal of a {rows} × {columns} matrix needs {bytes / 1e9:F1} GB (three float64 copies for the QR); this process may use {available / 1e9:F1} GB.");
        var a = new double[(long)tall * thin];
        new NormalDistribution(0, 1).Fill(key, a);
        var q = new double[a.Length];
        HouseholderQr.Decompose(a, tall, thin, q, Span<double>.Empty, Span<double>.Empty);
        var m = new double[a.Length];
        if (rows >= columns)
            for (int i = 0; i < q.Length; i++) m[i] = gain * q[i];
        else
            for (int i = 0; i < tall; i++)
                for (int j = 0; j < thin; j++)
                    m[(long)j * tall + i] = gain * q[(long)i * thin + j];
        return m;
    }

    private protected override void FillStructured(PhiloxKey key, WeightShape shape, long firstIndex, Span<double> values)
    {
        var m = _cache.Get(key, shape, () =>
        {
            var (rows, columns) = MatrixView(shape);
            return Matrix(key, rows, columns, Gain);
        });
        m.AsSpan((int)firstIndex, values.Length).CopyTo(values);
    }
}

/// <summary>Delta-orthogonal convolution kernels (Xiao et al. 2018): zero except at the kernel centre, where the [out, in] slice is orthogonal times the gain.</summary>
/// <remarks>
/// Requires out ≥ in (the slice has orthonormal columns, so the convolution is norm-preserving at initialization) and a
/// 3- to 5-D weight. Layout <see cref="WeightLayout.OutInKernel"/>: W[:, :, centre] = gain·Q with Q out × in;
/// <see cref="WeightLayout.KernelInOut"/>: W[centre, :, :] = gain·Qᵀ (in × out). The centre is (k − 1)/2 per kernel axis (JAX's choice).
/// Equivalent: JAX <c>delta_orthogonal(scale)</c>; PyTorch/Keras: none.
/// </remarks>
/// <param name="Gain">The multiplier.</param>
public sealed record DeltaOrthogonal(double Gain = 1.0) : Initializer
{
    /// <inheritdoc/>
    public override string Spec => $"delta_orthogonal(gain={SpecText.Of(Gain)})";

    private protected override void FillStructured(PhiloxKey key, WeightShape shape, long firstIndex, Span<double> values)
    {
        if (shape.Rank is < 3 or > 5) throw new ArgumentException($"delta_orthogonal needs a 3- to 5-D convolution weight; got shape {shape}.");
        var d = shape.Dimensions;
        bool keras = shape.Layout == WeightLayout.KernelInOut;
        if (!keras && shape.Layout != WeightLayout.OutInKernel)
            throw new ArgumentException($"delta_orthogonal supports layouts OutInKernel and KernelInOut; got {shape.Layout}.");
        int outputs = keras ? d[^1] : d[0], inputs = keras ? d[^2] : d[1];
        if (outputs < inputs) throw new ArgumentException($"delta_orthogonal needs out ≥ in (fan_in ≤ fan_out); got out = {outputs}, in = {inputs}.");
        var q = Orthogonal.Matrix(key, outputs, inputs, Gain); // out × in, orthonormal columns
        var kernelDims = keras ? d.Take(d.Count - 2).ToArray() : d.Skip(2).ToArray();
        long kernel = 1, centre = 0;
        foreach (int k in kernelDims) { centre = centre * k + (k - 1) / 2; kernel *= k; }
        for (int i = 0; i < values.Length; i++)
        {
            long e = firstIndex + i;
            if (keras)
            {
                long k = e / ((long)inputs * outputs), rest = e % ((long)inputs * outputs);
                values[i] = k == centre ? q[(rest % outputs) * inputs + rest / outputs] : 0.0;
            }
            else
            {
                long oi = e / kernel, k = e % kernel;
                values[i] = k == centre ? q[oi] : 0.0;
            }
        }
    }
}

/// <summary>A one-entry cache so that the chunks of one fill reuse the matrix instead of recomputing the QR.</summary>
internal sealed class OrthogonalCache
{
    private readonly Lock _lock = new();
    private (PhiloxKey Key, WeightShape Shape, double[] Matrix)? _entry;

    public double[] Get(PhiloxKey key, WeightShape shape, Func<double[]> compute)
    {
        lock (_lock)
        {
            if (_entry is { } e && e.Key == key && e.Shape.Equals(shape)) return e.Matrix;
        }
        var m = compute();
        lock (_lock) _entry = (key, shape, m);
        return m;
    }
}
