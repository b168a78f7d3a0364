using System.Buffers;
using System.Numerics;

namespace WeightInit.LinearAlgebra;

/// <summary>
/// Blocked Householder QR, A = Q·R, with the sign convention that makes Q Haar-distributed when A has independent
/// standard normal entries: the thin Q (m × min(m, n)) and R (min(m, n) × n) are returned with diag(R) ≥ 0.
/// Deterministic: the same bits at every thread count and on every SIMD path.
/// </summary>
/// <remarks>
/// <para><b>Method.</b> LAPACK's <c>geqrf</c> + <c>orgqr</c> in compact-WY form (Schreiber &amp; Van Loan 1989): columns are
/// factored in panels of 64 by unblocked reflectors (<c>larfg</c>: β = −sign(α)·‖x‖, τ = (β − α)/β, v = x/(α − β));
/// each panel's reflectors are combined into I − V·T·Vᵀ (<c>larft</c>) and applied to the trailing columns, and
/// later accumulated into Q from the last panel back, with three <see cref="Gemm"/> calls each.</para>
/// <para><b>Sign fix.</b> Householder QR leaves the signs of diag(R) to the algorithm, which biases Q; Mezzadri (2007),
/// "How to generate random matrices from the classical compact groups", Notices AMS 54(5), shows that with
/// s = sign(diag R), sign(0) = +1, the product Q·diag(s) is Haar-distributed on O(m) (and, for m &gt; n, uniform on the
/// Stiefel manifold). This is what <c>torch.nn.init.orthogonal_</c> and the Saxe et al. (2014) orthogonal initializer do.
/// R is replaced by diag(s)·R, so Q·R = A still holds.</para>
/// <para><b>Determinism.</b> Every reduction runs in a fixed order (norms and dot products sequentially over rows, the
/// trailing updates through <see cref="Gemm"/>, whose per-element accumulation order is fixed); the only SIMD is
/// lane-wise fused multiply-add. Norms are scaled by the column's largest magnitude, so no intermediate overflows.</para>
/// </remarks>
public static class HouseholderQr
{
    /// <summary>Panel width: the k of the trailing GEMMs. 64 balances the unblocked panel work (∝ m·n·64) against the passes the rank-64 updates make over the trailing matrix (measured on 2048², 32 and 128 were slower).</summary>
    internal const int PanelWidth = 64;

    /// <summary>Factors a row-major m×n single-precision matrix as A = Q·R with diag(R) ≥ 0 (see the type remarks).</summary>
    /// <param name="a">A, row-major, <paramref name="rows"/> × <paramref name="columns"/> (leading dimension = columns); not modified.</param>
    /// <param name="rows">m ≥ 1.</param>
    /// <param name="columns">n ≥ 1.</param>
    /// <param name="q">Receives the thin Q, row-major m × min(m, n), with orthonormal columns.</param>
    /// <param name="r">Receives R, row-major min(m, n) × n, upper trapezoidal with nonnegative diagonal; pass an empty span to skip it.</param>
    /// <param name="diagonalSigns">Receives s = sign(diag R) of the unadjusted Householder factorization (±1, sign(0) = +1), the diagonal
    /// by which Q was multiplied; pass an empty span to skip it.</param>
    /// <param name="maxDegreeOfParallelism">Most threads for the GEMM updates; −1 for all processors. Does not change the result.</param>
    public static void Decompose(ReadOnlySpan<float> a, int rows, int columns, Span<float> q, Span<float> r, Span<float> diagonalSigns,
        int maxDegreeOfParallelism = -1)
        => Decompose<float>(Gemm.FastestPath, a, rows, columns, q, r, diagonalSigns, maxDegreeOfParallelism);

    /// <summary>Factors a row-major m×n double-precision matrix as A = Q·R with diag(R) ≥ 0 (see the type remarks).</summary>
    /// <param name="a">A, row-major, <paramref name="rows"/> × <paramref name="columns"/> (leading dimension = columns); not modified.</param>
    /// <param name="rows">m ≥ 1.</param>
    /// <param name="columns">n ≥ 1.</param>
    /// <param name="q">Receives the thin Q, row-major m × min(m, n), with orthonormal columns.</param>
    /// <param name="r">Receives R, row-major min(m, n) × n, upper trapezoidal with nonnegative diagonal; pass an empty span to skip it.</param>
    /// <param name="diagonalSigns">Receives s = sign(diag R) of the unadjusted Householder factorization (±1, sign(0) = +1), the diagonal
    /// by which Q was multiplied; pass an empty span to skip it.</param>
    /// <param name="maxDegreeOfParallelism">Most threads for the GEMM updates; −1 for all processors. Does not change the result.</param>
    public static void Decompose(ReadOnlySpan<double> a, int rows, int columns, Span<double> q, Span<double> r, Span<double> diagonalSigns,
        int maxDegreeOfParallelism = -1)
        => Decompose<double>(Gemm.FastestPath, a, rows, columns, q, r, diagonalSigns, maxDegreeOfParallelism);

