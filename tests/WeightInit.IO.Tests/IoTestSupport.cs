using System.Globalization;
using WeightInit.IO;

namespace WeightInit.IO.Tests;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "weightinit-io-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

internal static class TestTensors
{
    /// <summary>A deterministic, sign-varying value for element <paramref name="i"/> of a tensor (float32-exact dyadic rationals
    /// mixed with values that are not exact in 16 bits, so rounding is exercised).</summary>
    public static float Value(long i, int salt) => (float)((i % 97) * 0.37 - 11.0 + salt * 0.125 + 1.0 / (i + 3));

    /// <summary>A tensor whose float32 values come from <see cref="Value"/>, stored as <paramref name="dtype"/>.</summary>
    public static TensorSource Make(string name, TensorDType dtype, long[] shape, int salt = 0) =>
        new(name, dtype, shape, TensorFills.FromSingle(dtype, (first, values) =>
        {
            for (int k = 0; k < values.Length; k++)
                values[k] = Value(first + k, salt);
        }));

    /// <summary>The bytes <paramref name="tensor"/> produces, gathered in memory (tests only).</summary>
    public static byte[] Bytes(TensorSource tensor)
    {
        using var buffer = new MemoryStream();
        tensor.WriteData(buffer, 1 << 12);
        return buffer.ToArray();
    }

    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public static string PyString(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    public static string PyShape(IReadOnlyList<long> shape) =>
        "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + (shape.Count == 1 ? ",)" : ")");
}
