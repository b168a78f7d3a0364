using System.Buffers.Binary;

namespace WeightInit.IO;

/// <summary>The CRC-32 of zip and PNG (ISO-HDLC: reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF),
/// computed incrementally so that data can be checksummed while it streams.</summary>
/// <remarks>Slicing-by-8 (Intel, Kounavis and Berry 2005): eight 256-entry tables consume 8 bytes per step.</remarks>
public struct Crc32
{
    private const uint Polynomial = 0xEDB88320;
    private static readonly uint[] Tables = BuildTables();
    private uint _state;

    /// <summary>A checksum over no bytes yet.</summary>
    public Crc32() => _state = 0xFFFFFFFF;

    /// <summary>The CRC-32 of everything appended so far.</summary>
    public readonly uint Value => ~_state;

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = new Crc32();
        crc.Append(data);
        return crc.Value;
    }

    /// <summary>Adds <paramref name="data"/> to the checksum.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        uint crc = _state;
        var t = Tables;
        while (data.Length >= 8)
        {
            uint one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            uint two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[7 * 256 + (one & 0xFF)] ^ t[6 * 256 + ((one >> 8) & 0xFF)] ^ t[5 * 256 + ((one >> 16) & 0xFF)] ^ t[4 * 256 + (one >> 24)]
                ^ t[3 * 256 + (two & 0xFF)] ^ t[2 * 256 + ((two >> 8) & 0xFF)] ^ t[256 + ((two >> 16) & 0xFF)] ^ t[two >> 24];
            data = data[8..];
        }
        foreach (byte b in data)
            crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8);
        _state = crc;
    }

    private static uint[] BuildTables()
    {
        var t = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        // Table s advances a byte through s further zero bytes.
        for (int s = 1; s < 8; s++)
            for (int i = 0; i < 256; i++)
                t[s * 256 + i] = t[(s - 1) * 256 + i] >> 8 ^ t[t[(s - 1) * 256 + i] & 0xFF];
        return t;
    }
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
