using WeightInit.IO;

namespace WeightInit.IO.Tests;

/// <summary>A fact that needs Linux (it writes to /dev/full to get a real ENOSPC from the kernel).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinuxFactAttribute : FactAttribute
{
    /// <summary>Skips the test on other systems.</summary>
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/dev/full"))
            Skip = "Needs Linux's /dev/full.";
    }
}

public class AtomicFileTests
{
    [Fact]
    public void Write_Success_ContentUnderFinalNameAndNoTemporaryLeft()
    {
        using var dir = new TempDirectory();
        string path = dir.File("out.bin");
        AtomicFile.Write(path, s => s.Write([1, 2, 3]), expectedLength: 3);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal(["out.bin"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void TemporaryPath_SameDirectoryHiddenWithProcessId()
    {
        Assert.Equal($"/data/.model.safetensors.tmp-{Environment.ProcessId}", AtomicFile.TemporaryPath("/data/model.safetensors"));
    }

    [Fact]
    public void Write_WriterThrows_NothingUnderFinalNameAndTemporaryDeleted()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        var failing = new TensorSource("w", TensorDType.Float32, [1000], (first, _) =>
        {
            if (first >= 500) throw new InvalidOperationException("generator failed");
        });
        var e = Assert.Throws<InvalidOperationException>(() => SafetensorsWriter.WriteFile(path, [failing], chunkBytes: 400));
        Assert.Equal("generator failed", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Write_WriterThrows_PreviousFileUntouched()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");
        File.WriteAllBytes(path, [42]);
        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write([1, 2, 3]);
            throw new IOException("disk unplugged");
        }));
        Assert.Equal(new byte[] { 42 }, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Write_WrongLength_RefusedAndNothingCreated()
    {
        using var dir = new TempDirectory();
        string path = dir.File("x.bin");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s => s.Write([1, 2]), expectedLength: 3));
        Assert.Contains("2 bytes where 3 were expected", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Write_MissingDirectory_ClearError()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "no", "such", "x.bin");
        var e = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Write(path, s => s.WriteByte(1)));
        Assert.Contains("does not exist", e.Message);
    }

    [LinuxFact]
    public void Write_DeviceFull_ClearErrorAndNothingCreated()
    {
        using var dir = new TempDirectory();
        string path = dir.File("big.bin");
        // The kernel answers every write to /dev/full with ENOSPC: the same IOException a full disk raises.
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, _ =>
        {
            using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            full.Write(new byte[4096]);
        }));
        Assert.Contains("device is full", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
