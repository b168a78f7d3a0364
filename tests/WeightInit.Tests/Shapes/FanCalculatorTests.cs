using WeightInit.Shapes;

namespace WeightInit.Tests.Shapes;

public class FanCalculatorTests
{
    // Exact fans of a stated layout. Cases from docs/layouts-and-fans.md and the survey's fan table (§2.3):
    // fan_in = (C_in/g)·K, fan_out = (C_out/g)·K.
    [Theory]
    [InlineData(new[] { 3, 5 }, WeightLayout.OutIn, 1, 5, 3)]                        // PyTorch nn.Linear(5, 3)
    [InlineData(new[] { 5, 3 }, WeightLayout.InOut, 1, 5, 3)]                        // Keras / Flax Dense(3) on 5 features
    [InlineData(new[] { 3, 5 }, WeightLayout.OutInKernel, 1, 5, 3)]                  // rank 2 = dense
    [InlineData(new[] { 5, 3 }, WeightLayout.KernelInOut, 1, 5, 3)]
    [InlineData(new[] { 20, 10, 5, 5 }, WeightLayout.OutInKernel, 1, 250, 500)]      // Conv2d(10, 20, 5)
    [InlineData(new[] { 8, 4, 3 }, WeightLayout.OutInKernel, 1, 12, 24)]             // Conv1d(4, 8, 3)
    [InlineData(new[] { 8, 4, 3, 3, 3 }, WeightLayout.OutInKernel, 1, 108, 216)]     // Conv3d(4, 8, 3)
    [InlineData(new[] { 3, 7, 2, 2, 2, 2, 2 }, WeightLayout.OutInKernel, 1, 224, 96)] // rank-5 kernel
    [InlineData(new[] { 5, 5, 10, 20 }, WeightLayout.KernelInOut, 1, 250, 500)]      // Keras Conv2D(20, 5) on 10 channels
    [InlineData(new[] { 64, 16, 3, 3 }, WeightLayout.OutInKernel, 4, 144, 144)]      // Conv2d(64, 64, 3, groups=4): out/g = 16
    [InlineData(new[] { 3, 3, 16, 64 }, WeightLayout.KernelInOut, 4, 144, 144)]      // Flax Conv(64, feature_group_count=4)
    [InlineData(new[] { 64, 1, 3, 3 }, WeightLayout.OutInKernel, 64, 9, 9)]          // PyTorch depthwise, multiplier 1
    [InlineData(new[] { 128, 1, 3, 3 }, WeightLayout.OutInKernel, 64, 9, 18)]        // PyTorch depthwise, multiplier 2
    [InlineData(new[] { 3, 3, 32, 2 }, WeightLayout.KernelInMultiplier, 1, 9, 18)]   // Keras DepthwiseConv2D(depth_multiplier=2)
    [InlineData(new[] { 3, 3, 32, 2 }, WeightLayout.KernelInMultiplier, 32, 9, 18)]
    [InlineData(new[] { 16, 8, 3, 3 }, WeightLayout.InOutKernel, 1, 144, 72)]        // ConvTranspose2d(16, 8, 3): weight [in, out, k, k]
    [InlineData(new[] { 16, 2, 3, 3 }, WeightLayout.InOutKernel, 4, 36, 18)]         // ConvTranspose2d(16, 8, 3, groups=4)
    [InlineData(new[] { 3, 3, 8, 16 }, WeightLayout.KernelOutIn, 1, 144, 72)]        // Keras Conv2DTranspose(8, 3) on 16 channels
    [InlineData(new[] { 3, 3, 2, 16 }, WeightLayout.KernelOutIn, 4, 36, 18)]
    [InlineData(new[] { 1, 1 }, WeightLayout.OutInKernel, 1, 1, 1)]
    public void Compute_StatedLayout_ExactFans(int[] shape, WeightLayout layout, int groups, double fanIn, double fanOut)
    {
        Assert.Equal(new Fans(fanIn, fanOut), FanCalculator.Compute(shape, layout, groups));
    }

    [Fact]
    public void Compute_SameLayerInEveryLayout_SameFans()
    {
        // One grouped 2-D convolution, C_in 12, C_out 18, groups 3, kernel 5×7, written in each layout that can hold it.
        var expected = FanCalculator.Convolution(12, 18, [5, 7], groups: 3);
        Assert.Equal(new Fans(4 * 35, 6 * 35), expected);
        Assert.Equal(expected, FanCalculator.Compute([18, 4, 5, 7], WeightLayout.OutInKernel, 3));
        Assert.Equal(expected, FanCalculator.Compute([5, 7, 4, 18], WeightLayout.KernelInOut, 3));
        // The transposed layer with the same C_in, C_out, groups (weights [in, out/g, k…] / [k…, out/g, in]).
        Assert.Equal(expected, FanCalculator.Compute([12, 6, 5, 7], WeightLayout.InOutKernel, 3));
        Assert.Equal(expected, FanCalculator.Compute([5, 7, 6, 12], WeightLayout.KernelOutIn, 3));
    }

