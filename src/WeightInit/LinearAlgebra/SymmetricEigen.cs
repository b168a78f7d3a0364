namespace WeightInit.LinearAlgebra;

/// <summary>Eigenvalues (and optionally eigenvectors) of a real symmetric matrix by the cyclic Jacobi method; singular values through the Gram matrix.</summary>
/// <remarks>
/// <para><b>Method.</b> Cyclic-by-row Jacobi (Golub &amp; Van Loan, <i>Matrix Computations</i>, 4th ed., §8.5.3): sweeps over the
/// pairs (p, q), p &lt; q, in row order; each plane rotation zeroes a_pq with t = sign(θ)/(|θ| + √(θ² + 1)),
/// θ = (a_qq − a_pp)/(2a_pq), the smaller of the two angles (Rutishauser's stable form). Sweeps stop when the off-diagonal
/// Frobenius norm is at most 1e-15 times the matrix's; convergence is quadratic, typically 6–10 sweeps.</para>
/// <para><b>Accuracy.</b> Jacobi is backward stable with small relative errors for well-determined eigenvalues; the error of each
/// eigenvalue is about 1e-15·‖A‖_F. Singular values via AᵀA lose relative accuracy below √ε·σ_max ≈ 1e-8·σ_max.</para>
/// <para><b>Determinism.</b> One thread, double precision, a fixed pair order and a fixed stopping rule: the same bits on every
/// machine that rounds IEEE doubles the same way (no SIMD, no fused multiply-add).</para>
/// </remarks>
public static class SymmetricEigen
{
    /// <summary>Sweeps allowed before giving up (quadratic convergence needs far fewer).</summary>
    public const int MaxSweeps = 100;

    /// <summary>The eigenvalues of the symmetric n × n row-major matrix <paramref name="a"/>, ascending.</summary>
    /// <param name="a">The matrix, row-major; only its values are read (it is copied). It must be symmetric.</param>
    /// <param name="n">The order n ≥ 1.</param>
    /// <exception cref="ArgumentException">The length is not n², the matrix is not symmetric, or it holds NaN or ±∞.</exception>
    public static double[] Eigenvalues(ReadOnlySpan<double> a, int n) => Decompose(a, n, computeVectors: false).Values;

