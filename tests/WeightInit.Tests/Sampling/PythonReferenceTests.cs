using System.Globalization;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Tests.Oracles;

namespace WeightInit.Tests.Sampling;

/// <summary>
/// The key derivation and the sampler definitions recomputed by an independent Python implementation (Philox in plain
/// integers, NumPy float32 arithmetic, mpmath's erfinv at 400 digits): uniform values must match bit for bit, the others to the accuracy of
/// the elementary functions involved.
/// </summary>
public class PythonReferenceTests
{
    private const string PythonPhilox = """
import struct, sys, numpy as np
M0, M1, W0, W1, MASK = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85, 0xFFFFFFFF
def philox(c, k):
    c0, c1, c2, c3 = c; k0, k1 = k
    for r in range(10):
        if r: k0 = (k0 + W0) & MASK; k1 = (k1 + W1) & MASK
        p0 = M0 * c0; p1 = M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0), p1 & MASK, ((p0 >> 32) ^ c3 ^ k1), p0 & MASK
    return (c0, c1, c2, c3)
def fold(key, name):
    b = name.encode('utf-8'); n = (len(b) + 7) // 8; k = key
    for j in range(n):
        piece = b[8*j:8*j+8].ljust(8, b'\0'); lo, hi = struct.unpack('<II', piece)
        x = philox((lo, hi, j, 0x4E414D45), k); k = (x[0] ^ lo, x[1] ^ hi)
    y = philox((len(b) & MASK, len(b) >> 32, n, 0x444F4E45), k)
    return (y[0], y[1])
def words(key, count, stream=0):
    # group g: word 64g + 16c + l is output word c of block 16g + l
    out = []
    for g in range((count + 63) // 64):
        blocks = [philox(((16*g + l) & MASK, (16*g + l) >> 32, stream, 0), key) for l in range(16)]
        out.extend(blocks[l][c] for c in range(4) for l in range(16))
    return out[:count]
""";

    private static readonly PhiloxKey Key = PhiloxKey.FromSeed(0x1234_5678_9ABC_DEF0UL).Fold("encoder.layers.0.self_attn.q_proj.weight ✓");

    [OracleFact(Oracle.Numpy)]
    public void KeyDerivation_MatchesIndependentImplementation()
    {
        var output = Python.Run(PythonPhilox + "\n" + """
seed = 0x123456789ABCDEF0
k = fold((seed & MASK, seed >> 32), "encoder.layers.0.self_attn.q_proj.weight ✓")
print(k[0], k[1])
""");
        var parts = output.Split(' ', StringSplitOptions.TrimEntries);
        Assert.Equal(uint.Parse(parts[0], CultureInfo.InvariantCulture), Key.K0);
        Assert.Equal(uint.Parse(parts[1], CultureInfo.InvariantCulture), Key.K1);
    }

