using System.Buffers.Binary;
using System.Text;

namespace CnnShape.Formats.Onnx;

/// <summary>A malformed protobuf stream.</summary>
internal sealed class WireException(string message) : Exception(message);

/// <summary>
/// The protobuf wire format (varints, fixed 32/64-bit values, length-delimited fields) over a buffered stream.
/// Unlike a general-purpose reader it skips a long field by seeking when the stream can seek, so weight bytes are
/// neither copied nor read: the time to analyse a model does not grow with the size of its weights.
/// </summary>
internal sealed class WireReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly long _length = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
    private readonly long _origin = stream.CanSeek ? stream.Position : 0;
    private long _bufferStart;
    private int _pos;
    private int _count;
    private int _lastWireType;

    /// <summary>Bytes consumed so far (the offset for messages).</summary>
    public long Position => _bufferStart + _pos;

    /// <summary>The stream's length, when known.</summary>
    public long Length => _length;

    private bool Fill()
    {
        int keep = _count - _pos;
        if (keep > 0) Buffer.BlockCopy(_buffer, _pos, _buffer, 0, keep);
        _bufferStart += _pos;
        _pos = 0;
        _count = keep;
        int read = stream.Read(_buffer, _count, _buffer.Length - _count);
        _count += read;
        return read > 0;
    }

    private byte ReadByte()
    {
        if (_pos == _count && !Fill()) throw new WireException("the data ends in the middle of a field (the file is truncated)");
        return _buffer[_pos++];
    }

    private void Need(int n)
    {
        while (_count - _pos < n)
        {
            if (!Fill()) throw new WireException("the data ends in the middle of a field (the file is truncated)");
        }
    }

    /// <summary>A base-128 varint (at most 10 bytes).</summary>
    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = ReadByte();
            result |= unchecked((ulong)(b & 0x7F) << shift);
            if ((b & 0x80) == 0) return result;
        }
        throw new WireException("a varint is longer than 10 bytes");
    }

    /// <summary>The next field's tag, or 0 at the end of the data.</summary>
    public uint ReadTag()
    {
        if (_pos == _count && !Fill()) return 0;
        ulong tag = ReadVarint();
        if (tag >> 3 == 0 || tag > uint.MaxValue) throw new WireException($"invalid field tag {tag}");
        _lastWireType = (int)(tag & 7);
        return (uint)tag;
    }

    /// <summary>An int64 varint.</summary>
    public long ReadInt64() => unchecked((long)ReadVarint());

    /// <summary>An int32 varint.</summary>
    public int ReadInt32() => unchecked((int)ReadVarint());

    /// <summary>A length prefix, checked against what is left of the data.</summary>
    public int ReadLength()
    {
        ulong n = ReadVarint();
        if (n > int.MaxValue || (long)n > _length - Position) throw new WireException($"a field claims {n} bytes but only {_length - Position} are left (the file is truncated or not protobuf)");
        return (int)n;
    }

    /// <summary>A little-endian float.</summary>
    public float ReadFloat()
    {
        Need(4);
        float v = BinaryPrimitives.ReadSingleLittleEndian(_buffer.AsSpan(_pos, 4));
        _pos += 4;
        return v;
    }

    /// <summary>A length-prefixed byte string (only ever called for small fields).</summary>
    public byte[] ReadBytes()
    {
        int n = ReadLength();
        var bytes = new byte[n];
        int done = 0;
        while (done < n)
        {
            if (_pos == _count && !Fill()) throw new WireException("the data ends in the middle of a field (the file is truncated)");
            int take = Math.Min(n - done, _count - _pos);
            Buffer.BlockCopy(_buffer, _pos, bytes, done, take);
            _pos += take;
            done += take;
        }
        return bytes;
    }

    /// <summary>A length-prefixed UTF-8 string.</summary>
    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Skips <paramref name="n"/> bytes: within the buffer, or by seeking the stream.</summary>
    public void Skip(long n)
    {
        if (n <= _count - _pos)
        {
            _pos += (int)n;
            return;
        }
        long target = Position + n;
        if (target > _length) throw new WireException("a field runs past the end of the data (the file is truncated)");
        if (stream.CanSeek)
        {
            stream.Seek(_origin + target, SeekOrigin.Begin);
            _bufferStart = target;
            _pos = _count = 0;
            return;
        }
        n -= _count - _pos;
        _pos = _count;
        while (n > 0)
        {
            if (!Fill()) throw new WireException("a field runs past the end of the data (the file is truncated)");
            int take = (int)Math.Min(n, _count);
            _pos = take;
            n -= take;
        }
    }

    /// <summary>Skips the value of the field whose tag was read last.</summary>
    public void SkipLastField()
    {
        switch (_lastWireType)
        {
            case 0: ReadVarint(); break;
            case 1: Skip(8); break;
            case 2: Skip(ReadLength()); break;
            case 5: Skip(4); break;
            default: throw new WireException($"wire type {_lastWireType} (groups or invalid) is not used by ONNX");
        }
    }
}