    /// <summary>Eigenvalues ascending and, when asked, orthonormal eigenvectors: column j of the row-major n × n <c>Vectors</c> belongs to <c>Values[j]</c>.</summary>
    /// <param name="a">The symmetric matrix, row-major (copied, not modified).</param>
    /// <param name="n">The order n ≥ 1.</param>
    /// <param name="computeVectors">Whether to accumulate the rotations into eigenvectors (null otherwise).</param>
    /// <exception cref="ArgumentException">The length is not n², the matrix is not symmetric, or it holds NaN or ±∞.</exception>
    /// <exception cref="InvalidOperationException">No convergence within <see cref="MaxSweeps"/> sweeps (not seen for finite input).</exception>
    public static (double[] Values, double[]? Vectors) Decompose(ReadOnlySpan<double> a, int n, bool computeVectors = true)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "The order must be at least 1.");
        if (a.Length != (long)n * n) throw new ArgumentException($"A {n} × {n} matrix has {(long)n * n} values; got {a.Length}.", nameof(a));
        var m = a.ToArray();
        double norm = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double v = m[i * n + j];
                if (!double.IsFinite(v)) throw new ArgumentException($"The matrix holds {v} at ({i}, {j}); eigenvalues need finite values.", nameof(a));
                if (j > i && v != m[j * n + i])
                    throw new ArgumentException($"The matrix is not symmetric: a[{i},{j}] = {v:R} but a[{j},{i}] = {m[j * n + i]:R}.", nameof(a));
                norm += v * v;
            }
        double[]? vectors = null;
        if (computeVectors)
        {
            vectors = new double[(long)n * n];
            for (int i = 0; i < n; i++) vectors[i * n + i] = 1;
        }
        double threshold = 1e-30 * norm; // (1e-15·‖A‖_F)²
        for (int sweep = 0; ; sweep++)
        {
            double off = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) off += 2 * m[i * n + j] * m[i * n + j];
            if (off <= threshold) break;
            if (sweep == MaxSweeps) throw new InvalidOperationException($"Jacobi did not converge in {MaxSweeps} sweeps (off-diagonal norm² {off:G3} of {norm:G3}).");
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                    Rotate(m, vectors, n, p, q);
        }
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = m[i * n + i];
        if (vectors is null)
        {
            Array.Sort(values);
            return (values, null);
        }
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(values, order);
        var sorted = new double[(long)n * n];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++) sorted[r * n + c] = vectors[r * n + order[c]];
        return (values, sorted);
    }

    /// <summary>Zeroes m[p,q] (= m[q,p]) by a plane rotation, updating rows and columns p and q (and the eigenvectors).</summary>
    private static void Rotate(double[] m, double[]? v, int n, int p, int q)
    {
        double apq = m[p * n + q];
        if (apq == 0) return;
        double app = m[p * n + p], aqq = m[q * n + q];
        double theta = (aqq - app) / (2 * apq);
        double t = Math.Sign(theta) is 0 ? 1 : Math.Sign(theta);
        t /= Math.Abs(theta) + Math.Sqrt(theta * theta + 1);
        if (double.IsInfinity(theta * theta)) t = 1 / (2 * theta); // θ² overflows: t ≈ 1/(2θ)
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c, tau = s / (1 + c);
        m[p * n + p] = app - t * apq;
        m[q * n + q] = aqq + t * apq;
        m[p * n + q] = m[q * n + p] = 0;
        for (int k = 0; k < n; k++)
        {
            if (k == p || k == q) continue;
            double akp = m[k * n + p], akq = m[k * n + q];
            double kp = akp - s * (akq + tau * akp), kq = akq + s * (akp - tau * akq);
            m[k * n + p] = m[p * n + k] = kp;
            m[k * n + q] = m[q * n + k] = kq;
        }
        if (v is null) return;
        for (int k = 0; k < n; k++)
        {
            double vkp = v[k * n + p], vkq = v[k * n + q];
            v[k * n + p] = vkp - s * (vkq + tau * vkp);
            v[k * n + q] = vkq + s * (vkp - tau * vkq);
        }
    }

    /// <summary>The singular values of the row-major <paramref name="rows"/> × <paramref name="columns"/> matrix, descending (min(rows, columns) of them).</summary>
    /// <remarks>σᵢ = √λᵢ of the Gram matrix of the smaller side (AᵀA or AAᵀ, accumulated in double in index order);
    /// tiny negative λ from rounding count as 0. Relative accuracy holds down to about 1e-8·σ_max (see the type remarks).</remarks>
    /// <exception cref="ArgumentException">The length is not rows × columns, or a value is not finite.</exception>
    public static double[] SingularValues(ReadOnlySpan<double> a, int rows, int columns)
    {
        if (rows < 1 || columns < 1) throw new ArgumentOutOfRangeException(nameof(rows), $"A matrix needs at least one row and column; got {rows} × {columns}.");
        if (a.Length != (long)rows * columns) throw new ArgumentException($"A {rows} × {columns} matrix has {(long)rows * columns} values; got {a.Length}.", nameof(a));
        bool tall = rows >= columns;
        int k = tall ? columns : rows;
        var gram = new double[(long)k * k];
        for (int i = 0; i < k; i++)
            for (int j = i; j < k; j++)
            {
                double sum = 0;
                if (tall) for (int r = 0; r < rows; r++) sum += a[r * columns + i] * a[r * columns + j];
                else for (int c = 0; c < columns; c++) sum += a[i * columns + c] * a[j * columns + c];
                gram[i * k + j] = gram[j * k + i] = sum;
            }
        var values = Eigenvalues(gram, k);
        var result = new double[k];
        for (int i = 0; i < k; i++) result[i] = Math.Sqrt(Math.Max(0, values[k - 1 - i]));
        return result;
    }
}