    /// <summary>The factorization on a chosen SIMD path (tests compare paths; the bits are the same on all).</summary>
    internal static void Decompose<T>(SimdPath path, ReadOnlySpan<T> a, int m, int n, Span<T> q, Span<T> r, Span<T> signs, int dop)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(a.Length, m, n, q.Length, r.Length, signs.Length, dop);
        int kmin = Math.Min(m, n);
        int nb = Math.Min(PanelWidth, kmin);
        int panels = (kmin + nb - 1) / nb;
        T[] wBuffer = ArrayPool<T>.Shared.Rent(m * n);
        T[] tauBuffer = ArrayPool<T>.Shared.Rent(kmin);
        T[] vBuffer = ArrayPool<T>.Shared.Rent(m * nb);
        T[] tBuffer = ArrayPool<T>.Shared.Rent(panels * nb * nb);
        T[] yBuffer = ArrayPool<T>.Shared.Rent(nb * n);
        T[] zBuffer = ArrayPool<T>.Shared.Rent(nb * n);
        try
        {
            Span<T> w = wBuffer.AsSpan(0, m * n), tau = tauBuffer.AsSpan(0, kmin), v = vBuffer.AsSpan(0, m * nb);
            Span<T> y = yBuffer.AsSpan(0, nb * n), z = zBuffer.AsSpan(0, nb * n);
            a[..(m * n)].CopyTo(w);

            // Factor: W ← R on and above the diagonal, reflectors below it (LAPACK geqrf layout); T of each panel kept for Q.
            for (int j = 0; j < kmin; j += nb)
            {
                int jb = Math.Min(nb, kmin - j), mj = m - j, nt = n - j - jb;
                Span<T> t = tBuffer.AsSpan(j / nb * nb * nb, jb * jb);
                FactorPanel(w, m, n, j, jb, tau, v[..(mj * jb)], t, path);
                if (nt == 0) continue;
                BuildV(w, m, n, j, jb, v);
                // Trailing columns C ← (I − V·T·Vᵀ)ᵀ·C = C − V·(Tᵀ·(Vᵀ·C)).
                Span<T> trailing = w[(j * n + j + jb)..];
                Gemm.Multiply(path, Transpose.Transposed, Transpose.None, jb, nt, mj, T.One, v, jb, trailing, n, T.Zero, y, nt, dop);
                Gemm.Multiply(path, Transpose.Transposed, Transpose.None, jb, nt, jb, T.One, t, jb, y, nt, T.Zero, z, nt, dop);
                Gemm.Multiply(path, Transpose.None, Transpose.None, mj, nt, jb, -T.One, v, jb, z, nt, T.One, trailing, n, dop);
            }

            // Q = H₀·H₁·…·H_{k−1}·[I; 0], applied from the last panel back so each step touches only rows and columns ≥ j (LAPACK orgqr).
            Span<T> qm = q[..(m * kmin)];
            qm.Clear();
            for (int i = 0; i < kmin; i++) qm[i * kmin + i] = T.One;
            for (int j = (panels - 1) * nb; j >= 0; j -= nb)
            {
                int jb = Math.Min(nb, kmin - j), mj = m - j, qc = kmin - j;
                Span<T> t = tBuffer.AsSpan(j / nb * nb * nb, jb * jb);
                BuildV(w, m, n, j, jb, v);
                Span<T> block = qm[(j * kmin + j)..];
                Gemm.Multiply(path, Transpose.Transposed, Transpose.None, jb, qc, mj, T.One, v, jb, block, kmin, T.Zero, y, qc, dop);
                Gemm.Multiply(path, Transpose.None, Transpose.None, jb, qc, jb, T.One, t, jb, y, qc, T.Zero, z, qc, dop);
                Gemm.Multiply(path, Transpose.None, Transpose.None, mj, qc, jb, -T.One, v, jb, z, qc, T.One, block, kmin, dop);
            }

            // Mezzadri's fix: Q ← Q·diag(s), R ← diag(s)·R, s = sign(diag R) with sign(0) = +1.
            for (int i = 0; i < kmin; i++)
            {
                T s = w[i * n + i] < T.Zero ? -T.One : T.One;
                if (!signs.IsEmpty) signs[i] = s;
                if (s < T.Zero)
                    for (int p = 0; p < m; p++) qm[p * kmin + i] = -qm[p * kmin + i];
                if (r.IsEmpty) continue;
                Span<T> rRow = r.Slice(i * n, n);
                rRow[..i].Clear();
                for (int c = i; c < n; c++) rRow[c] = s * w[i * n + c];
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(wBuffer);
            ArrayPool<T>.Shared.Return(tauBuffer);
            ArrayPool<T>.Shared.Return(vBuffer);
            ArrayPool<T>.Shared.Return(tBuffer);
            ArrayPool<T>.Shared.Return(yBuffer);
            ArrayPool<T>.Shared.Return(zBuffer);
        }
    }

