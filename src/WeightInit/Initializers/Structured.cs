using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Initializers;

/// <summary>The identity matrix times <see cref="Gain"/>: W[i, j] = gain if i = j, else 0 (2-D only; a rectangular matrix gets ones on its main diagonal).</summary>
/// <remarks>
/// Keeps a linear layer's input unchanged (Le, Jaitly &amp; Hinton 2015 for IRNNs).
/// Equivalent: PyTorch <c>eye_(t)</c> (no gain); Keras <c>Identity(gain)</c> / <c>IdentityInitializer</c>; JAX has none.
/// </remarks>
/// <param name="Gain">The diagonal value.</param>
public sealed record Identity(double Gain = 1.0) : Initializer
{
    /// <inheritdoc/>
    public override string Spec => $"identity(gain={SpecText.Of(Gain)})";

    private protected override void FillStructured(PhiloxKey key, WeightShape shape, long firstIndex, Span<double> values)
    {
        if (shape.Rank != 2) throw new ArgumentException($"identity needs a 2-D tensor; got shape {shape}.");
        int cols = shape.Dimensions[1];
        for (int i = 0; i < values.Length; i++)
        {
            long e = firstIndex + i;
            values[i] = e / cols == e % cols ? Gain : 0.0;
        }
    }
}

/// <summary>The Dirac delta: a convolution that passes its input through unchanged (per group).</summary>
/// <remarks>
/// For a weight [out, in/groups, k…] (layout <see cref="WeightLayout.OutInKernel"/>): W[g·out/groups + d, d, centre] = 1 for every group g
/// and d &lt; min(out/groups, in/groups), 0 elsewhere; centre = k/2 (integer division) along each kernel axis.
/// Equivalent: PyTorch <c>dirac_(t, groups)</c>; Keras/JAX: none.
/// </remarks>
/// <param name="Groups">The number of groups the output channels split into; must divide the first dimension.</param>
public sealed record Dirac(int Groups = 1) : Initializer
{
    /// <summary>The number of groups.</summary>
    public int Groups { get; } = Groups >= 1 ? Groups : throw new ArgumentOutOfRangeException(nameof(Groups), Groups, "Groups must be ≥ 1.");

    /// <inheritdoc/>
    public override string Spec => Groups == 1 ? "dirac" : $"dirac(groups={Groups})";

    private protected override void FillStructured(PhiloxKey key, WeightShape shape, long firstIndex, Span<double> values)
    {
        if (shape.Rank is < 3 or > 5) throw new ArgumentException($"dirac needs a 3-, 4- or 5-D convolution weight; got shape {shape}.");
        if (shape.Layout != WeightLayout.OutInKernel) throw new ArgumentException($"dirac supports layout OutInKernel [out, in, k…]; got {shape.Layout}.");
        var d = shape.Dimensions;
        if (d[0] % Groups != 0) throw new ArgumentException($"dirac: dimension 0 ({d[0]}) must be divisible by groups ({Groups}).");
        int outPerGroup = d[0] / Groups, inputs = d[1];
        long kernel = 1, centre = 0;
        for (int a = 2; a < shape.Rank; a++) { centre = centre * d[a] + d[a] / 2; kernel *= d[a]; }
        long perOut = inputs * kernel;
        for (int i = 0; i < values.Length; i++)
        {
            long e = firstIndex + i;
            long o = e / perOut, rest = e % perOut;
            long c = rest / kernel, k = rest % kernel;
            long within = o % outPerGroup;
            values[i] = k == centre && c == within && within < Math.Min(outPerGroup, inputs) ? 1.0 : 0.0;
        }
    }
}

/// <summary>Bilinear-upsampling kernels for transposed convolutions: every [K, K] slice is w(x, y) = (1 − |x/f − c|)(1 − |y/f − c|).</summary>
/// <remarks>
/// f = ⌈K/2⌉ and c = (K − 1)/(2f): the kernel is centred (Caffe since commit 888597e, 2017; FCN's <c>upsample_filt</c>; CNTK).
/// <see cref="Legacy"/> selects the pre-2017 centre c = (2f − 1 − f mod 2)/(2f) still used by MXNet's <c>Bilinear</c>, which is off-centre
/// for K ≡ 2, 3 (mod 4) (K = 3: middle row [0.1875, 0.5625, 0.5625] instead of [0.5, 1, 0.5]).
/// Requires a 4-D weight [out, in, K, K] with square kernels. Equivalent: Caffe <c>bilinear</c> filler; MXNet <c>Bilinear()</c> (legacy).
/// </remarks>
/// <param name="Legacy">Use the pre-2017 off-centre formula.</param>
public sealed record Bilinear(bool Legacy = false) : Initializer
{
    /// <inheritdoc/>
    public override string Spec => Legacy ? "bilinear(legacy=true)" : "bilinear";

    /// <summary>The weight at column x and row y of a K×K kernel.</summary>
    public double Weight(int kernelSize, int x, int y)
    {
        int f = (kernelSize + 1) / 2;
        double c = Legacy ? (2.0 * f - 1 - f % 2) / (2.0 * f) : (kernelSize - 1) / (2.0 * f);
        return (1 - Math.Abs((double)x / f - c)) * (1 - Math.Abs((double)y / f - c));
    }

    private protected override void FillStructured(PhiloxKey key, WeightShape shape, long firstIndex, Span<double> values)
    {
        if (shape.Rank != 4 || shape.Dimensions[2] != shape.Dimensions[3])
            throw new ArgumentException($"bilinear needs a 4-D weight [out, in, K, K] with a square kernel; got shape {shape}.");
        int k = shape.Dimensions[3];
        for (int i = 0; i < values.Length; i++)
        {
            long e = (firstIndex + i) % ((long)k * k);
            values[i] = Weight(k, (int)(e % k), (int)(e / k));
        }
    }
}