    [Fact]
    public void DepthwiseConvolution_MatchesGroupedFormAndKerasLayout()
    {
        var fans = FanCalculator.DepthwiseConvolution(32, 3, [5, 5]);
        Assert.Equal(new Fans(25, 75), fans);
        Assert.Equal(fans, FanCalculator.Convolution(32, 96, [5, 5], groups: 32));
        Assert.Equal(fans, FanCalculator.Compute([96, 1, 5, 5], WeightLayout.OutInKernel, 32));
        Assert.Equal(fans, FanCalculator.Compute([5, 5, 32, 3], WeightLayout.KernelInMultiplier));
    }

    [Fact]
    public void Dense_CountsAreTheFans()
    {
        Assert.Equal(new Fans(784, 10), FanCalculator.Dense(784, 10));
        Assert.Equal(FanCalculator.Dense(784, 10), FanCalculator.Convolution(784, 10, []));
    }

    // Each library's own numbers, including its known-wrong ones (survey §2.3, docs/layouts-and-fans.md).
    [Theory]
    // PyTorch / MXNet [out, in, k…].
    [InlineData(FanConvention.PyTorch, new[] { 3, 5 }, 5, 3)]
    [InlineData(FanConvention.PyTorch, new[] { 20, 10, 5, 5 }, 250, 500)]
    [InlineData(FanConvention.PyTorch, new[] { 64, 16, 3, 3 }, 144, 576)]      // grouped (g=4): fan_out 4× too big (PyTorch #23854)
    [InlineData(FanConvention.PyTorch, new[] { 128, 1, 3, 3 }, 9, 1152)]       // depthwise ×2: fan_out should be 18
    [InlineData(FanConvention.PyTorch, new[] { 16, 8, 3, 3 }, 72, 144)]        // ConvTranspose2d(16, 8): swapped
    [InlineData(FanConvention.MXNet, new[] { 20, 10, 5, 5 }, 250, 500)]
    [InlineData(FanConvention.MXNet, new[] { 64, 16, 3, 3 }, 144, 576)]
    // Keras [k…, in, out]; rank 0 and 1 special cases.
    [InlineData(FanConvention.Keras, new int[0], 1, 1)]
    [InlineData(FanConvention.Keras, new[] { 7 }, 7, 7)]
    [InlineData(FanConvention.Keras, new[] { 5, 3 }, 5, 3)]
    [InlineData(FanConvention.Keras, new[] { 5, 5, 10, 20 }, 250, 500)]
    [InlineData(FanConvention.Keras, new[] { 3, 3, 32, 2 }, 288, 18)]          // depthwise: fan_in 32× too big (Keras #11773)
    [InlineData(FanConvention.Keras, new[] { 3, 3, 8, 16 }, 72, 144)]          // Conv2DTranspose: swapped (TF #31192)
    [InlineData(FanConvention.Jax, new[] { 5, 5, 10, 20 }, 250, 500)]
    [InlineData(FanConvention.Jax, new[] { 3, 3, 32, 2 }, 288, 18)]
    // Caffe: count/shape(0), count/shape(1); 1-D blob gives (1, n). The seed's blob: num 20, channels 10, 5×5.
    [InlineData(FanConvention.Caffe, new[] { 20, 10, 5, 5 }, 250, 500)]
    [InlineData(FanConvention.Caffe, new[] { 7 }, 1, 7)]
    [InlineData(FanConvention.Caffe, new[] { 16, 8, 3, 3 }, 72, 144)]          // Deconvolution blob [in, out/g, k, k]: swapped
    [InlineData(FanConvention.Caffe, new[] { 2, 3, 4, 5, 6 }, 360, 240)]       // N-D blob
    public void Compute_Convention_ReproducesLibrary(FanConvention convention, int[] shape, double fanIn, double fanOut)
    {
        Assert.Equal(new Fans(fanIn, fanOut), FanCalculator.Compute(shape, convention));
    }

