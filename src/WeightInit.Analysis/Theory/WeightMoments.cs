using WeightInit.Initializers;
using WeightInit.Shapes;

namespace WeightInit.Analysis.Theory;

/// <summary>The mean and second moment of one element of a tensor drawn by an initializer (over the initializer's randomness and the element position).</summary>
/// <param name="Mean">E[W], averaged over the elements.</param>
/// <param name="SecondMoment">E[W²], averaged over the elements; the variance is <c>SecondMoment − Mean²</c>.</param>
public readonly record struct ElementMoments(double Mean, double SecondMoment)
{
    /// <summary>E[W²] − E[W]², the element variance.</summary>
    public double Variance => SecondMoment - Mean * Mean;

    /// <summary>The element moments of <paramref name="initializer"/> on <paramref name="shape"/>, exactly, without drawing.</summary>
    /// <remarks>
    /// <para>Element-wise initializers: the distribution's expectation and variance (<see cref="Initializer.DistributionFor"/>).</para>
    /// <para>Structured ones, from their construction: orthogonal with gain g viewed as an r × c matrix has orthonormal rows (r ≤ c)
    /// or columns, so E[W²] = g²·min(r, c)/(r·c) = g²/max(r, c), i.e. g²/fan_in for a wide dense matrix, as variance scaling with
    /// scale g²; identity and dirac hold min(r, c) (per group) non-zero entries; delta-orthogonal holds the in × out orthonormal
    /// columns at the kernel centre, E[W²] = g²/(out·k…); sparse keeps a fraction 1 − ⌈s·rows⌉/rows of N(0, σ²) entries; constant c
    /// has mean c and second moment c²; Caffe's sparse gaussian keeps each entry with probability min(1, n/dim₀); bilinear is
    /// averaged over its fixed kernel.</para>
    /// </remarks>
    /// <exception cref="NotSupportedException">An initializer whose element moments have no closed form here (caffe.positive_unitball).</exception>
    public static ElementMoments Of(Initializer initializer, WeightShape shape)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        ArgumentNullException.ThrowIfNull(shape);
        if (initializer.DistributionFor(shape) is { } d)
            return new ElementMoments(d.Expectation, d.Variance + d.Expectation * d.Expectation);
        double count = shape.ElementCount;
        switch (initializer)
        {
            case Constant c:
                return new ElementMoments(c.Value, c.Value * c.Value);
            case Orthogonal o:
            {
                var (rows, columns) = Orthogonal.MatrixView(shape);
                return new ElementMoments(0, o.Gain * o.Gain / Math.Max(rows, columns));
            }
            case DeltaOrthogonal o:
            {
                var dims = shape.Dimensions;
                bool keras = shape.Layout == WeightLayout.KernelInOut;
                int inputs = keras ? dims[^2] : dims[1];
                return new ElementMoments(0, o.Gain * o.Gain * inputs / count);
            }
            case Identity i:
                return new ElementMoments(i.Gain * Math.Min(shape.Dimensions[0], shape.Dimensions[1]) / count,
                    i.Gain * i.Gain * Math.Min(shape.Dimensions[0], shape.Dimensions[1]) / count);
            case Dirac dirac:
            {
                var dims = shape.Dimensions;
                double ones = dirac.Groups * (double)Math.Min(dims[0] / dirac.Groups, dims[1]);
                return new ElementMoments(ones / count, ones / count);
            }
            case Sparse s:
            {
                int rows = shape.Dimensions[0];
                double kept = 1 - Math.Ceiling(s.Sparsity * rows) / rows;
                return new ElementMoments(0, kept * s.StdDev * s.StdDev);
            }
            case CaffeSparseGaussian g:
            {
                double p = Math.Min(1.0, (double)g.ExpectedNonZero / shape.Dimensions[0]);
                return new ElementMoments(p * g.Mean, p * (g.StdDev * g.StdDev + g.Mean * g.Mean));
            }
            case Bilinear b:
            {
                int k = shape.Dimensions[^1];
                double sum = 0, sumSquares = 0;
                for (int y = 0; y < k; y++)
                    for (int x = 0; x < k; x++) { double w = b.Weight(k, x, y); sum += w; sumSquares += w * w; }
                return new ElementMoments(sum / (k * k), sumSquares / (k * k));
            }
            default:
                throw new NotSupportedException(
                    $"The element moments of '{initializer.Spec}' have no closed form here; supported: every element-wise initializer, constant, orthogonal, delta_orthogonal, identity, dirac, sparse, caffe.gaussian, bilinear.");
        }
    }
}