    private static void Validate(int aLength, int m, int n, int qLength, int rLength, int signsLength, int dop)
    {
        if (m < 1 || n < 1)
            throw new ArgumentOutOfRangeException(m < 1 ? "rows" : "columns", m < 1 ? m : n,
                $"QR needs a matrix with at least one row and one column; got {m}×{n}.");
        if ((long)m * n > Array.MaxLength)
            throw new ArgumentOutOfRangeException("rows", m, $"A {m}×{n} matrix has more elements than an array can hold.");
        int kmin = Math.Min(m, n);
        if (aLength < m * n)
            throw new ArgumentException($"A is {m}×{n} = {m * n} elements, but the span holds {aLength}.", "a");
        if (qLength < m * kmin)
            throw new ArgumentException($"Q is {m}×{kmin} = {m * kmin} elements (rows × min(rows, columns)), but the span holds {qLength}.", "q");
        if (rLength != 0 && rLength < kmin * n)
            throw new ArgumentException($"R is {kmin}×{n} = {kmin * n} elements (min(rows, columns) × columns), but the span holds {rLength}; pass an empty span to skip R.", "r");
        if (signsLength != 0 && signsLength < kmin)
            throw new ArgumentException($"The diagonal signs need min(rows, columns) = {kmin} elements, but the span holds {signsLength}; pass an empty span to skip them.", "diagonalSigns");
        if (dop == 0 || dop < -1)
            throw new ArgumentOutOfRangeException("maxDegreeOfParallelism", dop,
                "The maximum degree of parallelism must be a positive thread count, or -1 for all processors.");
    }

