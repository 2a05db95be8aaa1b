using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Backprop.IO;

/// <summary>
/// Reads the model file format from a stream of known length, hashing as it goes. Every declared size is checked
/// against the bytes that remain before anything is allocated, so memory is bounded by the tensors the file really
/// holds, and there is no 2 GiB ceiling on the file.
/// </summary>
internal sealed class ModelFileReader : IDisposable
{
    private const int ChunkElements = 1 << 16;
    private const int HeaderSize = 16; // magic, version, tensor count
    private const int MinimumRecord = 4 + 1 + 1 + 4; // name length, a 1-byte name, dtype, rank 0 (data follows)

    private readonly Stream _stream;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long _end; // where the checksum starts
    private readonly byte[] _word = new byte[4];
    private long _position;

    private ModelFileReader(Stream stream, long end)
    {
        _stream = stream;
        _end = end;
    }

    public void Dispose() => _hash.Dispose();

    private long Remaining => _end - _position;

    /// <summary>Validates and reads the whole file; throws <see cref="ModelFileException"/> naming <paramref name="path"/>.</summary>
    public static List<(string Name, Tensor Tensor)> Read(Stream stream, string path)
    {
        long length = stream.Length;
        Span<byte> head = stackalloc byte[12];
        int got = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (got < ModelFile.Magic.Length || !head[..ModelFile.Magic.Length].SequenceEqual(ModelFile.Magic))
            throw new ModelFileException(path,
                $"ModelFile: '{path}' is not a Backprop.NET model file: it does not start with the magic bytes \"BPNNPARM\" ({length} bytes).");
        int minimum = HeaderSize + ModelFile.ChecksumSize;
        if (length < minimum)
            throw new ModelFileException(path, $"ModelFile: '{path}' is truncated: {length} bytes, but even an empty model file has {minimum}.");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
        if (version != ModelFile.Version)
            throw new ModelFileException(path, $"ModelFile: '{path}' has format version {version}; this library reads version {ModelFile.Version}.");

        using var reader = new ModelFileReader(stream, length - ModelFile.ChecksumSize);
        reader._hash.AppendData(head);
        reader._position = head.Length;
        List<(string, Tensor)> result;
        try
        {
            result = reader.ReadRecords();
        }
        catch (FormatException e)
        {
            throw new ModelFileException(path,
                reader.ChecksumMatches()
                    ? $"ModelFile: '{path}' is malformed: {e.Message}"
                    : $"ModelFile: '{path}' is truncated or corrupted: {e.Message}, and its SHA-256 checksum does not match.", e);
        }
        if (!reader.ChecksumMatches())
            throw new ModelFileException(path,
                $"ModelFile: '{path}' is corrupted: its SHA-256 checksum does not match its contents ({length} bytes).");
        return result;
    }

    /// <summary>Reads the records after the header; throws <see cref="FormatException"/> naming the offset on any inconsistency.</summary>
    private List<(string, Tensor)> ReadRecords()
    {
        int count = ReadInt("tensor count");
        if (count < 0 || count > Remaining / MinimumRecord + 1)
            throw new FormatException($"the tensor count {count} is impossible for {_end} bytes");
        var result = new List<(string, Tensor)>(Math.Min(count, 1024));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string name = ReadName(i);
            if (!names.Add(name)) throw new FormatException($"the name '{name}' appears twice");
            result.Add((name, ReadTensor(name)));
        }
        if (Remaining != 0) throw new FormatException($"{Remaining} unexpected bytes follow the last tensor at offset {_position}");
        return result;
    }

    private string ReadName(int index)
    {
        int nameLength = ReadInt($"name length of tensor {index}");
        if (nameLength is < 1 or > ModelFile.MaxNameBytes)
            throw new FormatException($"tensor {index} has a name length of {nameLength} bytes at offset {_position - 4}; expected 1 to {ModelFile.MaxNameBytes}");
        if (Remaining < nameLength + 5)
            throw new FormatException($"tensor {index}'s header at offset {_position} runs past the end of the data ({_end} bytes)");
        var bytes = new byte[nameLength];
        ReadExactly(bytes);
        try { return new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException) { throw new FormatException($"tensor {index}'s name at offset {_position - nameLength} is not valid UTF-8"); }
    }

    private Tensor ReadTensor(string name)
    {
        Span<byte> code = stackalloc byte[1];
        ReadExactly(code);
        if (code[0] is not (ModelFile.Float32Code or ModelFile.Float64Code))
            throw new FormatException($"tensor '{name}' has dtype code {code[0]} at offset {_position - 1}; expected 1 (float32) or 2 (float64)");
        int rank = ReadInt($"rank of '{name}'");
        if (rank is < 0 or > ModelFile.MaxRank) throw new FormatException($"tensor '{name}' has rank {rank}; expected 0 to {ModelFile.MaxRank}");
        var shape = new int[rank];
        for (int d = 0; d < rank; d++) shape[d] = ReadInt($"dimension {d} of '{name}'");
        string? problem = Shapes.CheckShape(shape, out int elements);
        if (problem is not null)
            throw new FormatException($"tensor '{name}': the shape {Shapes.Format(shape)} {problem}, so it cannot be held in one .NET array");
        int size = code[0] == ModelFile.Float32Code ? sizeof(float) : sizeof(double);
        long dataBytes = (long)elements * size;
        if (Remaining < dataBytes)
            throw new FormatException($"tensor '{name}' {Shapes.Format(shape)} needs {dataBytes} bytes of data at offset {_position} but only {Remaining} remain");
        return code[0] == ModelFile.Float32Code
            ? new Tensor(shape, ReadElements(new float[elements]))
            : new Tensor(shape, ReadElements(new double[elements]));
    }

    private T[] ReadElements<T>(T[] elements) where T : unmanaged
    {
        for (int start = 0; start < elements.Length; start += ChunkElements)
            ReadExactly(MemoryMarshal.AsBytes(elements.AsSpan(start, Math.Min(ChunkElements, elements.Length - start))));
        return elements;
    }

    private int ReadInt(string what)
    {
        if (Remaining < 4) throw new FormatException($"the {what} at offset {_position} runs past the end of the data ({_end} bytes)");
        ReadExactly(_word);
        return BinaryPrimitives.ReadInt32LittleEndian(_word);
    }

    /// <summary>Reads and hashes bytes the caller has checked are before the checksum.</summary>
    private void ReadExactly(Span<byte> buffer)
    {
        try
        {
            _stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException($"the file ended at offset {_position} while being read (was it truncated meanwhile?)", e);
        }
        _hash.AppendData(buffer);
        _position += buffer.Length;
    }

    /// <summary>Hashes whatever is left before the checksum (in bounded pieces) and compares with the stored checksum.</summary>
    private bool ChecksumMatches()
    {
        var buffer = new byte[(int)Math.Min(1 << 16, Math.Max(Remaining, ModelFile.ChecksumSize))];
        try
        {
            while (Remaining > 0) ReadExactly(buffer.AsSpan(0, (int)Math.Min(buffer.Length, Remaining)));
            Span<byte> stored = buffer.AsSpan(0, ModelFile.ChecksumSize);
            _stream.ReadExactly(stored);
            return _hash.GetHashAndReset().AsSpan().SequenceEqual(stored);
        }
        catch (FormatException)
        {
            return false;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }
}
