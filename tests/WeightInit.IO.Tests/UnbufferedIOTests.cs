using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using WeightInit.IO;

namespace WeightInit.IO.Tests;

public class UnbufferedIOTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(8 << 20)]
    public unsafe void AllocateAligned_BlockStartsOnTheAlignmentAndFitsTheArray(int length)
    {
        var (array, offset) = UnbufferedIO.AllocateAligned(length);
        Assert.InRange(offset, 0, UnbufferedIO.Alignment - 1);
        Assert.True(offset + length <= array.Length);
        fixed (byte* p = array) Assert.Equal(0, (long)((nint)(p + offset) % UnbufferedIO.Alignment));
    }

    /// <summary>The flag as the kernel reports it in /proc/self/fdinfo (octal "flags:"), independent of the fcntl calls under test.</summary>
    private static bool KernelSaysDirect(SafeFileHandle handle)
    {
        string line = File.ReadLines($"/proc/self/fdinfo/{handle.DangerousGetHandle()}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
        int flags = Convert.ToInt32(line["flags:".Length..].Trim(), 8);
        int direct = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x10000 : 0x4000;
        return (flags & direct) != 0;
    }

    [Fact]
    public void EnableWriteDisable_KernelSeesTheFlag_BytesLandAsWritten()
    {
        if (!UnbufferedIO.IsSupported)
        {
            using var other = new TempDirectory();
            using var plain = File.OpenHandle(other.File("plain.bin"), FileMode.CreateNew, FileAccess.ReadWrite);
            Assert.False(UnbufferedIO.TryEnable(plain));
            return;
        }
        using var dir = new TempDirectory();
        string path = dir.File("direct.bin");
        var (array, offset) = UnbufferedIO.AllocateAligned(2 * UnbufferedIO.Alignment);
        var block = array.AsSpan(offset, 2 * UnbufferedIO.Alignment);
        for (int i = 0; i < block.Length; i++) block[i] = (byte)(i * 7 + 3);
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            Assert.False(KernelSaysDirect(handle));
            Assert.True(UnbufferedIO.TryEnable(handle), $"the file system under {dir.Path} refused O_DIRECT");
            Assert.True(KernelSaysDirect(handle));
            Assert.True(UnbufferedIO.TryEnable(handle)); // already on: still true
            RandomAccess.Write(handle, block, 0);
            UnbufferedIO.Disable(handle);
            Assert.False(KernelSaysDirect(handle));
            RandomAccess.Write(handle, new byte[] { 1, 2, 3 }, block.Length); // unaligned: only possible buffered
        }
        var content = File.ReadAllBytes(path);
        Assert.Equal(block.Length + 3, content.Length);
        Assert.True(content.AsSpan(0, block.Length).SequenceEqual(block));
        Assert.Equal(new byte[] { 1, 2, 3 }, content[block.Length..]);
    }
}
