using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace WeightInit.IO;

/// <summary>Switches an open file between buffered writes and writes that bypass the page cache (Linux <c>O_DIRECT</c>).</summary>
/// <remarks>
/// <para>A buffered write copies every byte into the kernel's page cache, and on a virtual machine that copy can cost as much CPU
/// time as the write takes (measured in docs/PERFORMANCE.md: <c>dd</c> spends about its whole wall time in the kernel). With
/// <c>O_DIRECT</c> the device reads the process's buffer itself. The price is alignment: the buffer's address, the file offset and
/// the length of each write must be multiples of <see cref="Alignment"/>; the checkpoint writer writes whole aligned chunks and
/// switches back with <see cref="Disable"/> for the last, partial one.</para>
/// <para>Only Linux on x64, x86, Arm64 and Arm is supported (the flag's value differs between architectures: 0x4000 on x86, 0x10000 on
/// Arm); elsewhere, or where the file system refuses the flag, <see cref="TryEnable"/> returns false and nothing changes.
/// .NET has no managed API for the flag, and the packages that bind libc (Tmds.LibC 0.5, last released in 2020; Mono.Unix, which
/// ships its own native helper) are a larger dependency than these two <c>fcntl</c> calls.</para>
/// </remarks>
public static partial class UnbufferedIO
{
    /// <summary>The alignment of buffers, offsets and lengths for unbuffered writes: 4096 bytes, a multiple of every common logical block size.</summary>
    public const int Alignment = 4096;

    private const int GetFlags = 3, SetFlags = 4; // F_GETFL, F_SETFL: the same on every Linux architecture

    /// <summary>Whether this platform has the flag at all (Linux on x64, x86, Arm64 or Arm).</summary>
    public static bool IsSupported => DirectFlag != 0;

    private static int DirectFlag =>
        !OperatingSystem.IsLinux() ? 0 : RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 or Architecture.X86 => 0x4000,
            Architecture.Arm64 or Architecture.Arm => 0x10000,
            _ => 0,
        };

    /// <summary>Makes later writes through <paramref name="handle"/> bypass the page cache; false (and no change) where the platform or the file system does not allow it.</summary>
    public static bool TryEnable(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        int flag = DirectFlag;
        if (flag == 0 || handle.IsInvalid || handle.IsClosed) return false;
        int fd = (int)handle.DangerousGetHandle();
        int flags = Fcntl(fd, GetFlags, 0);
        if (flags < 0) return false;
        return (flags & flag) != 0 || Fcntl(fd, SetFlags, flags | flag) == 0;
    }

    /// <summary>Makes later writes through <paramref name="handle"/> buffered again (nothing happens where the flag is not set).</summary>
    /// <exception cref="IOException">The flag could not be cleared.</exception>
    public static void Disable(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        int flag = DirectFlag;
        if (flag == 0 || handle.IsInvalid || handle.IsClosed) return;
        int fd = (int)handle.DangerousGetHandle();
        int flags = Fcntl(fd, GetFlags, 0);
        if (flags >= 0 && ((flags & flag) == 0 || Fcntl(fd, SetFlags, flags & ~flag) == 0)) return;
        throw new IOException($"Could not switch the file back to buffered writes (errno {Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>A pinned array of <paramref name="length"/> + <see cref="Alignment"/> bytes and the offset inside it where an aligned block of <paramref name="length"/> bytes starts.</summary>
    public static unsafe (byte[] Array, int Offset) AllocateAligned(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var array = GC.AllocateUninitializedArray<byte>(length + Alignment, pinned: true);
        fixed (byte* p = array)
        {
            int misalignment = (int)((nint)p % Alignment);
            return (array, misalignment == 0 ? 0 : Alignment - misalignment);
        }
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
