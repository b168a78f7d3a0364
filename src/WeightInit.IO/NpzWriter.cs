using System.Buffers.Binary;
using System.Text;

namespace WeightInit.IO;

/// <summary>Writes NumPy .npz archives: a zip file with one uncompressed (STORED) "NAME.npy" member per tensor,
/// streamed member by member.</summary>
/// <remarks>
/// Each member's sizes are known before its data is produced (header plus elements × size), so its local header is
/// written first with a zero CRC-32; the CRC is computed while the data streams and patched in afterwards, which
/// is why the stream must be seekable. Members or offsets at or past 4 GiB get zip64 extra fields
/// (APPNOTE.TXT 4.5.3), and the archive gets zip64 end records when its directory needs them. Timestamps are the
/// DOS epoch (1980-01-01 00:00) so the same tensors always give the same bytes. bfloat16 tensors are refused.
/// </remarks>
public sealed class NpzWriter : IDisposable
{
    private const uint LocalHeaderSignature = 0x04034b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const ushort Zip64ExtraId = 0x0001;
    private const ushort VersionDefault = 20;
    private const ushort VersionZip64 = 45;
    private const ushort FlagUtf8Name = 1 << 11;
    private const ushort DosDate1980 = (0 << 9) | (1 << 5) | 1;
    private const uint Limit32 = 0xFFFFFFFF;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _chunkBytes;
    private readonly long _origin;
    private readonly List<Member> _members = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private bool _finished;

    private readonly record struct Member(byte[] Name, bool Utf8, uint Crc, long Size, long Offset);

