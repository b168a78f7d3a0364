using WeightInit.Initializers;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Tests.Initializers;

/// <summary>Each named initializer against its paper's formula, written out independently here.</summary>
public class InitializerFormulaTests
{
    private static readonly WeightShape Conv = WeightShape.OutIn(64, 32, 3, 3); // n_in = 288, n_out = 576
    private const double FanIn = 32 * 9, FanOut = 64 * 9;

    [Fact]
    public void HeUniform_ReLU_BoundIsSqrtSixOverFanIn()
    {
        var d = (UniformDistribution)Init.HeUniform().DistributionFor(Conv)!;
        Assert.Equal(Math.Sqrt(6.0 / FanIn), d.High);
        Assert.Equal(-Math.Sqrt(6.0 / FanIn), d.Low);
    }

    [Fact]
    public void HeNormal_PReLUSlopeFanOut_StdFromHeEquation15()
    {
        var d = (NormalDistribution)Init.HeNormal(0.25, FanMode.FanOut).DistributionFor(Conv)!;
        Assert.Equal(Math.Sqrt(2.0 / ((1 + 0.25 * 0.25) * FanOut)), d.StdDev, 1e-17);
    }

    [Fact]
    public void GlorotUniform_BoundIsSqrtSixOverFanSum()
    {
        var d = (UniformDistribution)Init.GlorotUniform().DistributionFor(Conv)!;
        Assert.Equal(Math.Sqrt(6.0 / (FanIn + FanOut)), d.High);
        var g = (UniformDistribution)Init.GlorotUniform(5.0 / 3).DistributionFor(Conv)!;
        Assert.Equal(5.0 / 3 * Math.Sqrt(6.0 / (FanIn + FanOut)), g.High, 1e-15);
    }

    [Fact]
    public void GlorotNormal_StdIsSqrtTwoOverFanSum()
    {
        var d = (NormalDistribution)Init.GlorotNormal().DistributionFor(Conv)!;
        Assert.Equal(Math.Sqrt(2.0 / (FanIn + FanOut)), d.StdDev);
    }

    [Fact]
    public void LeCunUniform_BoundIsSqrtThreeOverFanIn_AndCaffeXavierDefaultIsTheSame()
    {
        var d = (UniformDistribution)Init.LeCunUniform().DistributionFor(Conv)!;
        Assert.Equal(Math.Sqrt(3.0 / FanIn), d.High);
        var caffe = (UniformDistribution)InitializerRegistry.Parse("caffe.xavier").DistributionFor(Conv)!;
        Assert.Equal(d.High, caffe.High);
        var average = (UniformDistribution)InitializerRegistry.Parse("caffe.xavier(variance_norm=AVERAGE)").DistributionFor(Conv)!;
        Assert.Equal(Math.Sqrt(3.0 / ((FanIn + FanOut) / 2)), average.High);
        var msraOut = (NormalDistribution)InitializerRegistry.Parse("caffe.msra(variance_norm=FAN_OUT)").DistributionFor(Conv)!;
        Assert.Equal(Math.Sqrt(2.0 / FanOut), msraOut.StdDev);
    }

    [Fact]
    public void TruncatedVariants_VarianceExactlyScaleOverFan()
    {
        foreach (var (init, variance) in new (VarianceScaling, double)[]
                 {
                     (Init.LeCunTruncatedNormal(), 1 / FanIn), (Init.GlorotTruncatedNormal(), 2 / (FanIn + FanOut)), (Init.HeTruncatedNormal(), 2 / FanIn),
                 })
        {
            var d = init.DistributionFor(Conv)!;
            Assert.Equal(variance, d.Variance, variance * 1e-14);
            Assert.Equal(0.87962566103423978, Math.Sqrt(d.Variance) / ((TruncatedNormalDistribution)d).StdDev, 1e-15);
        }
    }

    [Fact]
    public void GlorotStandard_BoundIsOneOverSqrtFanIn()
    {
        var d = (UniformDistribution)Init.GlorotStandard().DistributionFor(WeightShape.OutIn(10, 400))!;
        Assert.Equal(1 / Math.Sqrt(400), d.High);
    }

    [Fact]
    public void GroupedConvolution_ExactFansUseChannelsPerGroup()
    {
        // [out=64, in/groups=8, 3, 3] with 4 groups: each output sees 8·9 = 72 inputs.
        var grouped = new WeightShape([64, 8, 3, 3], WeightLayout.OutInKernel, groups: 4);
        var d = (UniformDistribution)Init.HeUniform().DistributionFor(grouped)!;
        Assert.Equal(Math.Sqrt(6.0 / 72), d.High);
    }

    [Fact]
    public void KerasLayout_SameFansAsPyTorchLayout()
    {
        var keras = new WeightShape([3, 3, 32, 64], WeightLayout.KernelInOut);
        Assert.Equal(((UniformDistribution)Init.GlorotUniform().DistributionFor(Conv)!).High,
                     ((UniformDistribution)Init.GlorotUniform().DistributionFor(keras)!).High);
    }

    [Theory]
    [InlineData("he_normal", 2.0 / FanIn)]
    [InlineData("kaiming_uniform(a=1, mode=fan_out)", 1.0 / FanOut)]
    [InlineData("xavier_normal(gain=2)", 4 * 2.0 / (FanIn + FanOut))]
    [InlineData("lecun_normal", 1.0 / FanIn)]
    [InlineData("msra", 2.0 / FanIn)]
    [InlineData("variance_scaling(scale=3, mode=fan_avg, distribution=truncated_normal)", 3 * 2.0 / (FanIn + FanOut))]
    [InlineData("glorot_standard", 1.0 / (3 * FanIn))]
    public void SampleVariance_FixedKey_WithinSixStandardErrors(string spec, double variance)
    {
        var init = InitializerRegistry.Parse(spec);
        var w = init.CreateDouble(PhiloxKey.FromSeed(7).Fold(spec), Conv);
        double mean = w.Average();
        double v = w.Sum(x => (x - mean) * (x - mean)) / (w.Length - 1);
        double m4 = w.Sum(x => Math.Pow(x - mean, 4)) / w.Length;
        double se = Math.Sqrt((m4 - v * v) / w.Length);
        Assert.True(Math.Abs(v - variance) < 6 * se, $"{spec}: sample variance {v:G6}, expected {variance:G6} (SE {se:G3})");
        Assert.True(Math.Abs(mean) < 6 * Math.Sqrt(variance / w.Length), $"{spec}: mean {mean:G4}");
    }

    [Fact]
    public void EmptyTensor_FillIsANoOp()
    {
        var empty = Array.Empty<float>();
        Init.HeNormal().Fill(PhiloxKey.FromSeed(1), WeightShape.OutIn(0, 10), empty);
    }
}