    [Theory]
    [InlineData(FanConvention.PyTorch, new int[0], "fewer than 2 dimensions")]
    [InlineData(FanConvention.PyTorch, new[] { 7 }, "fewer than 2 dimensions")]
    [InlineData(FanConvention.MXNet, new[] { 7 }, "at least 2D")]
    [InlineData(FanConvention.Jax, new[] { 7 }, "1-dimensional")]
    [InlineData(FanConvention.Jax, new int[0], "0-dimensional")]
    [InlineData(FanConvention.Caffe, new int[0], "rank-0")]
    public void Compute_ConventionRejectsRank_QuotesLibraryError(FanConvention convention, int[] shape, string fragment)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => FanCalculator.Compute(shape, convention));
        Assert.Contains(fragment, e.Message);
    }

    [Theory]
    [InlineData(FanConvention.PyTorch)]
    [InlineData(FanConvention.Keras)]
    [InlineData(FanConvention.Jax)]
    [InlineData(FanConvention.Caffe)]
    [InlineData(FanConvention.MXNet)]
    public void Compute_ConventionAgreesWithExact_OnUngroupedConvolution(FanConvention convention)
    {
        bool channelsFirst = convention is FanConvention.PyTorch or FanConvention.Caffe or FanConvention.MXNet;
        int[] shape = channelsFirst ? [20, 10, 3, 5] : [3, 5, 10, 20];
        var layout = channelsFirst ? WeightLayout.OutInKernel : WeightLayout.KernelInOut;
        Assert.Equal(FanCalculator.Compute(shape, layout), FanCalculator.Compute(shape, convention));
    }

    [Fact]
    public void Jax_ExplicitAxes_FloatArithmeticAsJax()
    {
        // Expected values: JAX's formula evaluated by CPython, math.prod(shape)/in_size/out_size/batch_size.
        Assert.Equal(new Fans(144, 32), FanCalculator.Jax([3, 3, 16, 32], [0, 1, 2], [-1], []));
        Assert.Equal(new Fans(3, 5), FanCalculator.Jax([4, 3, 5], [-2], [-1], [0]));
        // Flax Embed: in_axis = -2 and out_axis = 0 are the same axis of a [7, 29] table; float rounding shows: 7·(203/7/7).
        Assert.Equal(new Fans(29.000000000000004, 29.000000000000004), FanCalculator.Jax([7, 29], [-2], [0], []));
        Assert.Equal(new Fans(64, 64), FanCalculator.Jax([1000, 64], [-2], [0], []));
    }

    [Fact]
    public void Jax_AxisOutOfRange_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => FanCalculator.Jax([3, 4], [2], [-1], []));
        Assert.Contains("out of range", e.Message);
        Assert.Throws<ArgumentException>(() => FanCalculator.Jax([3, 4], [], [-1], []));
    }

    [Theory]
    [InlineData(new[] { 3 }, WeightLayout.OutInKernel, 1, "rank at least 2")]
    [InlineData(new int[0], WeightLayout.KernelInOut, 1, "rank at least 2")]
    [InlineData(new[] { 3, 3, 3 }, WeightLayout.OutIn, 1, "needs rank 2")]
    [InlineData(new[] { 3, 4 }, WeightLayout.InOut, 2, "no channel groups")]
    [InlineData(new[] { 3, 0, 3 }, WeightLayout.OutInKernel, 1, "dimension 1")]
    [InlineData(new[] { 3, -2 }, WeightLayout.OutIn, 1, "dimension 1")]
    [InlineData(new[] { 10, 4, 3 }, WeightLayout.OutInKernel, 3, "does not divide the output channels")]
    [InlineData(new[] { 10, 4, 3 }, WeightLayout.InOutKernel, 4, "does not divide the input channels")]
    [InlineData(new[] { 3, 4, 10 }, WeightLayout.KernelInOut, 3, "does not divide the output channels")]
    [InlineData(new[] { 3, 4, 10 }, WeightLayout.KernelOutIn, 3, "does not divide the input channels")]
    [InlineData(new[] { 3, 3, 32, 2 }, WeightLayout.KernelInMultiplier, 4, "1 or the channel count 32")]
    [InlineData(new[] { 3, 4 }, WeightLayout.OutInKernel, 0, "groups must be positive")]
    public void Compute_BadShape_ThrowsNamingTheProblem(int[] shape, WeightLayout layout, int groups, string fragment)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => FanCalculator.Compute(shape, layout, groups));
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Compute_UndefinedLayout_ListsValidLayouts()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => FanCalculator.Compute([3, 4], (WeightLayout)99));
        Assert.Contains(nameof(WeightLayout.KernelInOut), e.Message);
    }

    [Fact]
    public void Compute_MoreThan2To53Elements_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => FanCalculator.Compute([1, 1 << 20, 1 << 20, 1 << 14], WeightLayout.OutInKernel));
        Assert.Contains("2^53", e.Message);
        Assert.Throws<ArgumentException>(() => FanCalculator.Compute([1 << 20, 1 << 20, 1 << 14], FanConvention.Caffe));
        // Exactly 2^53 is still exact.
        Assert.Equal(new Fans(1L << 53, 1 << 27), FanCalculator.Compute([1, 1 << 26, 1 << 27], WeightLayout.OutInKernel));
    }

    [Fact]
    public void Convolution_GroupsNotDividing_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => FanCalculator.Convolution(12, 10, [3], groups: 4));
        Assert.Contains("groups = 4", e.Message);
        Assert.Throws<ArgumentException>(() => FanCalculator.Convolution(12, 12, [3, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FanCalculator.Dense(0, 3));
    }
}
