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
        Run(firstIndex, count, options, (s, e) =>
        {
            Span<uint> words = stackalloc uint[BatchGroups * WordsPerGroup];
            Span<float> values = stackalloc float[BatchGroups * WordsPerGroup];
            long g0 = s / WordsPerGroup, gEnd = (e + WordsPerGroup - 1) / WordsPerGroup;
            for (long g = g0; g < gEnd; g += BatchGroups)
            {
                int n = (int)Math.Min(BatchGroups, gEnd - g);
                var w = words[..(n * WordsPerGroup)];
                var v = values[..(n * WordsPerGroup)];
                PhiloxWords.Fill(key, stream, (ulong)g, w, options.ForceScalar);
                if (options.ForceScalar) kernel.Scalar(w, v); else kernel.Vectorized(w, v);
                long from = Math.Max(s, g * WordsPerGroup), to = Math.Min(e, (g + n) * WordsPerGroup);
                var slice = v.Slice((int)(from - g * WordsPerGroup), (int)(to - from));
                long offset = from - firstIndex;
                switch (target)
                {
                    case SingleTarget.Single:
                        slice.CopyTo(new Span<float>((float*)dst + offset, slice.Length));
                        break;
                    case SingleTarget.Half:
                        ElementConversion.ToHalf(slice, new Span<Half>((Half*)dst + offset, slice.Length), lo, hi);
                        break;
                    default:
                        ElementConversion.ToBFloat16(slice, new Span<ushort>((ushort*)dst + offset, slice.Length), lo, hi);
                        break;
                }
            }
        });
    }

    public static void FillDouble(DoubleKernel kernel, PhiloxKey key, uint stream, double* destination, long firstIndex, long count, SamplingOptions options)
    {
        const int perGroup = WordsPerGroup / 2;
        var dst = (nint)destination;
        Run(firstIndex, count, options, (s, e) =>
        {
            Span<uint> words = stackalloc uint[BatchGroups * WordsPerGroup];
            Span<double> values = stackalloc double[BatchGroups * perGroup];
            long g0 = s / perGroup, gEnd = (e + perGroup - 1) / perGroup;
            for (long g = g0; g < gEnd; g += BatchGroups)
            {
                int n = (int)Math.Min(BatchGroups, gEnd - g);
                var w = words[..(n * WordsPerGroup)];
                var v = values[..(n * perGroup)];
                PhiloxWords.Fill(key, stream, (ulong)g, w, options.ForceScalar);
                if (options.ForceScalar) kernel.Scalar(w, v); else kernel.Vectorized(w, v);
                long from = Math.Max(s, g * perGroup), to = Math.Min(e, (g + n) * perGroup);
                v.Slice((int)(from - g * perGroup), (int)(to - from)).CopyTo(new Span<double>((double*)dst + (from - firstIndex), (int)(to - from)));
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
