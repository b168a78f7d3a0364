using System.Globalization;

namespace WeightInit.Shapes;

/// <summary>Computes the fans of a weight tensor: exactly for a stated layout and group count, or as a named library does.</summary>
/// <remarks>
/// <para>
/// Exact fans of a (grouped) convolution with <c>C_in</c> input channels, <c>C_out</c> output channels, <c>g</c> groups and
/// kernel volume <c>K = ∏ kernel sizes</c>: fan_in = (C_in/g)·K, fan_out = (C_out/g)·K. A dense layer is the case K = 1, g = 1;
/// a depthwise convolution is g = C_in with C_out = multiplier·C_in, so fan_in = K and fan_out = multiplier·K.
/// A transposed convolution is counted in its own direction (its input channels feed its outputs), so the same formula
/// applies with the transposed layer's own C_in and C_out; stride is not counted, as in every surveyed library.
/// </para>
/// <para>
/// PyTorch, Keras, JAX, Caffe and MXNet instead take the whole second (or second-to-last) axis as "in" and the whole first
/// (or last) axis as "out": their fan_out of a grouped convolution is g times too large, Keras' fan_in of a depthwise kernel is
/// C_in times too large, and transposed weights get their fans swapped (PyTorch #23854, Keras #11773, TensorFlow #31192).
/// <see cref="FanConvention"/> reproduces those numbers on purpose.
/// </para>
/// </remarks>
public static class FanCalculator
{
    /// <summary>Exact fans of a weight tensor whose layout and group count are stated.</summary>
    /// <param name="shape">The weight shape, every dimension positive.</param>
    /// <param name="layout">Which axes are output channels, input channels and kernel.</param>
    /// <param name="groups">Number of channel groups of a grouped convolution (1 for an ordinary layer). For
    /// <see cref="WeightLayout.KernelInMultiplier"/> the layout itself is depthwise; pass 1 or the channel count.</param>
    /// <returns>fan_in = (inputs per group)·K and fan_out = (outputs per group)·K, K the kernel volume.</returns>
    /// <exception cref="ArgumentException">The rank is too small for the layout, a dimension is not positive, or
    /// <paramref name="groups"/> is not positive or does not divide the grouped channel axis.</exception>
    /// <example><c>FanCalculator.Compute([64, 1, 3, 3], WeightLayout.OutInKernel, groups: 64)</c> (a PyTorch depthwise 3×3)
    /// gives fan_in 9, fan_out 9.</example>
    public static Fans Compute(ReadOnlySpan<int> shape, WeightLayout layout, int groups = 1)
    {
        CheckDimensions(shape);
        if (groups <= 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"groups must be positive; got {groups}.");
        int rank = shape.Length;
        switch (layout)
        {
            case WeightLayout.OutIn:
            case WeightLayout.InOut:
            {
                if (rank != 2)
                    throw new ArgumentException($"Layout {layout} is a dense [{(layout == WeightLayout.OutIn ? "out, in" : "in, out")}] matrix and needs rank 2; got shape {Format(shape)} of rank {rank}. Use a kernel layout ({WeightLayout.OutInKernel} or {WeightLayout.KernelInOut}) for a convolution.", nameof(shape));
                if (groups != 1)
                    throw new ArgumentException($"A dense layout has no channel groups; groups must be 1, got {groups}.", nameof(groups));
                return layout == WeightLayout.OutIn ? new Fans(shape[1], shape[0]) : new Fans(shape[0], shape[1]);
            }
            case WeightLayout.OutInKernel:
            {
                RequireRank(shape, layout, "[out, in/g, k…]");
                long kernel = Product(shape[2..]);
                int outPerGroup = DivideByGroups(shape[0], groups, "output channels (axis 0)", shape, layout);
                return new Fans(Times(shape[1], kernel), Times(outPerGroup, kernel));
            }
            case WeightLayout.InOutKernel:
            {
                RequireRank(shape, layout, "[in, out/g, k…]");
                long kernel = Product(shape[2..]);
                int inPerGroup = DivideByGroups(shape[0], groups, "input channels (axis 0)", shape, layout);
                return new Fans(Times(inPerGroup, kernel), Times(shape[1], kernel));
            }
            case WeightLayout.KernelInOut:
            {
                RequireRank(shape, layout, "[k…, in/g, out]");
                long kernel = Product(shape[..^2]);
                int outPerGroup = DivideByGroups(shape[^1], groups, "output channels (last axis)", shape, layout);
                return new Fans(Times(shape[^2], kernel), Times(outPerGroup, kernel));
            }
            case WeightLayout.KernelOutIn:
            {
                RequireRank(shape, layout, "[k…, out/g, in]");
                long kernel = Product(shape[..^2]);
                int inPerGroup = DivideByGroups(shape[^1], groups, "input channels (last axis)", shape, layout);
                return new Fans(Times(inPerGroup, kernel), Times(shape[^2], kernel));
            }
            case WeightLayout.KernelInMultiplier:
            {
                RequireRank(shape, layout, "[k…, in, multiplier]");
                if (groups != 1 && groups != shape[^2])
                    throw new ArgumentException($"Layout {layout} is depthwise (one group per input channel); groups must be 1 or the channel count {shape[^2]}, got {groups}.", nameof(groups));
                long kernel = Product(shape[..^2]);
                return new Fans(kernel, Times(shape[^1], kernel));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(layout), layout, $"Unknown weight layout; valid: {string.Join(", ", Enum.GetNames<WeightLayout>())}.");
        }
    }