    /// <summary>
    /// Unblocked QR (LAPACK geqr2) of columns j .. j+jb−1, rows j .. m−1, of the row-major m×n matrix W, on a column-major copy
    /// of the panel so every reflector operation runs over contiguous memory; also forms the panel's T (LAPACK larft,
    /// forward, column-wise: H₀·…·H_{jb−1} = I − V·T·Vᵀ), stored densely jb×jb.
    /// </summary>
    private static void FactorPanel<T>(Span<T> w, int m, int n, int j, int jb, Span<T> tau, Span<T> panel, Span<T> t, SimdPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool vectorize = path != SimdPath.Scalar;
        int mj = m - j;
        for (int p = 0; p < mj; p++)
            for (int c = 0; c < jb; c++) panel[c * mj + p] = w[(j + p) * n + j + c];

        for (int i = 0; i < jb; i++)
        {
            // larfg on x = column i from its diagonal down: H·x = β·e₁ with H = I − τ·v·vᵀ, v₀ = 1.
            Span<T> column = panel.Slice(i * mj, mj);
            Span<T> below = column[(i + 1)..];
            T alpha = column[i];
            T xNorm = Norm(below, path);
            if (xNorm == T.Zero)
            {
                tau[j + i] = T.Zero; // H = I: the column is already reduced.
                continue;
            }
            T norm = Hypot(alpha, xNorm);
            T beta = alpha >= T.Zero ? -norm : norm;
            T tauI = (beta - alpha) / beta;
            tau[j + i] = tauI;
            LaneMath.Scale(below, T.One / (alpha - beta), vectorize);
            column[i] = beta;

            // Apply H to the panel's later columns: d = vᵀ·y, y ← y − τ·d·v.
            for (int c = i + 1; c < jb; c++)
            {
                Span<T> other = panel.Slice(c * mj, mj);
                T u = tauI * (other[i] + LaneMath.FixedOrderDot<T>(below, other[(i + 1)..], path));
                other[i] -= u;
                LaneMath.MultiplyAdd(-u, below, other[(i + 1)..], vectorize);
            }
        }

        for (int p = 0; p < mj; p++)
            for (int c = 0; c < jb; c++) w[(j + p) * n + j + c] = panel[c * mj + p];

        // T: column i is τᵢ on the diagonal and T[0..i, 0..i]·(−τᵢ·V[:, 0..i]ᵀ·vᵢ) above it.
        t.Clear();
        Span<T> z = stackalloc T[PanelWidth];
        for (int i = 0; i < jb; i++)
        {
            T tauI = tau[j + i];
            if (tauI == T.Zero) continue; // H_i = I: column i of T stays zero.
            ReadOnlySpan<T> vi = panel.Slice(i * mj + i + 1, mj - i - 1);
            for (int c = 0; c < i; c++)
            {
                // vᵢ is 1 at row i and zero above, so V[:, c]ᵀ·vᵢ = V[i, c] + Σ_{p>i} V[p, c]·vᵢ[p].
                ReadOnlySpan<T> vc = panel.Slice(c * mj, mj);
                z[c] = -tauI * (vc[i] + LaneMath.FixedOrderDot(vc[(i + 1)..], vi, path));
            }
            for (int p = 0; p < i; p++)
            {
                T sum = T.Zero;
                for (int c = p; c < i; c++) sum = T.FusedMultiplyAdd(t[p * jb + c], z[c], sum);
                t[p * jb + i] = sum;
            }
            t[i * jb + i] = tauI;
        }
    }

    /// <summary>‖x‖₂: the fixed-order dot x·x when that is safely in range, else rescaled by the largest magnitude.</summary>
    private static T Norm<T>(ReadOnlySpan<T> x, SimdPath path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sumOfSquares = LaneMath.FixedOrderDot(x, x, path);
        // Squares lose relative precision below the normal range (÷ ε guards partial sums) and overflow above it.
        if (T.IsFinite(sumOfSquares) && (sumOfSquares == T.Zero || sumOfSquares >= T.CreateTruncating(MinimumSafeSumOfSquares<T>())))
            return T.Sqrt(sumOfSquares);
        T scale = T.Zero;
        foreach (T value in x) scale = T.Max(scale, T.Abs(value));
        if (scale == T.Zero || !T.IsFinite(scale)) return scale;
        T inv = T.One / scale, sum = T.Zero;
        foreach (T value in x)
        {
            T scaled = value * inv;
            sum = T.FusedMultiplyAdd(scaled, scaled, sum);
        }
        return scale * T.Sqrt(sum);
    }

    /// <summary>Smallest normal number divided by the machine epsilon: sums of squares above it carry full relative precision.</summary>
    private static double MinimumSafeSumOfSquares<T>() where T : unmanaged, IFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? Math.ScaleB(1.0, -126 + 23) : Math.ScaleB(1.0, -1022 + 52);

    /// <summary>√(x² + y²) from +, ×, ÷ and √ only (all correctly rounded), so it is the same on every platform.</summary>
    private static T Hypot<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        x = T.Abs(x);
        y = T.Abs(y);
        T big = T.Max(x, y), small = T.Min(x, y);
        if (big == T.Zero) return T.Zero;
        T ratio = small / big;
        return big * T.Sqrt(T.FusedMultiplyAdd(ratio, ratio, T.One));
    }

    /// <summary>Copies panel j's reflectors into a dense (m−j)×jb row-major V with the implicit unit diagonal and zeros above it.</summary>
    private static void BuildV<T>(Span<T> w, int m, int n, int j, int jb, Span<T> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < m - j; p++)
        {
            Span<T> vRow = v.Slice(p * jb, jb);
            int below = Math.Min(p, jb); // columns c < p hold reflector entries
            w.Slice((j + p) * n + j, below).CopyTo(vRow);
            if (p < jb)
            {
                vRow[p] = T.One;
                vRow[(p + 1)..].Clear();
            }
        }
    }
}
