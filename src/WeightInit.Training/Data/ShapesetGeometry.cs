using WeightInit.Random;

namespace WeightInit.Training.Data;

/// <summary>Sequential 32-bit words of one Philox stream: block 0 gives words 0..3, block 1 words 4..7, and so on.</summary>
internal struct WordReader(PhiloxKey key, uint stream)
{
    private ulong _block;
    private int _used = 4;
    private uint _x0, _x1, _x2, _x3;

    /// <summary>The next word of the stream.</summary>
    public uint Next()
    {
        if (_used == 4)
        {
            (_x0, _x1, _x2, _x3) = key.Block(_block++, stream);
            _used = 0;
        }
        return _used++ switch { 0 => _x0, 1 => _x1, 2 => _x2, _ => _x3 };
    }

    /// <summary>A uniform value in [0, 1) with 32 random bits: word × 2⁻³².</summary>
    public double NextUnit() => Next() * (1.0 / 4294967296.0);

    /// <summary>A uniform value in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double NextUniform(double low, double high) => low + (high - low) * NextUnit();
}

/// <summary>Cosine and sine of a uniform angle from polynomials only (+ − ×), so that generated pixels are bit-identical on every machine.</summary>
/// <remarks>
/// <see cref="Math.Cos(double)"/> and <see cref="Math.Sin(double)"/> may differ in the last bit between C runtimes; IEEE 754
/// +, −, ×, ÷ and √ are correctly rounded everywhere. The angle 2π·turns is reduced to the nearest quarter turn k·π/2
/// and a remainder φ ∈ [−π/4, π/4]; cos φ and sin φ are their Taylor polynomials to degree 14 and 15, whose truncation error
/// is below (π/4)¹⁶/16! ≈ 1.0e-15 and (π/4)¹⁷/17! ≈ 4.8e-17; the quarter turn is an exact swap of signs.
/// </remarks>
internal static class UnitCircle
{
    /// <summary>π/2 rounded to double.</summary>
    private const double HalfPi = 1.5707963267948966;

    /// <summary>(cos 2π·<paramref name="turns"/>, sin 2π·<paramref name="turns"/>) for <paramref name="turns"/> in [0, 1].</summary>
    public static (double Cos, double Sin) FromTurns(double turns)
    {
        double quarters = 4 * turns;
        double k = Math.Floor(quarters + 0.5);
        double phi = (quarters - k) * HalfPi;
        double p2 = phi * phi;
        // Horner form of Σ (−1)ⁿ φ²ⁿ/(2n)! (n ≤ 7) and φ Σ (−1)ⁿ φ²ⁿ/(2n+1)! (n ≤ 7).
        double cos = 1 - p2 / 2 * (1 - p2 / 12 * (1 - p2 / 30 * (1 - p2 / 56 * (1 - p2 / 90 * (1 - p2 / 132 * (1 - p2 / 182))))));
        double sin = phi * (1 - p2 / 6 * (1 - p2 / 20 * (1 - p2 / 42 * (1 - p2 / 72 * (1 - p2 / 110 * (1 - p2 / 156 * (1 - p2 / 210)))))));
        return ((int)k & 3) switch
        {
            0 => (cos, sin),
            1 => (-sin, cos),
            2 => (-cos, -sin),
            _ => (sin, -cos),
        };
    }
}

