using WeightInit.Random;

namespace WeightInit.Training.Data;

/// <summary>
/// Shapeset-3×2: an endless stream of 32×32 grey images of one or two shapes (triangle, parallelogram, ellipse),
/// labelled with which shapes are present — nine classes.
/// </summary>
/// <remarks>
/// <para>The synthetic task of Glorot and Bengio, "Understanding the difficulty of training deep feedforward neural networks"
/// (AISTATS 2010), §2.1: random shape parameters (relative lengths and angles), scale, rotation, position and grey level;
/// with two shapes, the second covers at most half of the first. The authors' generator is no longer online; this one
/// follows the paper's description, and its own choices (ranges, placement rule, classes order) are documented in
/// <c>docs/datasets.md</c>.</para>
/// <para>Example <c>i</c> is a pure function of (key, i): its words come from <c>key.Fold(i)</c>, so examples can be made
/// in any order, independently and in parallel, with the same bytes on every machine. Everything that feeds a pixel uses
/// only IEEE +, −, ×, ÷ and √ (rotation cosines and sines come from polynomials, not from <see cref="Math.Sin(double)"/>).</para>
/// <para>Pixels are the shape's grey level times its coverage of the pixel, measured on a 4×4 grid of samples per pixel
/// (anti-aliasing by supersampling); the background is 0 and a later shape hides an earlier one.</para>
/// </remarks>
public sealed class Shapeset3x2
{
    /// <summary>Image width and height in pixels (the paper's 32×32).</summary>
    public const int ImageSize = 32;
    /// <summary>Pixels per image: <see cref="ImageSize"/>².</summary>
    public const int PixelCount = ImageSize * ImageSize;
    /// <summary>Number of classes: 3 single shapes + 6 unordered pairs.</summary>
    public const int ClassCount = 9;
    /// <summary>Samples per pixel side for anti-aliasing (4×4 = 16 samples per pixel).</summary>
    public const int SamplesPerPixel = 4;
    /// <summary>Largest fraction of either shape's area that the two shapes of an example may share.</summary>
    public const double MaxOverlapFraction = 0.5;
    /// <summary>Candidate positions of the second shape drawn per example before the fallback placement is used.</summary>
    public const int CandidatePlacements = 16;
    /// <summary>Grey level of the background.</summary>
    public const float Background = 0f;
    /// <summary>Smallest grey level of a shape; above 0 so that every shape stands out from the background.</summary>
    public const double MinGrey = 0.25;
    /// <summary>Largest grey level of a shape.</summary>
    public const double MaxGrey = 1.0;
    /// <summary>Smallest radius, in pixels, of the disk around a shape's centre that its farthest vertex touches.</summary>
    public const double MinRadius = 4.0;
    /// <summary>Largest such radius, in pixels: a shape spans at most half the image.</summary>
    /// <remarks>
    /// The fallback puts the two shapes in opposite corners, their disks tangent to the image sides; the centres are then
    /// √2·(32 − r₁ − r₂) apart, more than r₁ + r₂ whenever r₁ + r₂ &lt; 32√2/(1 + √2) ≈ 18.7, which 2 × 8 = 16 satisfies.
    /// </remarks>
    public const double MaxRadius = 8.0;

    /// <summary>Smallest triangle height over its base half-width (apex over an end of the base: angles 90°, 21°, 69°, the smallest angle of any triangle drawn).</summary>
    internal const double MinTriangleHeight = 0.75;
    /// <summary>Largest triangle height over its base half-width (apex centred: angles 63°, 63°, 53°).</summary>
    internal const double MaxTriangleHeight = 2.0;
    /// <summary>Largest |shear| of a parallelogram, as a fraction of its first side.</summary>
    internal const double MaxShear = 0.75;
    /// <summary>Smallest parallelogram height over its first side.</summary>
    internal const double MinParallelogramHeight = 0.4;
    /// <summary>Smallest ellipse axis ratio (minor over major).</summary>
    internal const double MinEllipseAxisRatio = 0.35;

    /// <summary>Philox stream of the class and layout words.</summary>
    internal const uint ClassStream = 0;
    /// <summary>Philox stream of the first shape's parameters.</summary>
    internal const uint FirstShapeStream = 1;
    /// <summary>Philox stream of the second shape's parameters.</summary>
    internal const uint SecondShapeStream = 2;
    /// <summary>Philox stream of the candidate positions of the second shape.</summary>
    internal const uint PlacementStream = 3;

    /// <summary>Samples per side of the supersampling grid.</summary>
    internal const int GridSize = ImageSize * SamplesPerPixel;

    private static readonly (ShapeKind First, ShapeKind? Second)[] Classes =
    [
        (ShapeKind.Triangle, null),
        (ShapeKind.Parallelogram, null),
        (ShapeKind.Ellipse, null),
        (ShapeKind.Triangle, ShapeKind.Triangle),
        (ShapeKind.Triangle, ShapeKind.Parallelogram),
        (ShapeKind.Triangle, ShapeKind.Ellipse),
        (ShapeKind.Parallelogram, ShapeKind.Parallelogram),
        (ShapeKind.Parallelogram, ShapeKind.Ellipse),
        (ShapeKind.Ellipse, ShapeKind.Ellipse),
    ];