    /// <summary>Starts an archive at the current position of <paramref name="stream"/>.</summary>
    /// <exception cref="ArgumentException">The stream cannot write or seek.</exception>
    public NpzWriter(Stream stream, bool leaveOpen = false, int chunkBytes = NpyWriter.DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        if (!stream.CanWrite || !stream.CanSeek)
            throw new ArgumentException("An .npz archive needs a writable, seekable stream (each member's CRC-32 is patched in after its data).", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;
        _chunkBytes = chunkBytes;
        _origin = stream.Position;
    }

    /// <summary>Writes every local header with zip64 fields and ends the archive with zip64 records, whatever the sizes
    /// (lets tests check the zip64 layout without writing 4 GiB).</summary>
    internal bool ForceZip64 { get; init; }

    /// <summary>The member name used for a tensor: its name plus ".npy" (what <c>numpy.load</c> strips to form the key).</summary>
    public static string MemberName(string tensorName) => tensorName + ".npy";

    /// <summary>Streams <paramref name="tensor"/> into the archive as member "NAME.npy".</summary>
    /// <exception cref="ArgumentException">A tensor of the same name was already added.</exception>
    /// <exception cref="NotSupportedException">The tensor is bfloat16.</exception>
    public void Add(TensorSource tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_finished, this);
        if (tensor.DType == TensorDType.BFloat16)
            throw new NotSupportedException($"Tensor '{tensor.Name}': {TensorDTypes.NoNumpyBFloat16}");
        if (!_names.Add(tensor.Name))
            throw new ArgumentException($"The archive already has a tensor named '{tensor.Name}'; names must be unique.", nameof(tensor));

        TensorNames.CheckFileName(tensor.Name, "npz"); // a member "../../x.npy" would be written outside the extraction directory
        string memberName = MemberName(tensor.Name);
        byte[] name = Encoding.UTF8.GetBytes(memberName);
        if (name.Length > ushort.MaxValue)
            throw new ArgumentException($"Tensor name '{tensor.Name[..40]}…' is longer than a zip member name can be (65535 bytes).", nameof(tensor));
        bool utf8 = memberName.Any(c => c > 0x7F);
        long size = NpyWriter.FileLength(tensor.DType, tensor.Shape);
        long offset = _stream.Position - _origin;
        bool zip64 = ForceZip64 || size >= Limit32;

        Span<byte> header = stackalloc byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(header, LocalHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], zip64 ? VersionZip64 : VersionDefault);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], utf8 ? FlagUtf8Name : (ushort)0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], 0); // STORED
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], 0); // 00:00:00
        BinaryPrimitives.WriteUInt16LittleEndian(header[12..], DosDate1980);
        BinaryPrimitives.WriteUInt32LittleEndian(header[14..], 0); // CRC-32, patched below
        BinaryPrimitives.WriteUInt32LittleEndian(header[18..], zip64 ? Limit32 : (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(header[22..], zip64 ? Limit32 : (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], (ushort)name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], (ushort)(zip64 ? 20 : 0));
        long headerPosition = _stream.Position;
        _stream.Write(header);
        _stream.Write(name);
        if (zip64)
        {
            Span<byte> extra = stackalloc byte[20];
            BinaryPrimitives.WriteUInt16LittleEndian(extra, Zip64ExtraId);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 16);
            BinaryPrimitives.WriteInt64LittleEndian(extra[4..], size);
            BinaryPrimitives.WriteInt64LittleEndian(extra[12..], size);
            _stream.Write(extra);
        }

        var counter = new ChecksumStream(_stream);
        NpyWriter.Write(counter, tensor, _chunkBytes);
        if (counter.BytesWritten != size)
            throw new InvalidOperationException($"Member '{memberName}' has {counter.BytesWritten} bytes where {size} were expected.");
        long end = _stream.Position;
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, counter.Crc);
        _stream.Position = headerPosition + 14;
        _stream.Write(crc);
        _stream.Position = end;
        _members.Add(new Member(name, utf8, counter.Crc, size, offset));
    }

    /// <summary>Writes the central directory and the end records; the archive is complete afterwards.</summary>
    public void Finish()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        long directoryOffset = _stream.Position - _origin;
        foreach (var m in _members)
            WriteCentralHeader(m);
        long directorySize = _stream.Position - _origin - directoryOffset;
        bool zip64 = ForceZip64 || _members.Count >= ushort.MaxValue || directorySize >= Limit32 || directoryOffset >= Limit32;
        if (zip64)
        {
            long zip64EndOffset = _stream.Position - _origin;
            Span<byte> record = stackalloc byte[56];
            BinaryPrimitives.WriteUInt32LittleEndian(record, Zip64EndSignature);
            BinaryPrimitives.WriteInt64LittleEndian(record[4..], 56 - 12); // size of the rest of the record
            BinaryPrimitives.WriteUInt16LittleEndian(record[12..], VersionZip64);
            BinaryPrimitives.WriteUInt16LittleEndian(record[14..], VersionZip64);
            BinaryPrimitives.WriteUInt32LittleEndian(record[16..], 0); // this disk
            BinaryPrimitives.WriteUInt32LittleEndian(record[20..], 0); // disk with the directory
            BinaryPrimitives.WriteInt64LittleEndian(record[24..], _members.Count);
            BinaryPrimitives.WriteInt64LittleEndian(record[32..], _members.Count);
            BinaryPrimitives.WriteInt64LittleEndian(record[40..], directorySize);
            BinaryPrimitives.WriteInt64LittleEndian(record[48..], directoryOffset);
            _stream.Write(record);
            Span<byte> locator = stackalloc byte[20];
            BinaryPrimitives.WriteUInt32LittleEndian(locator, Zip64LocatorSignature);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[4..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(locator[8..], zip64EndOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[16..], 1); // total disks
            _stream.Write(locator);
        }
        Span<byte> end = stackalloc byte[22];
        ushort count = zip64 ? ushort.MaxValue : (ushort)_members.Count;
        BinaryPrimitives.WriteUInt32LittleEndian(end, EndSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(end[4..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(end[6..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], count);
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], zip64 ? Limit32 : (uint)directorySize);
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], zip64 ? Limit32 : (uint)directoryOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(end[20..], 0); // comment length
        _stream.Write(end);
        _stream.Flush();
        _finished = true;
    }

    private void WriteCentralHeader(Member m)
    {
        bool bigSize = ForceZip64 || m.Size >= Limit32;
        bool bigOffset = ForceZip64 || m.Offset >= Limit32;
        int extraLength = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
        Span<byte> header = stackalloc byte[46];
        ushort version = bigSize || bigOffset ? VersionZip64 : VersionDefault;
        BinaryPrimitives.WriteUInt32LittleEndian(header, CentralHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], version); // made by: MS-DOS attributes, this spec version
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], m.Utf8 ? FlagUtf8Name : (ushort)0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[12..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[14..], DosDate1980);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], m.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], bigSize ? Limit32 : (uint)m.Size);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], bigSize ? Limit32 : (uint)m.Size);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], (ushort)m.Name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[30..], (ushort)(extraLength == 0 ? 0 : 4 + extraLength));
        // comment length, disk number, internal and external attributes stay 0
        BinaryPrimitives.WriteUInt32LittleEndian(header[42..], bigOffset ? Limit32 : (uint)m.Offset);
        _stream.Write(header);
        _stream.Write(m.Name);
        if (extraLength > 0)
        {
            Span<byte> extra = stackalloc byte[4 + 24];
            BinaryPrimitives.WriteUInt16LittleEndian(extra, Zip64ExtraId);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], (ushort)extraLength);
            int at = 4;
            if (bigSize)
            {
                // Order fixed by APPNOTE 4.5.3: uncompressed size, compressed size, local header offset.
                BinaryPrimitives.WriteInt64LittleEndian(extra[at..], m.Size);
                BinaryPrimitives.WriteInt64LittleEndian(extra[(at + 8)..], m.Size);
                at += 16;
            }
            if (bigOffset)
            {
                BinaryPrimitives.WriteInt64LittleEndian(extra[at..], m.Offset);
                at += 8;
            }
            _stream.Write(extra[..at]);
        }
    }

    /// <summary>Writes <paramref name="tensors"/> to an .npz file at <paramref name="path"/> atomically (see <see cref="AtomicFile"/>).</summary>
    public static void WriteFile(string path, IEnumerable<TensorSource> tensors, int chunkBytes = NpyWriter.DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        foreach (var t in list)
            if (t.DType == TensorDType.BFloat16)
                throw new NotSupportedException($"Tensor '{t.Name}': {TensorDTypes.NoNumpyBFloat16}");
        AtomicFile.Write(path, stream =>
        {
            using var writer = new NpzWriter(stream, leaveOpen: true, chunkBytes);
            foreach (var t in list)
                writer.Add(t);
            writer.Finish();
        });
    }

    /// <summary>Releases the stream (unless left open). An archive not <see cref="Finish"/>ed is incomplete.</summary>
    public void Dispose()
    {
        _finished = true;
        if (!_leaveOpen)
            _stream.Dispose();
    }
}
