namespace WeightInit.Training.Data;

/// <summary>The three shape categories of Shapeset-3×2 (Glorot and Bengio 2010, §2.1).</summary>
public enum ShapeKind
{
    /// <summary>A triangle with random base angles and height.</summary>
    Triangle = 0,
    /// <summary>A parallelogram with random side ratio and shear (rectangles and squares are special cases).</summary>
    Parallelogram = 1,
    /// <summary>An ellipse with random axis ratio (circles are a special case).</summary>
    Ellipse = 2,
}
