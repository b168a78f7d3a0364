using System.Buffers;
using System.Numerics;

namespace WeightInit.LinearAlgebra;

/// <summary>
/// The blocked GEMM loop nest (Goto &amp; van de Geijn 2008, "Anatomy of high-performance matrix multiplication";
/// BLIS's five loops): column panels of width nc, depth panels of kc, row blocks of mc, then register tiles.
/// The depth loop is the outermost loop inside a column panel and runs in increasing order, and each tile's
/// accumulators are loaded from and stored back to C between depth panels (a lossless round trip), so every
/// element of C receives its k fused multiply-adds in the order k = 0, 1, …, K−1 whatever mc, the thread count
/// or the vector width. Threads only ever split independent C tiles.
/// </summary>
internal static unsafe class GemmDriver
{
    /// <summary>Depth of a packed panel. 256 keeps a packed B micro-panel (kc × 32 f32 or kc × 16 f64 = 32 KiB) in L1.</summary>
    private const int DepthBlock = 256;

    /// <summary>Bytes of a packed A block (mc × kc), sized to stay in a 1 MiB L2 with room for B and C lines.</summary>
    private const int RowBlockBytes = 512 * 1024;

    /// <summary>Widest column panel packed at once; bounds the pooled B buffer to kc × 4096 elements.</summary>
    private const int ColumnBlock = 4096;

    /// <summary>Below this many multiply-adds a call runs on the calling thread: scheduling would cost more than it saves.</summary>
    internal const long ParallelThreshold = 1L << 20;