    /// <summary>Fans of a dense (fully connected) layer.</summary>
    /// <param name="inFeatures">Number of input features (the fan-in).</param>
    /// <param name="outFeatures">Number of output features (the fan-out).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive.</exception>
    public static Fans Dense(int inFeatures, int outFeatures)
    {
        CheckPositive(inFeatures, nameof(inFeatures));
        CheckPositive(outFeatures, nameof(outFeatures));
        return new Fans(inFeatures, outFeatures);
    }

    /// <summary>Exact fans of a convolution of any spatial rank, grouped or not.</summary>
    /// <param name="inChannels">Input channels of the layer (all groups together).</param>
    /// <param name="outChannels">Output channels of the layer (all groups together).</param>
    /// <param name="kernelSize">Kernel extent per spatial axis (empty for a 1×1… kernel of rank 0).</param>
    /// <param name="groups">Channel groups; both channel counts must be divisible by it. A depthwise convolution has
    /// groups = inChannels and outChannels = multiplier·inChannels.</param>
    /// <returns>fan_in = (inChannels/groups)·K, fan_out = (outChannels/groups)·K, K = ∏ kernelSize.</returns>
    /// <remarks>For a transposed convolution pass that layer's own input and output channels: its fans count connections in its
    /// own forward direction, which is what Flax does and what PyTorch, Keras and Caffe get swapped.</remarks>
    /// <exception cref="ArgumentException">A count or kernel extent is not positive, or groups does not divide a channel count.</exception>
    public static Fans Convolution(int inChannels, int outChannels, ReadOnlySpan<int> kernelSize, int groups = 1)
    {
        CheckPositive(inChannels, nameof(inChannels));
        CheckPositive(outChannels, nameof(outChannels));
        CheckPositive(groups, nameof(groups));
        for (int i = 0; i < kernelSize.Length; i++)
            if (kernelSize[i] <= 0)
                throw new ArgumentException($"Kernel extents must be positive; kernelSize[{i}] = {kernelSize[i]} in {Format(kernelSize)}.", nameof(kernelSize));
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"groups = {groups} must divide both inChannels = {inChannels} and outChannels = {outChannels}.", nameof(groups));
        long kernel = Product(kernelSize);
        return new Fans(Times(inChannels / groups, kernel), Times(outChannels / groups, kernel));
    }

    /// <summary>Exact fans of a depthwise convolution: each of <paramref name="channels"/> inputs has its own <paramref name="depthMultiplier"/> filters.</summary>
    /// <returns>fan_in = K, fan_out = depthMultiplier·K, K = ∏ kernelSize.</returns>
    /// <exception cref="ArgumentException">A count or kernel extent is not positive.</exception>
    public static Fans DepthwiseConvolution(int channels, int depthMultiplier, ReadOnlySpan<int> kernelSize)
    {
        CheckPositive(channels, nameof(channels));
        CheckPositive(depthMultiplier, nameof(depthMultiplier));
        if (channels > int.MaxValue / depthMultiplier)
            throw new ArgumentException($"channels·depthMultiplier = {(long)channels * depthMultiplier} output channels exceeds {int.MaxValue}.", nameof(depthMultiplier));
        return Convolution(channels, channels * depthMultiplier, kernelSize, groups: channels);
    }

    /// <summary>Fans as the named library computes them from a bare shape (its assumed layout, no groups), reproduced exactly.</summary>
    /// <param name="shape">The weight shape, every dimension positive.</param>
    /// <param name="convention">Whose computation to reproduce.</param>
    /// <exception cref="ArgumentException">The library itself rejects the rank (the message quotes its error), or a dimension is not
    /// positive (the libraries disagree on empty tensors; see docs/layouts-and-fans.md).</exception>
    public static Fans Compute(ReadOnlySpan<int> shape, FanConvention convention)
    {
        CheckDimensions(shape);
        int rank = shape.Length;
        switch (convention)
        {
            case FanConvention.PyTorch:
            case FanConvention.MXNet:
            {
                if (rank < 2)
                    throw new ArgumentException(convention == FanConvention.PyTorch
                        ? $"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (PyTorch convention; shape {Format(shape)})."
                        : $"Xavier initializer cannot be applied to vector; it requires at least 2D (MXNet convention; shape {Format(shape)}).", nameof(shape));
                long receptiveField = Product(shape[2..]);
                return new Fans(Times(shape[1], receptiveField), Times(shape[0], receptiveField));
            }
            case FanConvention.Keras:
            {
                if (rank == 0)
                    return new Fans(1, 1);
                if (rank == 1)
                    return new Fans(shape[0], shape[0]);
                long receptiveField = Product(shape[..^2]);
                return new Fans(Times(shape[^2], receptiveField), Times(shape[^1], receptiveField));
            }
            case FanConvention.Jax:
                return Jax(shape, [-2], [-1], []);
            case FanConvention.Caffe:
            {
                if (rank == 0)
                    throw new ArgumentException("Caffe's fillers read shape(0), which a rank-0 blob does not have (Caffe convention; shape []).", nameof(shape));
                long count = Product(shape);
                return new Fans(count / shape[0], rank > 1 ? count / shape[1] : count);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(convention), convention, $"Unknown fan convention; valid: {string.Join(", ", Enum.GetNames<FanConvention>())}.");
        }
    }

    /// <summary>JAX <c>_compute_fans(shape, in_axis, out_axis, batch_axis)</c> with explicit axes (negative axes count from the end).</summary>
    /// <param name="shape">The weight shape, rank at least 2, every dimension positive.</param>
    /// <param name="inAxes">Axes whose product is the input size (JAX default: [-2]).</param>
    /// <param name="outAxes">Axes whose product is the output size (JAX default: [-1]).</param>
    /// <param name="batchAxes">Axes that index independent matrices and count in neither fan (JAX default: none).</param>
    /// <returns>fan_in = in·rf, fan_out = out·rf, rf = ∏shape / in / out / batch.</returns>
    /// <remarks>Like JAX, axes may overlap: Flax's <c>Embed</c> uses in_axis=-2 and out_axis=0, the same axis of its
    /// <c>[vocabulary, features]</c> table, which makes both fans equal to the feature count.</remarks>
    /// <exception cref="ArgumentException">Rank below 2, an axis out of range, an empty in/out axis list, or a dimension not positive.</exception>
    public static Fans Jax(ReadOnlySpan<int> shape, ReadOnlySpan<int> inAxes, ReadOnlySpan<int> outAxes, ReadOnlySpan<int> batchAxes)
    {
        CheckDimensions(shape);
        int rank = shape.Length;
        if (rank <= 1)
            throw new ArgumentException($"Can't compute input and output sizes of a {rank}-dimensional weights tensor. Must be at least 2D (JAX convention; shape {Format(shape)}).", nameof(shape));
        if (inAxes.IsEmpty)
            throw new ArgumentException("inAxes must name at least one axis.", nameof(inAxes));
        if (outAxes.IsEmpty)
            throw new ArgumentException("outAxes must name at least one axis.", nameof(outAxes));
        double inSize = AxisProduct(shape, inAxes, nameof(inAxes));
        double outSize = AxisProduct(shape, outAxes, nameof(outAxes));
        double batchSize = AxisProduct(shape, batchAxes, nameof(batchAxes));
        // Exactly JAX's float arithmetic: total / in / out / batch (exact here because each divides the total).
        double receptiveField = (double)Product(shape) / inSize / outSize / batchSize;
        return new Fans(inSize * receptiveField, outSize * receptiveField);
    }

    private static double AxisProduct(ReadOnlySpan<int> shape, ReadOnlySpan<int> axes, string name)
    {
        double product = 1;
        foreach (int axis in axes)
        {
            int a = axis < 0 ? axis + shape.Length : axis;
            if (a < 0 || a >= shape.Length)
                throw new ArgumentException($"Axis {axis} is out of range for shape {Format(shape)} of rank {shape.Length} (valid: {-shape.Length}…{shape.Length - 1}).", name);
            product *= shape[a];
        }
        return product;
    }

    private static void RequireRank(ReadOnlySpan<int> shape, WeightLayout layout, string pattern)
    {
        if (shape.Length < 2)
            throw new ArgumentException($"Layout {layout} is {pattern} and needs rank at least 2; got shape {Format(shape)} of rank {shape.Length}.", nameof(shape));
    }

    private static int DivideByGroups(int channels, int groups, string axisName, ReadOnlySpan<int> shape, WeightLayout layout)
    {
        if (channels % groups != 0)
            throw new ArgumentException($"groups = {groups} does not divide the {axisName} = {channels} of shape {Format(shape)} in layout {layout}.", "groups");
        return channels / groups;
    }

    private static void CheckDimensions(ReadOnlySpan<int> shape)
    {
        for (int i = 0; i < shape.Length; i++)
            if (shape[i] <= 0)
                throw new ArgumentException($"Fans need every dimension positive; dimension {i} of shape {Format(shape)} is {shape[i]}. An empty tensor has nothing to initialize.", nameof(shape));
    }

    private static void CheckPositive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive; got {value}.");
    }

    /// <summary>∏ dims, rejected past 2^53 where doubles stop holding every integer (so every fan stays exact).</summary>
    private static long Product(ReadOnlySpan<int> dims)
    {
        long product = 1;
        foreach (int d in dims)
            product = Times(d, product);
        return product;
    }

    /// <summary>a·b for positive a, b, rejected past 2^53.</summary>
    private static long Times(int a, long b) =>
        b <= MaxExactProduct / a
            ? a * b
            : throw new ArgumentException($"A fan or kernel volume would exceed 2^53 = {MaxExactProduct} ({a}·{b}); it would not be exact in double precision.", "shape");

    private const long MaxExactProduct = 1L << 53;

    internal static string Format(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }
}
