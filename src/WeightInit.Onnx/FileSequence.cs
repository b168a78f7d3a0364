using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace WeightInit.Onnx;

/// <summary>A file as a <see cref="ReadOnlySequence{T}"/> whose windows are read when the reader reaches them and dropped when it
/// moves to the next one, so that Google.Protobuf parses a model file holding one window of it in memory besides the parsed messages.</summary>
/// <remarks>
/// <para>Why: parsing from a <see cref="Stream"/>, Google.Protobuf does not know how many bytes are left, so a bytes field larger
/// than its 4 KiB buffer (every initializer's raw_data) is read as a list of buffer-sized chunks and then concatenated — two
/// copies of that tensor at once, and a heap of garbage. Parsing from a sequence of known length it allocates each field once at
/// its size and copies into it (ParsingPrimitives.ReadRawBytesSlow, <c>IsDataAvailableInSource</c>).</para>
/// <para>Each window's memory is a fresh array loaded on demand (<see cref="MemoryManager{T}.GetSpan"/>); the loader keeps only the
/// last one, so a window the parser has left is garbage. A span handed out stays valid (it references its array), and a window
/// asked for again is read again: any access pattern gives the file's bytes, a sequential one holds one window.</para>
/// </remarks>
internal static class FileSequence
{
    /// <summary>Bytes per window: small enough for the small-object heap, where gen-0 collections reclaim windows quickly.</summary>
    public const int WindowBytes = 64 << 10;

    /// <summary>The <paramref name="length"/> bytes of <paramref name="file"/> from offset 0 as a lazily read sequence.</summary>
    public static ReadOnlySequence<byte> Create(SafeFileHandle file, long length, int windowBytes = WindowBytes)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBytes, 1);
        if (length == 0) return ReadOnlySequence<byte>.Empty;
        var loader = new Loader(file);
        Segment? first = null, last = null;
        for (long offset = 0; offset < length; offset += windowBytes)
        {
            var window = new Window(loader, offset, (int)Math.Min(windowBytes, length - offset));
            var segment = new Segment(window.Lazy, offset);
            if (last is null) first = segment;
            else last.Append(segment);
            last = segment;
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Loader(SafeFileHandle file)
    {
        private Window? _window;
        private byte[] _data = [];

        public byte[] Load(Window window)
        {
            if (ReferenceEquals(window, _window)) return _data;
            var data = new byte[window.Length];
            int done = 0;
            while (done < data.Length)
            {
                int n = RandomAccess.Read(file, data.AsSpan(done), window.Offset + done);
                if (n <= 0) throw new EndOfStreamException($"The file ended at byte {window.Offset + done} while {window.Offset + data.Length} were expected.");
                done += n;
            }
            (_window, _data) = (window, data);
            return data;
        }
    }

    private sealed class Window(Loader loader, long offset, int length) : MemoryManager<byte>
    {
        public long Offset { get; } = offset;

        public int Length { get; } = length;

        /// <summary>This window as memory, without loading it (<see cref="MemoryManager{T}.Memory"/> would).</summary>
        public Memory<byte> Lazy => CreateMemory(Length);

        public override Span<byte> GetSpan() => loader.Load(this);

        public override MemoryHandle Pin(int elementIndex = 0) =>
            throw new NotSupportedException("A lazily read file window cannot be pinned.");

        public override void Unpin() { }

        protected override void Dispose(bool disposing) { }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void Append(Segment next) => Next = next;
    }
}