    [OracleFact(Oracle.Numpy)]
    public void UniformFloat32AndFloat64_BitExact()
    {
        var output = Python.Run(PythonPhilox + "\n" + $$"""
key = ({{Key.K0}}, {{Key.K1}})
w = words(key, 256)
low, span = np.float32(-0.3), np.float32(np.float64(0.7) - np.float64(-0.3))
u = (np.array(w, dtype=np.uint32) >> np.uint32(8)).astype(np.float32) * np.float32(2.0**-24)
f = low + span * u
print(' '.join(str(int(x)) for x in f.view(np.uint32)))
d = []
for h in range(256 // 32):
    ws = w[32*h:32*h+32]
    for j in range(16):
        U = (ws[j] << 21) | (ws[j + 16] >> 11)
        d.append(np.float64(-0.3) + (np.float64(0.7) - np.float64(-0.3)) * (np.float64(U) * 2.0**-53))
print(' '.join(str(int(x)) for x in np.array(d).view(np.uint64)))
""");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected32 = lines[0].Split(' ').Select(s => uint.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var expected64 = lines[1].Split(' ').Select(s => ulong.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var d = new UniformDistribution(-0.3, 0.7);
        var f = new float[256]; d.Fill(Key, f);
        var g = new double[128]; d.Fill(Key, g);
        Assert.Equal(expected32, f.Select(BitConverter.SingleToUInt32Bits));
        Assert.Equal(expected64, g.Select(BitConverter.DoubleToUInt64Bits));
    }

    [OracleFact(Oracle.Numpy)]
    public void NormalFloat32AndFloat64_MatchBoxMullerDefinition()
    {
        var output = Python.Run(PythonPhilox + "\n" + $$"""
import math
key = ({{Key.K0}}, {{Key.K1}})
w = words(key, 512)
f = [0.0] * 512
for h in range(512 // 32):
    for j in range(16):
        wa, wb = w[32*h + j], w[32*h + j + 16]
        u1 = (wa >> 1) * 2.0**-31 + 2.0**-32
        theta = 2 * math.pi * (wb >> 8) / 2.0**24
        r = math.sqrt(-2 * math.log(u1))
        f[32*h + j] = r * math.cos(theta); f[32*h + j + 16] = r * math.sin(theta)
print(' '.join(repr(x) for x in f))
d = [0.0] * 256
for g in range(512 // 64):
    ws = w[64*g:64*g+64]; U = [(ws[32*(j // 16) + j % 16] << 21) | (ws[32*(j // 16) + j % 16 + 16] >> 11) for j in range(32)]
    for j in range(16):
        u1 = U[j] * 2.0**-53 + 2.0**-54; theta = 2 * math.pi * U[j + 16] / 2.0**53
        r = math.sqrt(-2 * math.log(u1))
        d[32*g + j] = r * math.cos(theta); d[32*g + j + 16] = r * math.sin(theta)
print(' '.join(repr(x) for x in d))
""");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var e32 = lines[0].Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var e64 = lines[1].Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var n = new NormalDistribution(0, 1);
        var f = new float[512]; n.Fill(Key, f);
        var g = new double[256]; n.Fill(Key, g);
        // float32: the radius comes from a float32 u₁ (rounded from 31 bits) and float32 polynomials: a few float32 ulps of r.
        for (int i = 0; i < f.Length; i++) Assert.True(Math.Abs(f[i] - e32[i]) <= 4e-6 * Math.Max(1, Math.Abs(e32[i])), $"float32 element {i}: {f[i]:R} vs {e32[i]:R}");
        for (int i = 0; i < g.Length; i++) Assert.True(Math.Abs(g[i] - e64[i]) <= 1e-14 * Math.Max(1, Math.Abs(e64[i])), $"float64 element {i}: {g[i]:R} vs {e64[i]:R}");
    }

    [OracleTheory(Oracle.Scipy)]
    [InlineData(-2.0, 2.0)]
    [InlineData(5.0, 6.0)]
    [InlineData(-0.001, 0.001)]
    [InlineData(-38.0, -37.0)]
    [InlineData(0.5, double.PositiveInfinity)]
    public void TruncatedNormalFloat64_MatchesScipyInverseCdf(double alpha, double beta)
    {
        var output = Python.Run(PythonPhilox + "\n" + $$"""
import mpmath
key = ({{Key.K0}}, {{Key.K1}})
a, b = {{alpha.ToString("R", CultureInfo.InvariantCulture)}}, float('{{beta.ToString("R", CultureInfo.InvariantCulture)}}'.replace('∞', 'inf'))
# Φ(−38) ≈ 1e−316: there the quantile argument 2p − 1 needs ~330 digits
mpmath.mp.dps = 400 if (b < -8 or a > 8) else 50
w = words(key, 256)
out = []
for h in range(256 // 32):
    ws = w[32*h:32*h+32]
    for j in range(16):
        U = (ws[j] << 21) | (ws[j + 16] >> 11)
        u = mpmath.mpf((U | 1)) * mpmath.mpf(2) ** -53
        pa = mpmath.ncdf(a); pb = mpmath.ncdf(b) if b != float('inf') else mpmath.mpf(1)
        p = pa + u * (pb - pa)
        x = mpmath.sqrt(2) * mpmath.erfinv(2 * p - 1)
        out.append(float(x))
print(' '.join(repr(x) for x in out))
""");
        var expected = output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var d = new TruncatedNormalDistribution(0, 1, alpha, beta);
        var g = new double[128]; d.Fill(Key, g);
        // AS 241 is accurate to about 1e-16 relative; the tail probabilities add a few ulps.
        for (int i = 0; i < g.Length; i++)
            Assert.True(Math.Abs(g[i] - expected[i]) <= 1e-13 * Math.Max(1, Math.Abs(expected[i])), $"({alpha}, {beta}) element {i}: {g[i]:R} vs {expected[i]:R}");
    }

    [OracleTheory(Oracle.Numpy, Oracle.Mpmath)]
    [InlineData(38.0, 38.3)]
    [InlineData(-60.0, -50.0)]
    [InlineData(40.0, double.PositiveInfinity)]
    [InlineData(1000.0, 1001.0)]
    [InlineData(-1e-20, 1e-20)]
    public void TruncatedNormalTailForm_MatchesMpmathInverseCdf(double alpha, double beta)
    {
        // The exact inverse CDF at 60 digits, solved from the near bound c: Q(c + y) = Q(c) − u·(Q(c) − Q(c + W)).
        var output = Python.Run(PythonPhilox + "\n" + $$"""
import mpmath
from mpmath import mpf
mpmath.mp.dps = 60
key = ({{Key.K0}}, {{Key.K1}})
a, b = mpf({{alpha.ToString("R", CultureInfo.InvariantCulture)}}), mpf(float('{{beta.ToString("R", CultureInfo.InvariantCulture)}}'.replace('∞', 'inf')))
mirrored = b <= 0 and a < 0
c, W = (-b, b - a) if mirrored else (a, b - a)
def Q(x): return mpf(0) if x == mpf('inf') else mpmath.erfc(x / mpmath.sqrt(2)) / 2
def logQ(x): return mpmath.log(Q(x))
D = 1 - (Q(c + W) / Q(c) if W != mpf('inf') else 0)
w = words(key, 256)
out = []
for h in range(256 // 32):
    ws = w[32*h:32*h+32]
    for j in range(16):
        U = (ws[j] << 21) | (ws[j + 16] >> 11)
        u = mpf(U | 1) * mpf(2) ** -53
        target = mpmath.log(1 - u * D)
        y0 = -target / max(c, mpf(1))
        y = mpmath.findroot(lambda y: logQ(c + y) - logQ(c) - target, y0)
        x = -(c + y) if mirrored else a + y
        out.append(mpmath.nstr(x, 30))
print(' '.join(out))
""");
        var expected = output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var d = new TruncatedNormalDistribution(0, 1, alpha, beta);
        Assert.True(d.UsesTailForm);
        var g = new double[128]; d.Fill(Key, g);
        // The value is the near bound plus y: a few ulps of the value (y itself is computed to ≈ 1e-15 relative).
        for (int i = 0; i < g.Length; i++)
            Assert.True(Math.Abs(g[i] - expected[i]) <= 4e-16 * Math.Max(1e-300, Math.Abs(expected[i])) + 2e-16 * Math.Abs(expected[i] - (alpha < 0 && beta <= 0 ? beta : alpha)),
                $"({alpha}, {beta}) element {i}: {g[i]:R} vs {expected[i]:R}");
    }
}