    private static readonly string[] Names =
    [
        "triangle", "parallelogram", "ellipse",
        "triangle+triangle", "triangle+parallelogram", "triangle+ellipse",
        "parallelogram+parallelogram", "parallelogram+ellipse", "ellipse+ellipse",
    ];

    /// <summary>Creates the stream of examples under <paramref name="key"/>.</summary>
    /// <param name="key">The key of the stream, for example <c>PhiloxKey.FromSeed(seed).Fold("shapeset.train")</c>.</param>
    public Shapeset3x2(PhiloxKey key) => Key = key;

    /// <summary>The key of the stream.</summary>
    public PhiloxKey Key { get; }

    /// <summary>The class names, by class index: the single shapes, then the unordered pairs (e.g. "triangle+ellipse").</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Array.AsReadOnly(Names);

    /// <summary>The shapes that make up class <paramref name="label"/>; <c>Second</c> is null for a single shape.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is not in [0, 9).</exception>
    public static (ShapeKind First, ShapeKind? Second) ShapesOfClass(int label)
    {
        if ((uint)label >= ClassCount)
            throw new ArgumentOutOfRangeException(nameof(label), label, $"A Shapeset-3×2 class index lies in [0, {ClassCount}).");
        return Classes[label];
    }

    /// <summary>Example <paramref name="index"/> of the stream, in a new pixel array.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public Example Get(long index)
    {
        var pixels = new float[PixelCount];
        int label = Render(index, pixels);
        return new Example(pixels, label);
    }

    /// <summary>Draws example <paramref name="index"/> into <paramref name="pixels"/> (row-major, 1024 values) and returns its label.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> does not hold exactly 1024 values.</exception>
    public int Render(long index, Span<float> pixels)
    {
        if (pixels.Length != PixelCount)
            throw new ArgumentException($"A Shapeset-3×2 image has {ImageSize}×{ImageSize} = {PixelCount} pixels; the span holds {pixels.Length}.", nameof(pixels));
        var scene = Compose(index);
        Span<byte> owner = stackalloc byte[GridSize * GridSize];
        owner.Clear();
        ShapeRaster.Paint(scene.First, owner, 1, SamplesPerPixel, GridSize);
        if (scene.Second is { } second)
            ShapeRaster.Paint(second, owner, 2, SamplesPerPixel, GridSize);
        ReadOnlySpan<float> grey = [Background, scene.First.Grey, scene.Second?.Grey ?? Background];
        const double samplesPerPixelArea = SamplesPerPixel * SamplesPerPixel;
        for (int row = 0; row < ImageSize; row++)
        {
            for (int column = 0; column < ImageSize; column++)
            {
                double sum = 0;
                for (int i = row * SamplesPerPixel; i < (row + 1) * SamplesPerPixel; i++)
                    for (int j = column * SamplesPerPixel; j < (column + 1) * SamplesPerPixel; j++)
                        sum += grey[owner[i * GridSize + j]];
                pixels[row * ImageSize + column] = (float)(sum / samplesPerPixelArea);
            }
        }
        return scene.Label;
    }

