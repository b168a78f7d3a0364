using System.Runtime.InteropServices;
using WeightInit.Random;

namespace WeightInit.Sampling;

/// <summary>Runs a kernel over an element range: fixed chunks in parallel, batches of word groups, partial groups at the ends.</summary>
/// <remarks>
/// Element i's value depends only on its group's words, so neither the chunking, the thread count nor the range start
/// changes any value: filling [a, b) alone gives the bits that filling the whole tensor puts there.
/// </remarks>
internal static unsafe class SamplingDriver
{
    private const int WordsPerGroup = PhiloxWords.WordsPerGroup;
    private const int BatchGroups = 16;
    /// <summary>Elements per parallel work item; work items start at multiples of this absolute index.</summary>
    public const long ChunkElements = 1 << 16;

    /// <summary>How float32 values reach the destination element type.</summary>
    public enum SingleTarget { Single, Half, BFloat16 }

    public static void FillSingle(SingleKernel kernel, PhiloxKey key, uint stream, void* destination, SingleTarget target,
        long firstIndex, long count, SamplingOptions options, float lo, float hi)
    {
        var dst = (nint)destination;
        bool scalar = options.ForceScalar;
        Run(firstIndex, count, options, (s, e) =>
        {
            Span<uint> words = stackalloc uint[BatchGroups * WordsPerGroup];
            Span<float> values = stackalloc float[BatchGroups * WordsPerGroup];
            long g0 = s / WordsPerGroup, gEnd = (e + WordsPerGroup - 1) / WordsPerGroup;
            for (long g = g0; g < gEnd; g += BatchGroups)
            {
                int n = (int)Math.Min(BatchGroups, gEnd - g);
                var w = words[..(n * WordsPerGroup)];
                PhiloxWords.Fill(key, stream, (ulong)g, w, scalar);
                long from = Math.Max(s, g * WordsPerGroup), to = Math.Min(e, (g + n) * WordsPerGroup);
                long offset = from - firstIndex;
                int length = (int)(to - from);
                if (target == SingleTarget.Single && length == w.Length)
                {
                    // Whole groups: the kernel writes straight into the destination.
                    var d = new Span<float>((float*)dst + offset, length);
                    if (scalar) kernel.Scalar(w, d); else kernel.Vectorized(w, d);
                    continue;
                }
                var v = values[..w.Length];
                if (scalar) kernel.Scalar(w, v); else kernel.Vectorized(w, v);
                var slice = v.Slice((int)(from - g * WordsPerGroup), length);
                switch (target)
                {
                    case SingleTarget.Single:
                        slice.CopyTo(new Span<float>((float*)dst + offset, length));
                        break;
                    case SingleTarget.Half:
                        ElementConversion.ToHalf(slice, new Span<Half>((Half*)dst + offset, length), lo, hi, scalar);
                        break;
                    default:
                        ElementConversion.ToBFloat16(slice, new Span<ushort>((ushort*)dst + offset, length), lo, hi, scalar);
                        break;
                }
            }
        });
    }

    public static void FillDouble(DoubleKernel kernel, PhiloxKey key, uint stream, double* destination, long firstIndex, long count, SamplingOptions options)
    {
        const int perGroup = WordsPerGroup / 2;
        var dst = (nint)destination;
        bool scalar = options.ForceScalar;
        Run(firstIndex, count, options, (s, e) =>
        {
            Span<uint> words = stackalloc uint[BatchGroups * WordsPerGroup];
            Span<double> values = stackalloc double[BatchGroups * perGroup];
            long g0 = s / perGroup, gEnd = (e + perGroup - 1) / perGroup;
            for (long g = g0; g < gEnd; g += BatchGroups)
            {
                int n = (int)Math.Min(BatchGroups, gEnd - g);
                var w = words[..(n * WordsPerGroup)];
                PhiloxWords.Fill(key, stream, (ulong)g, w, scalar);
                long from = Math.Max(s, g * perGroup), to = Math.Min(e, (g + n) * perGroup);
                int length = (int)(to - from);
                var d = new Span<double>((double*)dst + (from - firstIndex), length);
                if (length == n * perGroup)
                {
                    if (scalar) kernel.Scalar(w, d); else kernel.Vectorized(w, d);
                    continue;
                }
                var v = values[..(n * perGroup)];
                if (scalar) kernel.Scalar(w, v); else kernel.Vectorized(w, v);
                v.Slice((int)(from - g * perGroup), length).CopyTo(d);
            }
        });
    }

    private static void Run(long firstIndex, long count, SamplingOptions options, Action<long, long> chunk)
    {
        if (count <= 0) return;
        long end = firstIndex + count;
        long c0 = firstIndex / ChunkElements, cEnd = (end + ChunkElements - 1) / ChunkElements;
        long chunks = cEnd - c0;
        void Body(long c)
        {
            long s = Math.Max(firstIndex, (c0 + c) * ChunkElements), e = Math.Min(end, (c0 + c + 1) * ChunkElements);
            chunk(s, e);
        }
        int threads = options.EffectiveThreads;
        if (threads <= 1 || chunks == 1)
        {
            for (long c = 0; c < chunks; c++) Body(c);
            return;
        }
        Parallel.For(0L, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, Body);
    }
}