    public static void Run<T, TVec, TLanes>(
        bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc, int maxDegreeOfParallelism)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLanes : struct, IGemmLanes<TVec, T>
    {
        if (m == 0 || n == 0) return;
        ScaleC(m, n, beta, c, ldc);
        // BLAS convention: with alpha = 0 or an empty inner dimension, A and B are not read (so NaNs in them do not leak).
        if (k == 0 || alpha == T.Zero) return;

        int mr = TLanes.TileRows, nr = 2 * TLanes.Count;
        int kcMax = Math.Min(DepthBlock, k);
        int mcMax = Math.Max(mr, RowBlockBytes / (DepthBlock * sizeof(T)) / mr * mr);
        int ncMax = Math.Min(RoundUp(n, nr), ColumnBlock);
        int dop = (long)m * n * k < ParallelThreshold ? 1 : maxDegreeOfParallelism;
        // Threads split row blocks first: each packs only its own rows of A, while the packed B panel is shared. Splitting
        // columns instead makes every work item pack the whole A block again. Aim at two row blocks per thread (at least mr
        // rows each); columns are split only when that still leaves too few items. The block height does not change the
        // result: every element's products are summed in the order k = 0, 1, … whatever mc is.
        int threads = dop == 1 ? 1 : dop > 0 ? dop : Environment.ProcessorCount;
        int mc = Math.Min(mcMax, RoundUp(threads == 1 ? m : Math.Max(mr, (m + 2 * threads - 1) / (2 * threads)), mr));

        T[] packedB = ArrayPool<T>.Shared.Rent(kcMax * ncMax);
        try
        {
            fixed (T* bp = packedB)
            {
                var job = new Job<T, TVec, TLanes>
                {
                    TransposeA = transposeA, TransposeB = transposeB, M = m, K = k, Alpha = alpha,
                    A = a, Lda = lda, B = b, Ldb = ldb, C = c, Ldc = ldc, PackedB = bp, Mc = mc,
                };
                for (int jc = 0; jc < n; jc += ncMax)
                {
                    job.J0 = jc;
                    job.NCur = Math.Min(ncMax, n - jc);
                    int slabsB = (job.NCur + nr - 1) / nr;
                    int rowBlocks = (m + mc - 1) / mc;
                    // Enough work items for the threads to balance; column chunks only when there are too few row blocks.
                    job.ColumnChunks = dop == 1 ? 1 : Math.Min(slabsB, Math.Max(1, (2 * dop + rowBlocks - 1) / rowBlocks));
                    job.SlabsPerChunk = (slabsB + job.ColumnChunks - 1) / job.ColumnChunks;
                    int items = rowBlocks * job.ColumnChunks;
                    for (int pc = 0; pc < k; pc += kcMax)
                    {
                        job.P0 = pc;
                        job.KCur = Math.Min(kcMax, k - pc);
                        if (dop == 1)
                        {
                            job.PackB(0, slabsB);
                            for (int item = 0; item < items; item++) job.Compute(item);
                        }
                        else
                        {
                            StepInParallel(job, slabsB, items, dop);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packedB);
        }
    }

    /// <summary>One depth-panel step on the thread pool; separate so the serial path allocates no closure.</summary>
    private static void StepInParallel<T, TVec, TLanes>(Job<T, TVec, TLanes> job, int slabsB, int items, int dop)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLanes : struct, IGemmLanes<TVec, T>
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = dop };
        int packChunks = Math.Min(slabsB, 2 * dop);
        int perPack = (slabsB + packChunks - 1) / packChunks;
        Parallel.For(0, packChunks, options, i => job.PackB(i * perPack, Math.Min(slabsB, (i + 1) * perPack)));
        Parallel.For(0, items, options, item => job.Compute(item));
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>C ← β·C, with β = 0 writing zeros (BLAS: C is then not read, so NaN or ∞ there does not propagate).</summary>
    private static void ScaleC<T>(int m, int n, T beta, T* c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (beta == T.One) return;
        for (int i = 0; i < m; i++)
        {
            var row = new Span<T>(c + (long)i * ldc, n);
            if (beta == T.Zero) row.Clear();
            else for (int j = 0; j < n; j++) row[j] *= beta;
        }
    }

    /// <summary>The state one column-panel × depth-panel step shares between its work items (copied by value into the parallel step).</summary>
    private struct Job<T, TVec, TLanes>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLanes : struct, IGemmLanes<TVec, T>
    {
        public bool TransposeA, TransposeB;
        public int M, K, Lda, Ldb, Ldc, Mc;
        public T Alpha;
        public T* A, B, C, PackedB;
        public int J0, NCur, P0, KCur, ColumnChunks, SlabsPerChunk;

        /// <summary>Packs op(B)[P0.., J0 + slab·nr ..] for slabs [first, end): per slab, KCur rows of nr values, zero-padded past N.</summary>
        public readonly void PackB(int first, int end)
        {
            int nr = 2 * TLanes.Count, kc = KCur;
            for (int s = first; s < end; s++)
            {
                T* dst = PackedB + (long)s * kc * nr;
                int j0 = J0 + s * nr;
                int cols = Math.Min(nr, J0 + NCur - j0);
                if (!TransposeB)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        T* src = B + (long)(P0 + p) * Ldb + j0;
                        T* d = dst + p * nr;
                        for (int j = 0; j < cols; j++) d[j] = src[j];
                        for (int j = cols; j < nr; j++) d[j] = T.Zero;
                    }
                }
                else
                {
                    for (int j = 0; j < cols; j++)
                    {
                        T* src = B + (long)(j0 + j) * Ldb + P0;
                        for (int p = 0; p < kc; p++) dst[p * nr + j] = src[p];
                    }
                    for (int j = cols; j < nr; j++)
                        for (int p = 0; p < kc; p++) dst[p * nr + j] = T.Zero;
                }
            }
        }

        /// <summary>Packs α·op(A)[i0 .. i0+rows, P0 ..] as slabs of KCur columns of mr values, zero-padded past the last row.</summary>
        private readonly void PackA(T* dst, int i0, int rows)
        {
            int mr = TLanes.TileRows, kc = KCur;
            T alpha = Alpha;
            for (int s = 0; s < rows; s += mr)
            {
                T* slab = dst + (long)s * kc;
                int live = Math.Min(mr, rows - s);
                if (!TransposeA)
                {
                    for (int r = 0; r < live; r++)
                    {
                        T* src = A + (long)(i0 + s + r) * Lda + P0;
                        for (int p = 0; p < kc; p++) slab[p * mr + r] = alpha * src[p];
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        T* src = A + (long)(P0 + p) * Lda + i0 + s;
                        T* d = slab + p * mr;
                        for (int r = 0; r < live; r++) d[r] = alpha * src[r];
                    }
                }
                for (int r = live; r < mr; r++)
                    for (int p = 0; p < kc; p++) slab[p * mr + r] = T.Zero;
            }
        }

        /// <summary>One work item: a block of Mc rows × one chunk of B slabs, for the current depth panel.</summary>
        public readonly void Compute(int item)
        {
            int mr = TLanes.TileRows, nr = 2 * TLanes.Count, kc = KCur;
            int i0 = item / ColumnChunks * Mc;
            int rows = Math.Min(Mc, M - i0);
            int firstSlab = item % ColumnChunks * SlabsPerChunk;
            int endSlab = Math.Min(firstSlab + SlabsPerChunk, (NCur + nr - 1) / nr);
            if (firstSlab >= endSlab) return;

            int rowsPadded = (rows + mr - 1) / mr * mr;
            T[] packedA = ArrayPool<T>.Shared.Rent(rowsPadded * kc);
            try
            {
                fixed (T* ap = packedA)
                {
                    PackA(ap, i0, rows);
                    T* edge = stackalloc T[mr * nr];
                    for (int s = firstSlab; s < endSlab; s++)
                    {
                        int j0 = J0 + s * nr;
                        int cols = Math.Min(nr, J0 + NCur - j0);
                        ref T bSlab = ref *(PackedB + (long)s * kc * nr);
                        for (int r0 = 0; r0 < rows; r0 += mr)
                        {
                            int live = Math.Min(mr, rows - r0);
                            ref T aSlab = ref *(ap + (long)r0 * kc);
                            T* cTile = C + (long)(i0 + r0) * Ldc + j0;
                            if (live == mr && cols == nr)
                            {
                                GemmMicroKernel.Run<T, TVec, TLanes>(ref aSlab, ref bSlab, kc, ref *cTile, Ldc);
                                continue;
                            }
                            // Edge tile: run the full kernel on a copy so the padding lanes never touch memory outside C.
                            for (int r = 0; r < live; r++)
                                for (int j = 0; j < cols; j++) edge[r * nr + j] = cTile[(long)r * Ldc + j];
                            GemmMicroKernel.Run<T, TVec, TLanes>(ref aSlab, ref bSlab, kc, ref *edge, nr);
                            for (int r = 0; r < live; r++)
                                for (int j = 0; j < cols; j++) cTile[(long)r * Ldc + j] = edge[r * nr + j];
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(packedA);
            }
        }
    }
}