    /// <summary>
    /// Draws examples <paramref name="firstIndex"/>, <paramref name="firstIndex"/> + 1, … into consecutive 1024-value slices
    /// of <paramref name="images"/> and their labels into <paramref name="labels"/>, on several threads.
    /// </summary>
    /// <remarks>The result does not depend on the number of threads or their schedule: each example is a function of its index only.</remarks>
    /// <param name="firstIndex">Index of the first example.</param>
    /// <param name="images">Destination of the pixels: 1024 × <c>labels.Length</c> values.</param>
    /// <param name="labels">Destination of the labels; its length is the number of examples.</param>
    /// <param name="maxDegreeOfParallelism">Most threads to use; −1 (the default) lets the thread pool decide.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative <paramref name="firstIndex"/>, an index past <see cref="long.MaxValue"/>, or a <paramref name="maxDegreeOfParallelism"/> that is neither −1 nor positive.</exception>
    /// <exception cref="ArgumentException">The lengths of <paramref name="images"/> and <paramref name="labels"/> disagree.</exception>
    public unsafe void Fill(long firstIndex, Span<float> images, Span<int> labels, int maxDegreeOfParallelism = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        if (maxDegreeOfParallelism is 0 or < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "Use −1 (thread pool decides) or a positive number of threads.");
        int count = labels.Length;
        if (images.Length != (long)count * PixelCount)
            throw new ArgumentException(
                $"images must hold {PixelCount} values per label: labels holds {count}, so images needs {(long)count * PixelCount} values; it holds {images.Length}.",
                nameof(images));
        if (count > 0 && firstIndex > long.MaxValue - (count - 1))
            throw new ArgumentOutOfRangeException(nameof(firstIndex), firstIndex, $"Example indices run up to {long.MaxValue}; {count} examples from here go past it.");
        fixed (float* imagesPointer = images)
        fixed (int* labelsPointer = labels)
        {
            nint imagesAddress = (nint)imagesPointer, labelsAddress = (nint)labelsPointer;
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, i =>
            {
                var pixels = new Span<float>((float*)imagesAddress + (long)i * PixelCount, PixelCount);
                ((int*)labelsAddress)[i] = Render(firstIndex + i, pixels);
            });
        }
    }

    /// <summary>The shapes of example <paramref name="index"/>, before rasterization.</summary>
    internal ShapesetScene Compose(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var key = Key.Fold((ulong)index);
        var classWords = new WordReader(key, ClassStream);
        // Multiply-shift maps a word onto [0, 9); the classes' probabilities differ from 1/9 by less than 9/2³² ≈ 2e-9.
        int label = (int)(((ulong)classWords.Next() * ClassCount) >> 32);
        uint layoutBits = classWords.Next();
        var (firstKind, secondKind) = Classes[label];
        if (secondKind is not { } otherKind)
            return new ShapesetScene(label, DrawShape(firstKind, new WordReader(key, FirstShapeStream)), null, false);
        // Mixed pairs: either shape may be the one underneath.
        if ((layoutBits & 1) != 0)
            (firstKind, otherKind) = (otherKind, firstKind);
        var first = DrawShape(firstKind, new WordReader(key, FirstShapeStream));
        var second = DrawShape(otherKind, new WordReader(key, SecondShapeStream));
        var placement = new WordReader(key, PlacementStream);
        var (placedFirst, placedSecond, usedFallback) = PlaceSecond(first, second, ref placement, CandidatePlacements, (int)(layoutBits >> 1) & 3);
        return new ShapesetScene(label, placedFirst, placedSecond, usedFallback);
    }

    /// <summary>
    /// Moves <paramref name="second"/> to the first of <paramref name="candidateCount"/> random positions where the two shapes
    /// share at most <see cref="MaxOverlapFraction"/> of either's area (counted in samples of the supersampling grid);
    /// if none qualifies, puts the shapes in opposite corners (<paramref name="corner"/> picks which), where they cannot meet.
    /// </summary>
    internal static (PlacedShape First, PlacedShape Second, bool UsedFallback) PlaceSecond(
        in PlacedShape first, in PlacedShape second, ref WordReader words, int candidateCount, int corner)
    {
        Span<byte> mask = stackalloc byte[GridSize * GridSize];
        mask.Clear();
        int firstArea = ShapeRaster.Paint(first, mask, 1, SamplesPerPixel, GridSize);
        for (int c = 0; c < candidateCount; c++)
        {
            double x = words.NextUniform(second.Radius, ImageSize - second.Radius);
            double y = words.NextUniform(second.Radius, ImageSize - second.Radius);
            var candidate = second.MovedTo(x, y);
            var (secondArea, overlap) = ShapeRaster.Measure(candidate, mask, SamplesPerPixel, GridSize);
            if (overlap <= MaxOverlapFraction * Math.Min(firstArea, secondArea))
                return (first, candidate, false);
        }
        bool right = (corner & 1) != 0, bottom = (corner & 2) != 0;
        double Near(double radius) => radius;
        double Far(double radius) => ImageSize - radius;
        var firstInCorner = first.MovedTo(right ? Far(first.Radius) : Near(first.Radius), bottom ? Far(first.Radius) : Near(first.Radius));
        var secondInCorner = second.MovedTo(right ? Near(second.Radius) : Far(second.Radius), bottom ? Near(second.Radius) : Far(second.Radius));
        return (firstInCorner, secondInCorner, true);
    }

    /// <summary>Draws a shape of the given kind: outline parameters, radius, rotation, grey level and a centre that keeps its disk inside the image.</summary>
    internal static PlacedShape DrawShape(ShapeKind kind, WordReader words)
    {
        var outline = kind switch
        {
            ShapeKind.Triangle => ShapeOutline.Triangle(words.NextUniform(-1, 1), words.NextUniform(MinTriangleHeight, MaxTriangleHeight)),
            ShapeKind.Parallelogram => ShapeOutline.Parallelogram(words.NextUniform(-MaxShear, MaxShear), words.NextUniform(MinParallelogramHeight, 1)),
            _ => ShapeOutline.Ellipse(words.NextUniform(MinEllipseAxisRatio, 1)),
        };
        double radius = words.NextUniform(MinRadius, MaxRadius);
        var (cos, sin) = UnitCircle.FromTurns(words.NextUnit());
        float grey = (float)words.NextUniform(MinGrey, MaxGrey);
        double x = words.NextUniform(radius, ImageSize - radius);
        double y = words.NextUniform(radius, ImageSize - radius);
        return new PlacedShape(outline, x, y, radius, cos, sin, grey);
    }
}

/// <summary>The shapes of one example: <see cref="First"/> lies underneath <see cref="Second"/> (null for a single shape).</summary>
internal readonly record struct ShapesetScene(int Label, PlacedShape First, PlacedShape? Second, bool UsedFallback);
