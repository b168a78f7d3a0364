using System.Runtime.InteropServices;
using WeightInit.Random;
using WeightInit.Training.Data;
using Xunit.Abstractions;

namespace WeightInit.Training.Tests.Data;

public class Shapeset3x2Tests(ITestOutputHelper output)
{
    private const int Grid = Shapeset3x2.ImageSize * Shapeset3x2.SamplesPerPixel;
    private static readonly Shapeset3x2 Stream = new(PhiloxKey.FromSeed(20100513).Fold("shapeset.test"));

    [Fact]
    public void Fill_9000Examples_ClassCountsWithinBinomialBound()
    {
        const int n = 9000;
        var images = new float[n * Shapeset3x2.PixelCount];
        var labels = new int[n];
        Stream.Fill(0, images, labels);
        var counts = new int[Shapeset3x2.ClassCount];
        foreach (int label in labels)
            counts[label]++;
        // Each count is Binomial(n, 1/9): mean n/9, standard deviation √(n·p·(1−p)). Five standard deviations leave a
        // two-sided tail of 5.7e-7 per class, so a correct generator fails this (fixed-key) test with probability < 6e-6.
        const double p = 1.0 / Shapeset3x2.ClassCount;
        double mean = n * p, bound = 5 * Math.Sqrt(n * p * (1 - p));
        for (int c = 0; c < counts.Length; c++)
            Assert.True(Math.Abs(counts[c] - mean) <= bound, $"class {c} ({Shapeset3x2.ClassNames[c]}): {counts[c]} examples, expected {mean} ± {bound:F1}");
        output.WriteLine(string.Join(", ", counts));
    }