/// <summary>Sparse initialization (Martens 2010, as PyTorch defines it): in each column of a 2-D weight exactly ⌈sparsity·rows⌉ entries are zero, the others N(0, std²).</summary>
/// <remarks>
/// The zero positions of column j are the rows with the smallest random words (stream 1 of the key, one word per element,
/// ties broken by row index): an exact count, no rejection. The values come from the float64 normal stream of the key.
/// Equivalent: PyTorch <c>sparse_(t, sparsity, std)</c> (whose zero mask ignores the <c>generator</c> argument); Keras/JAX: none.
/// </remarks>
/// <param name="Sparsity">The fraction of zeros per column, in [0, 1].</param>
/// <param name="StdDev">The standard deviation of the non-zero entries.</param>
public sealed record Sparse(double Sparsity, double StdDev = 0.01) : Initializer
{
    /// <summary>The fraction of zeros per column.</summary>
    public double Sparsity { get; } = Sparsity is >= 0 and <= 1 ? Sparsity
        : throw new ArgumentOutOfRangeException(nameof(Sparsity), Sparsity, "Sparsity must lie in [0, 1].");

    /// <inheritdoc/>
    public override string Spec => $"sparse(sparsity={SpecText.Of(Sparsity)}, std={SpecText.Of(StdDev)})";

    private protected override void FillStructured(PhiloxKey key, WeightShape shape, long firstIndex, Span<double> values)
    {
        if (shape.Rank != 2) throw new ArgumentException($"sparse needs a 2-D tensor; got shape {shape}.");
        int rows = shape.Dimensions[0], cols = shape.Dimensions[1];
        int zeros = (int)Math.Ceiling(Sparsity * rows);
        new NormalDistribution(0, StdDev).Fill(key, 0, values, firstIndex, null);
        long first = firstIndex, end = firstIndex + values.Length;
        var order = new (uint Word, int Row)[rows];
        var words = new uint[((long)rows * cols + 63) & ~63L];
        PhiloxWords.Fill(key, 1, 0, words);
        for (int c = 0; c < cols; c++)
        {
            for (int r = 0; r < rows; r++) order[r] = (words[(long)r * cols + c], r);
            Array.Sort(order, (a, b) => a.Word != b.Word ? a.Word.CompareTo(b.Word) : a.Row.CompareTo(b.Row));
            for (int z = 0; z < zeros; z++)
            {
                long e = (long)order[z].Row * cols + c;
                if (e >= first && e < end) values[(int)(e - first)] = 0.0;
            }
        }
    }
}

/// <summary>Caffe's <c>positive_unitball</c>: U(0, 1) entries, then each of the shape[0] rows divided by its sum (rows are non-negative and sum to 1).</summary>
/// <remarks>Equivalent: Caffe <c>positive_unitball</c> filler; no other anchor library has it.</remarks>
public sealed record PositiveUnitBall : Initializer
{
    /// <inheritdoc/>
    public override string Spec => "caffe.positive_unitball";

    private protected override void FillStructured(PhiloxKey key, WeightShape shape, long firstIndex, Span<double> values)
    {
        if (shape.Rank < 1 || shape.Dimensions[0] == 0) throw new ArgumentException($"positive_unitball needs at least one row; got shape {shape}.");
        long dim = shape.ElementCount / shape.Dimensions[0];
        long r0 = firstIndex / dim, r1 = (firstIndex + values.Length + dim - 1) / dim;
        var row = new double[dim];
        var uniform = new UniformDistribution(0, 1);
        for (long r = r0; r < r1; r++)
        {
            uniform.Fill(key, 0, row, r * dim, null);
            double sum = 0;
            foreach (double v in row) sum += v;
            for (long j = 0; j < dim; j++)
            {
                long e = r * dim + j;
                if (e >= firstIndex && e < firstIndex + values.Length) values[(int)(e - firstIndex)] = row[j] / sum;
            }
        }
    }
}

/// <summary>Caffe's <c>gaussian</c> filler with <c>sparse</c> = k ≥ 0: N(mean, std²) entries kept with probability k / shape[0] (a Bernoulli mask), else 0.</summary>
/// <remarks>The mask of element i is word i of stream 1 of the key compared with p·2³²; the values are the float64 normal stream. Equivalent: Caffe <c>gaussian</c> filler with <c>sparse</c>.</remarks>
/// <param name="Mean">The mean of the kept entries.</param>
/// <param name="StdDev">Their standard deviation.</param>
/// <param name="ExpectedNonZero">Caffe's <c>sparse</c>: the expected number of non-zero weights per output.</param>
public sealed record CaffeSparseGaussian(double Mean, double StdDev, int ExpectedNonZero) : Initializer
{
    /// <inheritdoc/>
    public override string Spec => $"caffe.gaussian(mean={SpecText.Of(Mean)}, std={SpecText.Of(StdDev)}, sparse={ExpectedNonZero})";

    private protected override void FillStructured(PhiloxKey key, WeightShape shape, long firstIndex, Span<double> values)
    {
        if (shape.Rank < 1 || shape.Dimensions[0] == 0) throw new ArgumentException($"caffe.gaussian with sparse needs at least one axis; got shape {shape}.");
        double p = Math.Min(1.0, (double)ExpectedNonZero / shape.Dimensions[0]);
        new NormalDistribution(Mean, StdDev).Fill(key, 0, values, firstIndex, null);
        for (int i = 0; i < values.Length; i++)
        {
            uint w = PhiloxWords.Word(key, 1, (ulong)(firstIndex + i));
            if (w * 2.3283064365386962890625E-10 >= p) values[i] = 0.0;
        }
    }
}
