using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Backprop.IO;

/// <summary>Writes the model file format to a stream, hashing as it goes: memory stays bounded whatever the model's size.</summary>
internal sealed class ModelFileWriter
{
    private const int ChunkElements = 1 << 16; // tensor data goes out in 256/512 KiB pieces (no span over 2 GiB)

    private readonly Stream _stream;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _word = new byte[4];

    private ModelFileWriter(Stream stream) => _stream = stream;

    /// <summary>Writes the header, every record and the checksum.</summary>
    /// <exception cref="ArgumentException">A name is repeated, empty or too long, or a rank is above the format's limit.</exception>
    public static void Write(Stream stream, IReadOnlyList<(string Name, Tensor Tensor)> tensors)
    {
        var writer = new ModelFileWriter(stream);
        using (writer._hash)
        {
            writer.Append(ModelFile.Magic);
            writer.AppendInt(ModelFile.Version);
            writer.AppendInt(tensors.Count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, tensor) in tensors) writer.AppendRecord(name, tensor, seen);
            stream.Write(writer._hash.GetHashAndReset());
        }
    }

    private void AppendRecord(string? name, Tensor tensor, HashSet<string> seen)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!seen.Add(name ?? ""))
            throw new ArgumentException($"ModelFile.Save: the name '{name}' appears twice; expected unique tensor names.");
        byte[] nameBytes = Encoding.UTF8.GetBytes(name ?? "");
        if (nameBytes.Length is 0 or > ModelFile.MaxNameBytes)
            throw new ArgumentException($"ModelFile.Save: tensor name '{name}' must be 1 to {ModelFile.MaxNameBytes} UTF-8 bytes.");
        if (tensor.Rank > ModelFile.MaxRank)
            throw new ArgumentException($"ModelFile.Save: tensor '{name}' has rank {tensor.Rank}; the format allows at most {ModelFile.MaxRank}.");
        AppendInt(nameBytes.Length);
        Append(nameBytes);
        Append([tensor.DType == DType.Float32 ? ModelFile.Float32Code : ModelFile.Float64Code]);
        AppendInt(tensor.Rank);
        foreach (int d in tensor.Shape) AppendInt(d);
        if (tensor.DType == DType.Float32) AppendElements<float>(tensor.AsReadOnlySpan<float>());
        else AppendElements<double>(tensor.AsReadOnlySpan<double>());
    }

    private void AppendElements<T>(ReadOnlySpan<T> elements) where T : unmanaged
    {
        for (int start = 0; start < elements.Length; start += ChunkElements)
            Append(MemoryMarshal.AsBytes(elements.Slice(start, Math.Min(ChunkElements, elements.Length - start))));
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        _hash.AppendData(bytes);
        _stream.Write(bytes);
    }

    private void AppendInt(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_word, value);
        Append(_word);
    }
}
