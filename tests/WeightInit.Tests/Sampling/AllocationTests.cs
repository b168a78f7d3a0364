using WeightInit.Sampling;

namespace WeightInit.Tests.Sampling;

/// <summary>The hot path allocates nothing: a fill's managed allocations are a few small objects per call, whatever its size.</summary>
public class AllocationTests
{
    private static readonly SamplingOptions OneThread = new() { MaxThreads = 1 };

    // The least of a few measured calls: one-time work on the calling thread (first-call setup, the runtime's own bookkeeping
    // while tiered compilation replaces code) can land in any single call, but an allocation per batch or per element
    // would be in every one of them.
    private static long Allocated(Action fill)
    {
        fill();
        long least = long.MaxValue;
        for (int i = 0; i < 4; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            fill();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }

    [Theory]
    [MemberData(nameof(SamplingCases.Names), MemberType = typeof(SamplingCases))]
    public void Fill_AllocatesTheSameSmallAmountWhateverTheSize(string name)
    {
        var d = SamplingCases.All[name];
        var key = SamplingCases.Key;
        foreach (var (type, fill) in new (string, Func<int, Action>)[]
        {
            ("float32", n => { var a = new float[n]; return () => d.Fill(key, a, 3, OneThread); }),
            ("float64", n => { var a = new double[n]; return () => d.Fill(key, a, 3, OneThread); }),
            ("float16", n => { var a = new Half[n]; return () => d.Fill(key, a, 3, OneThread); }),
            ("bfloat16", n => { var a = new ushort[n]; return () => d.FillBFloat16Bits(key, a, 3, OneThread); }),
        })
        {
            long small = Allocated(fill(1 << 12));
            long large = Allocated(fill(1 << 20)); // 16 parallel chunks, 1024 word batches
            Assert.True(large == small, $"{name} {type}: {small} bytes for 4 Ki elements but {large} for 1 Mi");
            Assert.True(large <= 1024, $"{name} {type}: {large} bytes allocated per fill");
        }
    }
}