    [Fact]
    public void Compose_TwoShapeExamples_ShareAtMostHalfOfEitherShapesArea()
    {
        int pairs = 0, fallbacks = 0;
        double largestFraction = 0;
        for (long i = 0; i < 1000; i++)
        {
            var scene = Stream.Compose(i);
            AssertInsideImage(scene.First);
            if (scene.Second is not { } second)
                continue;
            AssertInsideImage(second);
            pairs++;
            if (scene.UsedFallback)
                fallbacks++;
            var (areaFirst, areaSecond, shared) = MeasureAroundDisks(scene.First, second);
            if (i < 100)
                Assert.Equal((areaFirst, areaSecond, shared), MeasureOnWholeGrid(scene.First, second));
            Assert.True(areaFirst > 0 && areaSecond > 0, $"example {i}: empty shape");
            Assert.True(2 * shared <= Math.Min(areaFirst, areaSecond), $"example {i}: shapes share {shared} samples of areas {areaFirst} and {areaSecond}");
            largestFraction = Math.Max(largestFraction, (double)shared / Math.Min(areaFirst, areaSecond));
        }
        Assert.True(pairs > 500, $"only {pairs} two-shape examples among 1000");
        output.WriteLine($"{pairs} two-shape examples, {fallbacks} placed by the fallback, largest shared fraction {largestFraction:F3}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PlaceSecond_NoCandidateQualifies_FallbackShapesDoNotTouch(int corner)
    {
        // The largest shapes the generator can draw: disks of the largest radius fill the most of their corner.
        var disk = new PlacedShape(ShapeOutline.Ellipse(1), 16, 16, Shapeset3x2.MaxRadius, 1, 0, 1f);
        var key = PhiloxKey.FromSeed(7).Fold("fallback");
        var words = new WordReader(key, 0);
        var (first, second, usedFallback) = Shapeset3x2.PlaceSecond(disk, disk, ref words, candidateCount: 0, corner);
        Assert.True(usedFallback);
        AssertInsideImage(first);
        AssertInsideImage(second);
        Assert.Equal(0, MeasureOnWholeGrid(first, second).Shared);

        for (ulong i = 0; i < 60; i++)
        {
            var k = key.Fold(i);
            var a = Shapeset3x2.DrawShape((ShapeKind)(i % 3), new WordReader(k, 1));
            var b = Shapeset3x2.DrawShape((ShapeKind)(i / 3 % 3), new WordReader(k, 2));
            var placement = new WordReader(k, 3);
            var (f, s, fallback) = Shapeset3x2.PlaceSecond(a, b, ref placement, 0, corner);
            Assert.True(fallback);
            Assert.Equal(0, MeasureOnWholeGrid(f, s).Shared);
        }
    }

    [Fact]
    public void Render_Pixels_AreGreyTimesVisibleCoverage()
    {
        var pixels = new float[Shapeset3x2.PixelCount];
        for (long i = 0; i < 150; i++)
        {
            var scene = Stream.Compose(i);
            Assert.Equal(scene.Label, Stream.Render(i, pixels));
            // Expected image sum from the masks: the second shape hides the part of the first it covers.
            var (areaFirst, areaSecond, shared) = scene.Second is { } second ? MeasureOnWholeGrid(scene.First, second) : (Count(scene.First), 0, 0);
            double expected = (scene.First.Grey * (double)(areaFirst - shared) + (scene.Second?.Grey ?? 0) * (double)areaSecond)
                / (Shapeset3x2.SamplesPerPixel * Shapeset3x2.SamplesPerPixel);
            double sum = pixels.Sum(v => (double)v);
            Assert.True(Math.Abs(sum - expected) < 1e-4, $"example {i}: pixel sum {sum}, expected {expected}");
        }
    }

    [Fact]
    public void Get_ManyExamples_PixelsInUnitIntervalWithAntialiasedEdges()
    {
        for (long i = 0; i < 200; i++)
        {
            var example = Stream.Get(i);
            var pixels = example.Pixels.Span;
            Assert.Equal(Shapeset3x2.PixelCount, pixels.Length);
            float max = 0;
            int partial = 0;
            foreach (float v in pixels)
            {
                Assert.InRange(v, 0f, 1f);
                max = Math.Max(max, v);
            }
            foreach (float v in pixels)
                if (v > 0 && v < max)
                    partial++;
            Assert.True(max >= (float)Shapeset3x2.MinGrey, $"example {i}: brightest pixel {max}");
            Assert.True(partial > 0, $"example {i}: no partly covered pixel");
            Assert.Contains(Shapeset3x2.Background, pixels.ToArray());
        }
    }

    [Fact]
    public void Compose_EveryClass_HoldsTheShapesItsNameSays()
    {
        var seen = new bool[Shapeset3x2.ClassCount];
        for (long i = 0; i < 500; i++)
        {
            var scene = Stream.Compose(i);
            seen[scene.Label] = true;
            var (a, b) = Shapeset3x2.ShapesOfClass(scene.Label);
            var expected = new[] { a, b }.Where(k => k is not null).Select(k => k!.Value).Order().ToArray();
            var actual = new[] { scene.First.Outline.Kind, scene.Second?.Outline.Kind }.Where(k => k is not null).Select(k => k!.Value).Order().ToArray();
            Assert.Equal(expected, actual);
            Assert.Equal(string.Join("+", expected.Select(k => k.ToString().ToLowerInvariant())), Shapeset3x2.ClassNames[scene.Label]);
        }
        Assert.All(seen, Assert.True);
        Assert.Equal(Shapeset3x2.ClassCount, Shapeset3x2.ClassNames.Distinct().Count());
    }

    [Fact]
    public void Get_SameKeyAndIndex_SameBytes()
    {
        var again = new Shapeset3x2(Stream.Key);
        foreach (long i in new long[] { 0, 1, 17, 123_456_789, long.MaxValue })
        {
            var a = Stream.Get(i);
            var b = again.Get(i);
            Assert.Equal(a.Label, b.Label);
            Assert.True(MemoryMarshal.AsBytes(a.Pixels.Span).SequenceEqual(MemoryMarshal.AsBytes(b.Pixels.Span)), $"example {i} differs");
        }
    }

    [Fact]
    public void Get_DifferentIndicesOrKeys_DifferentImages()
    {
        var images = new HashSet<string>();
        for (long i = 0; i < 150; i++)
            Assert.True(images.Add(Convert.ToBase64String(MemoryMarshal.AsBytes(Stream.Get(i).Pixels.Span))), $"example {i} repeats an earlier one");
        var other = new Shapeset3x2(PhiloxKey.FromSeed(20100513).Fold("shapeset.other"));
        for (long i = 0; i < 150; i++)
            Assert.True(images.Add(Convert.ToBase64String(MemoryMarshal.AsBytes(other.Get(i).Pixels.Span))), $"example {i} of another key repeats an image");
    }

    [Fact]
    public void Fill_Parallel_EqualsSequentialAndGet()
    {
        const int n = 200;
        const long first = 1_000_003;
        var parallel = new float[n * Shapeset3x2.PixelCount];
        var sequential = new float[n * Shapeset3x2.PixelCount];
        var parallelLabels = new int[n];
        var sequentialLabels = new int[n];
        Stream.Fill(first, parallel, parallelLabels, maxDegreeOfParallelism: 4);
        Stream.Fill(first, sequential, sequentialLabels, maxDegreeOfParallelism: 1);
        Assert.Equal(sequentialLabels, parallelLabels);
        Assert.True(MemoryMarshal.AsBytes(sequential.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(parallel.AsSpan())));
        for (int i = 0; i < n; i += 37)
        {
            var example = Stream.Get(first + i);
            Assert.Equal(example.Label, sequentialLabels[i]);
            Assert.True(example.Pixels.Span.SequenceEqual(sequential.AsSpan(i * Shapeset3x2.PixelCount, Shapeset3x2.PixelCount)));
        }
    }

    [Fact]
    public void Fill_MismatchedLengths_ThrowsNamingBothLengths()
    {
        var ex = Assert.Throws<ArgumentException>(() => Stream.Fill(0, new float[1000], new int[1]));
        Assert.Equal("images", ex.ParamName);
        Assert.Contains("1024", ex.Message);
        Assert.Contains("1000", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Stream.Fill(-1, new float[1024], new int[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Stream.Fill(long.MaxValue, new float[2048], new int[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Stream.Fill(0, new float[1024], new int[1], maxDegreeOfParallelism: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Stream.Get(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Shapeset3x2.ShapesOfClass(9));
        Assert.Throws<ArgumentException>(() => Stream.Render(0, new float[1023]));
    }

    [Fact]
    public void FromTurns_AcrossTheCircle_MatchesMathCosSin()
    {
        for (int i = 0; i <= 100_000; i++)
        {
            double turns = i / 100_000.0;
            var (cos, sin) = UnitCircle.FromTurns(turns);
            Assert.True(Math.Abs(cos - Math.Cos(2 * Math.PI * turns)) < 1e-14, $"cos at {turns}");
            Assert.True(Math.Abs(sin - Math.Sin(2 * Math.PI * turns)) < 1e-14, $"sin at {turns}");
        }
    }

    private static void AssertInsideImage(PlacedShape shape)
    {
        Assert.InRange(shape.Radius, Shapeset3x2.MinRadius, Shapeset3x2.MaxRadius);
        Assert.InRange(shape.CenterX - shape.Radius, 0, Shapeset3x2.ImageSize);
        Assert.InRange(shape.CenterX + shape.Radius, 0, Shapeset3x2.ImageSize);
        Assert.InRange(shape.CenterY - shape.Radius, 0, Shapeset3x2.ImageSize);
        Assert.InRange(shape.CenterY + shape.Radius, 0, Shapeset3x2.ImageSize);
    }

    private static int Count(PlacedShape shape) => MeasureOnWholeGrid(shape, shape).AreaFirst;

    /// <summary>Areas and shared area of two shapes, in samples, visiting every sample of the grid.</summary>
    private static (int AreaFirst, int AreaSecond, int Shared) MeasureOnWholeGrid(PlacedShape first, PlacedShape second) =>
        Measure(first, second, 0, Grid, 0, Grid);

    /// <summary>Areas and shared area of two shapes, in samples, visiting the samples of the square around both disks.</summary>
    private static (int AreaFirst, int AreaSecond, int Shared) MeasureAroundDisks(PlacedShape first, PlacedShape second)
    {
        const int s = Shapeset3x2.SamplesPerPixel;
        int Low(double c, double r) => Math.Max(0, (int)((c - r) * s) - 1);
        int High(double c, double r) => Math.Min(Grid, (int)((c + r) * s) + 2);
        return Measure(first, second,
            Math.Min(Low(first.CenterY, first.Radius), Low(second.CenterY, second.Radius)),
            Math.Max(High(first.CenterY, first.Radius), High(second.CenterY, second.Radius)),
            Math.Min(Low(first.CenterX, first.Radius), Low(second.CenterX, second.Radius)),
            Math.Max(High(first.CenterX, first.Radius), High(second.CenterX, second.Radius)));
    }

    private static (int AreaFirst, int AreaSecond, int Shared) Measure(PlacedShape first, PlacedShape second, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        int a = 0, b = 0, both = 0;
        for (int i = rowStart; i < rowEnd; i++)
        {
            for (int j = columnStart; j < columnEnd; j++)
            {
                double x = (j + 0.5) / Shapeset3x2.SamplesPerPixel, y = (i + 0.5) / Shapeset3x2.SamplesPerPixel;
                bool inFirst = first.Contains(x, y), inSecond = second.Contains(x, y);
                a += inFirst ? 1 : 0;
                b += inSecond ? 1 : 0;
                both += inFirst && inSecond ? 1 : 0;
            }
        }
        return (a, b, both);
    }
}
