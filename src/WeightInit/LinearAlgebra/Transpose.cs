namespace WeightInit.LinearAlgebra;

/// <summary>Whether a matrix operand of <see cref="Gemm"/> is used as stored or transposed.</summary>
public enum Transpose
{
    /// <summary>op(X) = X: the operand is read as stored (row-major).</summary>
    None = 0,

    /// <summary>op(X) = Xᵀ: the stored matrix is read transposed.</summary>
    Transposed = 1,
}
