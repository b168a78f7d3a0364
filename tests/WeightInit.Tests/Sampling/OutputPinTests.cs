using System.Runtime.InteropServices;
using System.Security.Cryptography;
using WeightInit.Sampling;

namespace WeightInit.Tests.Sampling;

/// <summary>
/// Output bits must not change when the kernels are made faster: a SHA-256 of each sampling case's fills (every element
/// type, vector path and scalar path) is pinned here. The digests were recorded from the kernels as they were before the
/// speed work of the vector-width–generic rewrite; they pin stability, not correctness (the statistical and oracle tests
/// check correctness). Recompute them only for a deliberate, documented change of a sampler's definition.
/// </summary>
[Trait("Category", "Simd")]
public class OutputPinTests
{
    private const int Length = 50_021; // several word batches, an odd tail
    private const int Start = 13;      // starts inside a group

    public static readonly Dictionary<string, string> Pins = new()
    {
        ["uniform[-1,1)"] = "e9d0d94031654e90cac305d2b78bdc0f12fb46a396dbdc88c9b15b362740d86e",
        ["uniform[3,3.5)"] = "1c526613083ba7897a9d5c1588bb7b2a15830e09174a347c50339408625506fd",
        ["normal(0,1)"] = "2c7234da7b1c4ddae9260c9b001a66560a55d9e98ba519a20290d1b4d06fbe24",
        ["normal(2,0.5)"] = "a611851df0c7402d84879872d5a424a91baa49224fd1d0a1601e95aa0d65b76b",
        ["truncnormal(±2σ)"] = "398a3b85a40df8532fea834834018aa8e87740d611af3b416185a707916866b5",
        ["truncnormal[5σ,6σ]"] = "dfef72d9edf880afdcc535c7a322334853a8d22b4b9162963f5a4f15f893568f",
        ["truncnormal[-6σ,-5σ]"] = "d91d44e8d32bdd14046e2f5b77e1f7592023e967b110aa7ed7e3903b37fc143e",
        ["truncnormal(±0.001σ)"] = "60b6c505c123247a37ad269afbab69cd9607f9f3f53d35fd731bd57bf1a7c0cd",
        ["truncnormal[-38σ,-37σ]"] = "6924a382f15144a3fecac1856b59851c59643f231e881a799d246ae273c1f691",
        ["truncnormal(0.1,0.02;abs -0.05,0.3)"] = "69abe7f746ba98f1faf56e42368fb26e249d7b2c5eaf6fbbf8a336a1698b7138",
        ["truncnormal[0,∞)"] = "cfd04b1a8270ee6523b4b400f6b9d5e12958f5c43ce464d6be977a219f68a970",
        // [37.5σ, 38σ] takes the inverse-CDF path, unchanged; the four below it the tail form (refused before it existed).
        ["truncnormal[37.5σ,38σ]"] = "3958415a90ec21f929cd07c16d2aa452e22acfab85cffa63f03d9721f630822b",
        ["truncnormal[38σ,38.3σ]"] = "91378e3a8fd3b262b6ce781f40ea306717c82ac4ca2a2875ceae648e26097a5c",
        ["truncnormal[-60σ,-50σ]"] = "b7284eb7906123cf1100ac833a22cdd011e64af8fa7175a0a897c3f4f2241d1f",
        ["truncnormal(0,0.01;abs 0.5,0.6)"] = "5e62c492b3a0a45961ed0d98ce79a5b3ffd955c4c5b85bb362f7642539702acc",
        ["truncnormal[40σ,∞)"] = "4dc35fd230b51907432debbecd869ec87f6d07125b42284af765c8073307911a",
    };

    public static IEnumerable<object[]> Cases() => SamplingCases.Names();

    private static string Digest(Distribution d, bool scalar)
    {
        var options = scalar ? new SamplingOptions { ForceScalar = true, MaxThreads = 1 } : null;
        var key = SamplingCases.Key;
        var f = new float[Length]; d.Fill(key, f, Start, options);
        var g = new double[Length]; d.Fill(key, g, Start, options);
        var h = new Half[Length]; d.Fill(key, h, Start, options);
        var b = new ushort[Length]; d.FillBFloat16Bits(key, b, Start, options);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(MemoryMarshal.AsBytes(f.AsSpan()));
        sha.AppendData(MemoryMarshal.AsBytes(g.AsSpan()));
        sha.AppendData(MemoryMarshal.AsBytes(h.AsSpan()));
        sha.AppendData(MemoryMarshal.AsBytes(b.AsSpan()));
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VectorPath_MatchesPinnedDigest(string name) => Assert.Equal(Pins[name], Digest(SamplingCases.All[name], scalar: false));

    [Theory]
    [MemberData(nameof(Cases))]
    public void ScalarPath_MatchesPinnedDigest(string name) => Assert.Equal(Pins[name], Digest(SamplingCases.All[name], scalar: true));
}
