namespace WeightInit.IO;

/// <summary>The CRC-32 of zip and PNG (ISO-HDLC: reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF),
/// computed incrementally so that data can be checksummed while it streams.</summary>
/// <remarks>Computed by <see cref="System.IO.Hashing.Crc32"/> (Microsoft's System.IO.Hashing, carry-less-multiply folding
/// where the CPU has it): the same checksum as the table-driven slicing-by-8 this replaced, several times faster, which
/// matters when every byte of a multi-gigabyte checkpoint is checksummed beside its sampling. One instance holds one
/// running checksum (a reference type: a copy is the same checksum).</remarks>
public sealed class Crc32
{
    private readonly System.IO.Hashing.Crc32 _hash = new();

    /// <summary>The CRC-32 of everything appended so far.</summary>
    public uint Value => _hash.GetCurrentHashAsUInt32();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => System.IO.Hashing.Crc32.HashToUInt32(data);

    /// <summary>Adds <paramref name="data"/> to the checksum.</summary>
    public void Append(ReadOnlySpan<byte> data) => _hash.Append(data);
}

/// <summary>A write-only pass-through that counts and checksums the bytes it forwards.</summary>
internal sealed class ChecksumStream(Stream inner) : Stream
{
    private Crc32 _crc = new();

    /// <summary>Bytes forwarded so far.</summary>
    public long BytesWritten { get; private set; }
    /// <summary>CRC-32 of the bytes forwarded so far.</summary>
    public uint Crc => _crc.Value;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _crc.Append(buffer);
        BytesWritten += buffer.Length;
        inner.Write(buffer);
    }
}
