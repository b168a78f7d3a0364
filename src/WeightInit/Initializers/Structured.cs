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
        if (zeros == 0 || values.Length == 0) return;
        SparseMask.Apply(key, rows, cols, zeros, firstIndex, values);
    }
}

/// <summary>The zero mask of <see cref="Sparse"/>: in column c the rows whose key (word, row) is among the <c>zeros</c> smallest.</summary>
/// <remarks>
/// The key of element (r, c) is its stream-1 word in the high 32 bits and r in the low 32 bits, so keys are distinct and ordered
/// like (word, row). Each column's <c>zeros</c>-th smallest key is found once by selection (linear time) and cached per
/// (key, shape) for the chunks of one fill; an element is zero when its key is at most that threshold. Only the columns a fill
/// touches are computed, and each element's own word is generated once for the range filled.
/// </remarks>
internal static class SparseMask
{
    private static readonly Lock Gate = new();
    private static (PhiloxKey Key, int Rows, int Cols, int Zeros, ulong[] Threshold, bool[] Done)? _entry;

    /// <summary>Sets to zero the elements of [firstIndex, firstIndex + values.Length) that the mask zeroes.</summary>
    public static void Apply(PhiloxKey key, int rows, int cols, int zeros, long firstIndex, Span<double> values)
    {
        var threshold = Thresholds(key, rows, cols, zeros, firstIndex, values.Length);
        const int batchGroups = 256;
        var words = System.Buffers.ArrayPool<uint>.Shared.Rent(batchGroups * PhiloxWords.WordsPerGroup);
        try
        {
            long end = firstIndex + values.Length;
            for (long g = firstIndex / PhiloxWords.WordsPerGroup; g * PhiloxWords.WordsPerGroup < end; g += batchGroups)
            {
                long gEnd = Math.Min(g + batchGroups, (end + PhiloxWords.WordsPerGroup - 1) / PhiloxWords.WordsPerGroup);
                var w = words.AsSpan(0, (int)(gEnd - g) * PhiloxWords.WordsPerGroup);
                PhiloxWords.Fill(key, 1, (ulong)g, w);
                long from = Math.Max(firstIndex, g * PhiloxWords.WordsPerGroup), to = Math.Min(end, gEnd * PhiloxWords.WordsPerGroup);
                long r = from / cols;
                int c = (int)(from % cols);
                for (long e = from; e < to; e++)
                {
                    ulong k = ((ulong)w[(int)(e - g * PhiloxWords.WordsPerGroup)] << 32) | (uint)r;
                    if (k <= threshold[c]) values[(int)(e - firstIndex)] = 0.0;
                    if (++c == cols) { c = 0; r++; }
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<uint>.Shared.Return(words);
        }
    }

    // The per-column thresholds, with every column that [firstIndex, firstIndex + count) touches computed.
    private static ulong[] Thresholds(PhiloxKey key, int rows, int cols, int zeros, long firstIndex, int count)
    {
        ulong[] threshold;
        bool[] done;
        lock (Gate)
        {
            if (_entry is { } e && e.Key == key && e.Rows == rows && e.Cols == cols && e.Zeros == zeros) (threshold, done) = (e.Threshold, e.Done);
            else
            {
                (threshold, done) = (new ulong[cols], new bool[cols]);
                _entry = (key, rows, cols, zeros, threshold, done);
            }
        }
        // The touched columns: all of them once the range spans a row, else one or two runs.
        int c0 = (int)(firstIndex % cols);
        if (count >= cols) Compute(key, rows, cols, zeros, 0, cols, threshold, done);
        else if (c0 + count <= cols) Compute(key, rows, cols, zeros, c0, c0 + count, threshold, done);
        else
        {
            Compute(key, rows, cols, zeros, c0, cols, threshold, done);
            Compute(key, rows, cols, zeros, 0, c0 + count - cols, threshold, done);
        }
        return threshold;
    }

    // Columns [from, to) in blocks: the block's words row by row, transposed into one key array per column, then selection.
    private static void Compute(PhiloxKey key, int rows, int cols, int zeros, int from, int to, ulong[] threshold, bool[] done)
    {
        int width = (int)Math.Clamp((1 << 21) / Math.Max(rows, 1), 64, 4096);
        var keys = new ulong[(long)rows * Math.Min(width, to - from)];
        var words = new uint[(Math.Min(width, to - from) / PhiloxWords.WordsPerGroup + 2) * PhiloxWords.WordsPerGroup];
        for (int b0 = from; b0 < to; b0 += width)
        {
            int b1 = Math.Min(to, b0 + width);
            while (b0 < b1 && Volatile.Read(ref done[b0])) b0++;
            while (b1 > b0 && Volatile.Read(ref done[b1 - 1])) b1--;
            if (b0 == b1) continue;
            int w = b1 - b0;
            for (int r = 0; r < rows; r++)
            {
                long p0 = (long)r * cols + b0, p1 = (long)r * cols + b1;
                long g0 = p0 / PhiloxWords.WordsPerGroup, g1 = (p1 + PhiloxWords.WordsPerGroup - 1) / PhiloxWords.WordsPerGroup;
                var span = words.AsSpan(0, (int)(g1 - g0) * PhiloxWords.WordsPerGroup);
                PhiloxWords.Fill(key, 1, (ulong)g0, span);
                int offset = (int)(p0 - g0 * PhiloxWords.WordsPerGroup);
                for (int j = 0; j < w; j++) keys[(long)j * rows + r] = ((ulong)span[offset + j] << 32) | (uint)r;
            }
            for (int j = 0; j < w; j++)
            {
                threshold[b0 + j] = Select(keys.AsSpan((int)((long)j * rows), rows), zeros - 1);
                Volatile.Write(ref done[b0 + j], true);
            }
        }
    }

    /// <summary>The k-th smallest (0-based) of distinct values, by quickselect (reorders <paramref name="a"/>).</summary>
    internal static ulong Select(Span<ulong> a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        while (lo < hi)
        {
            // Median of three as the pivot.
            int mid = lo + (hi - lo) / 2;
            if (a[mid] < a[lo]) (a[mid], a[lo]) = (a[lo], a[mid]);
            if (a[hi] < a[lo]) (a[hi], a[lo]) = (a[lo], a[hi]);
            if (a[hi] < a[mid]) (a[hi], a[mid]) = (a[mid], a[hi]);
            ulong pivot = a[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { (a[i], a[j]) = (a[j], a[i]); i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return a[k];
        }
        return a[k];
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

/// <summary>An embedding table's initialization: every element N(mean, std²), except row <see cref="PaddingIndex"/> (index along dimension 0), which is zero.</summary>
/// <remarks>
/// Without a padding index it is exactly <c>normal(mean, std)</c> (same distribution, same bits). With one, the values come from the
/// float64 normal stream of the key, and the <c>padding_idx</c> row (elements [p·cols, (p+1)·cols) in row-major order) is zero,
/// so the padding token's vector starts at zero as in the library's module.
/// Equivalent: PyTorch <c>nn.Embedding(n, d, padding_idx=p)</c> (N(0, 1), <c>_fill_padding_idx_with_zero</c>); Hugging Face
/// <c>_init_weights</c> for <c>nn.Embedding</c>: <c>weight.normal_(0, initializer_range)</c> then <c>weight[padding_idx].zero_()</c>.
/// </remarks>
/// <param name="Mean">The mean.</param>
/// <param name="StdDev">The standard deviation.</param>
/// <param name="PaddingIndex">The row that is zero, 0 ≤ p &lt; dimension 0, or null for none.</param>
public sealed record Embedding(double Mean = 0, double StdDev = 1, long? PaddingIndex = null) : Initializer
{
    private readonly NormalDistribution _normal = new(Mean, StdDev);

    /// <summary>The padding row, or null.</summary>
    public long? PaddingIndex { get; } = PaddingIndex is null or >= 0 ? PaddingIndex
        : throw new ArgumentOutOfRangeException(nameof(PaddingIndex), PaddingIndex, "padding_idx must be ≥ 0 (a row of the table).");

    /// <inheritdoc/>
    public override string Spec => $"embedding(mean={SpecText.Of(Mean)}, std={SpecText.Of(StdDev)}" + (PaddingIndex is { } p ? $", padding_idx={p})" : ")");

    /// <inheritdoc/>
    public override Distribution? DistributionFor(WeightShape shape) => PaddingIndex is null ? _normal : null;

    private protected override void FillStructured(PhiloxKey key, WeightShape shape, long firstIndex, Span<double> values)
    {
        if (shape.Rank < 1 || PaddingIndex >= shape.Dimensions[0])
            throw new ArgumentException($"embedding: padding_idx {PaddingIndex} is not a row of a tensor of shape {shape}.");
        _normal.Fill(key, 0, values, firstIndex, null);
        long cols = shape.ElementCount / shape.Dimensions[0];
        long start = PaddingIndex!.Value * cols - firstIndex, end = start + cols;
        start = Math.Max(start, 0);
        end = Math.Min(end, values.Length);
        if (start < end) values[(int)start..(int)end].Clear();
    }
}