/// <summary>A shape in its own frame: a convex polygon (3 or 4 counter-clockwise vertices) or an ellipse, inside the unit disk and touching it.</summary>
internal readonly struct ShapeOutline
{
    public ShapeKind Kind { get; }
    public int VertexCount { get; }
    public double X0 { get; }
    public double Y0 { get; }
    public double X1 { get; }
    public double Y1 { get; }
    public double X2 { get; }
    public double Y2 { get; }
    public double X3 { get; }
    public double Y3 { get; }
    /// <summary>Ellipse only: semi-axis along y (the semi-axis along x is 1).</summary>
    public double MinorAxis { get; }

    private ShapeOutline(ShapeKind kind, int vertexCount, ReadOnlySpan<double> xy, double minorAxis)
    {
        Kind = kind;
        VertexCount = vertexCount;
        MinorAxis = minorAxis;
        if (vertexCount == 0)
            return;
        // Centre the vertices on their bounding box and scale the farthest one onto the unit circle.
        double minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue;
        for (int i = 0; i < vertexCount; i++)
        {
            minX = Math.Min(minX, xy[2 * i]); maxX = Math.Max(maxX, xy[2 * i]);
            minY = Math.Min(minY, xy[2 * i + 1]); maxY = Math.Max(maxY, xy[2 * i + 1]);
        }
        double cx = (minX + maxX) / 2, cy = (minY + maxY) / 2, farthest2 = 0;
        Span<double> v = stackalloc double[8];
        for (int i = 0; i < vertexCount; i++)
        {
            v[2 * i] = xy[2 * i] - cx;
            v[2 * i + 1] = xy[2 * i + 1] - cy;
            farthest2 = Math.Max(farthest2, v[2 * i] * v[2 * i] + v[2 * i + 1] * v[2 * i + 1]);
        }
        double scale = 1 / Math.Sqrt(farthest2);
        for (int i = 0; i < 2 * vertexCount; i++)
            v[i] *= scale;
        (X0, Y0, X1, Y1, X2, Y2, X3, Y3) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    /// <summary>Triangle with base (−1, 0)–(1, 0) and apex (<paramref name="apexOffset"/>, <paramref name="height"/>).</summary>
    public static ShapeOutline Triangle(double apexOffset, double height) =>
        new(ShapeKind.Triangle, 3, [-1, 0, 1, 0, apexOffset, height], 0);

    /// <summary>Parallelogram with sides (1, 0) and (<paramref name="shear"/>, <paramref name="height"/>).</summary>
    public static ShapeOutline Parallelogram(double shear, double height) =>
        new(ShapeKind.Parallelogram, 4, [0, 0, 1, 0, 1 + shear, height, shear, height], 0);

    /// <summary>Ellipse with semi-axes 1 (x) and <paramref name="minorAxis"/> (y).</summary>
    public static ShapeOutline Ellipse(double minorAxis) => new(ShapeKind.Ellipse, 0, [], minorAxis);

    /// <summary>Whether the point (x, y) of the shape's own frame lies in the closed shape.</summary>
    public bool Contains(double x, double y)
    {
        if (VertexCount == 0)
        {
            double yn = y / MinorAxis;
            return x * x + yn * yn <= 1;
        }
        if (!LeftOf(X0, Y0, X1, Y1, x, y) || !LeftOf(X1, Y1, X2, Y2, x, y))
            return false;
        return VertexCount == 3
            ? LeftOf(X2, Y2, X0, Y0, x, y)
            : LeftOf(X2, Y2, X3, Y3, x, y) && LeftOf(X3, Y3, X0, Y0, x, y);
    }

    private static bool LeftOf(double ax, double ay, double bx, double by, double x, double y) =>
        (bx - ax) * (y - ay) - (by - ay) * (x - ax) >= 0;
}

/// <summary>A shape placed in the image: its outline scaled by <see cref="Radius"/>, rotated by (Cos, Sin), centred at (CenterX, CenterY), in pixel units.</summary>
/// <remarks>The shape lies inside the disk of radius <see cref="Radius"/> around its centre (its outline lies in the unit disk).</remarks>
internal readonly record struct PlacedShape(ShapeOutline Outline, double CenterX, double CenterY, double Radius, double Cos, double Sin, float Grey)
{
    /// <summary>Whether the image point (x, y), in pixels from the top-left corner, lies in the shape.</summary>
    public bool Contains(double x, double y)
    {
        double dx = x - CenterX, dy = y - CenterY;
        // Rotate by −θ into the shape's frame and scale by 1/Radius.
        return Outline.Contains(_scaledCos * dx + _scaledSin * dy, _scaledCos * dy - _scaledSin * dx);
    }

    private readonly double _scaledCos = Cos / Radius;
    private readonly double _scaledSin = Sin / Radius;

    /// <summary>The same shape centred elsewhere.</summary>
    public PlacedShape MovedTo(double centerX, double centerY) => this with { CenterX = centerX, CenterY = centerY };
}

/// <summary>Rasterization on the supersampling grid: sample (i, j) is the point ((j + ½)/s, (i + ½)/s) of a <c>size × size</c> image with s samples per pixel side.</summary>
internal static class ShapeRaster
{
    /// <summary>The rows or columns of samples that the disk of the shape can reach, clipped to the grid: [first, last].</summary>
    public static (int First, int Last) SampleRange(double center, double radius, int samplesPerPixel, int gridSize)
    {
        int first = Math.Max(0, (int)Math.Floor((center - radius) * samplesPerPixel));
        int last = Math.Min(gridSize - 1, (int)Math.Ceiling((center + radius) * samplesPerPixel));
        return (first, last);
    }

    /// <summary>Sets <paramref name="mask"/>[i·gridSize + j] to <paramref name="value"/> on every sample inside the shape; returns the number of such samples.</summary>
    public static int Paint(in PlacedShape shape, Span<byte> mask, byte value, int samplesPerPixel, int gridSize)
    {
        var (i0, i1) = SampleRange(shape.CenterY, shape.Radius, samplesPerPixel, gridSize);
        var (j0, j1) = SampleRange(shape.CenterX, shape.Radius, samplesPerPixel, gridSize);
        double step = 1.0 / samplesPerPixel;
        int count = 0;
        for (int i = i0; i <= i1; i++)
        {
            double y = (i + 0.5) * step;
            for (int j = j0; j <= j1; j++)
            {
                if (shape.Contains((j + 0.5) * step, y))
                {
                    mask[i * gridSize + j] = value;
                    count++;
                }
            }
        }
        return count;
    }

    /// <summary>The number of samples inside <paramref name="shape"/> (its area) and how many of them are nonzero in <paramref name="mask"/> (the overlap).</summary>
    public static (int Area, int Overlap) Measure(in PlacedShape shape, ReadOnlySpan<byte> mask, int samplesPerPixel, int gridSize)
    {
        var (i0, i1) = SampleRange(shape.CenterY, shape.Radius, samplesPerPixel, gridSize);
        var (j0, j1) = SampleRange(shape.CenterX, shape.Radius, samplesPerPixel, gridSize);
        double step = 1.0 / samplesPerPixel;
        int area = 0, overlap = 0;
        for (int i = i0; i <= i1; i++)
        {
            double y = (i + 0.5) * step;
            for (int j = j0; j <= j1; j++)
            {
                if (shape.Contains((j + 0.5) * step, y))
                {
                    area++;
                    if (mask[i * gridSize + j] != 0)
                        overlap++;
                }
            }
        }
        return (area, overlap);
    }
}
