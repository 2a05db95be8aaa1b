using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Backprop.NN;

namespace Backprop.IO;

/// <summary>
/// Saves and loads a <see cref="Module"/>'s parameters in the versioned Backprop.NET parameter format.
/// </summary>
/// <remarks>
/// <para><b>Format, version 1</b> (all integers little-endian; see also docs/model-format.md):</para>
/// <code>
/// offset  size  field
/// 0       8     magic: ASCII "BPNNPARM"
/// 8       4     uint32 version = 1
/// 12      4     int32 tensor count n ≥ 0
/// then n records, in the module's NamedParameters() order:
///         4     int32 name length L in bytes (1 ≤ L ≤ 1024)
///         L     name, UTF-8 (e.g. "0.Weight")
///         1     dtype: 1 = float32, 2 = float64
///         4     int32 rank r (0 ≤ r ≤ 8)
///         4·r   int32 dimensions, each ≥ 0
///         e·s   the elements, row-major, IEEE 754 little-endian (s = 4 or 8 bytes, e = product of dims)
/// last    32    SHA-256 of every preceding byte
/// </code>
/// <para><see cref="Save(Module, string)"/> writes a temporary file in the target folder and then moves it over the target, so a
/// crash never leaves a half-written model under the target name. <see cref="Load"/> reads the whole file and
/// validates everything — magic, version, structure, checksum, then that the names, shapes and dtypes are
/// exactly the model's — before writing any parameter, so on any error the model is untouched.</para>
/// </remarks>
public static class ModelFile
{
    /// <summary>The 8 magic bytes at the start of every file: ASCII "BPNNPARM".</summary>
    public static ReadOnlySpan<byte> Magic => "BPNNPARM"u8;

    /// <summary>The format version this library writes and reads.</summary>
    public const int Version = 1;

    private const int ChecksumSize = 32, MaxNameBytes = 1024, MaxRank = 8;
    private const byte Float32Code = 1, Float64Code = 2;

    /// <summary>Writes every parameter of <paramref name="model"/> (names from <see cref="Module.NamedParameters"/>) to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="ModelFileException">The file could not be written.</exception>
    public static void Save(Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        Save(model.NamedParameters(), path);
    }

    /// <summary>Writes named tensors to <paramref name="path"/>, atomically (temporary file, then move).</summary>
    /// <exception cref="ModelFileException">The file could not be written.</exception>
    public static void Save(IEnumerable<(string Name, Tensor Tensor)> tensors, string path)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ModelFile: big-endian machines are not supported.");
        var list = tensors.ToList();
        AtomicWrite.Write(path, file =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            void Write(ReadOnlySpan<byte> bytes)
            {
                hash.AppendData(bytes);
                file.Write(bytes);
            }
            byte[] word = new byte[4];
            void WriteInt(int value)
            {
                BinaryPrimitives.WriteInt32LittleEndian(word, value);
                Write(word);
            }

            Write(Magic);
            WriteInt(Version);
            WriteInt(list.Count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, tensor) in list)
            {
                ArgumentNullException.ThrowIfNull(tensor);
                if (!seen.Add(name ?? ""))
                    throw new ArgumentException($"ModelFile.Save: the name '{name}' appears twice; expected unique tensor names.");
                byte[] nameBytes = Encoding.UTF8.GetBytes(name ?? "");
                if (nameBytes.Length is 0 or > MaxNameBytes)
                    throw new ArgumentException($"ModelFile.Save: tensor name '{name}' must be 1 to {MaxNameBytes} UTF-8 bytes.");
                if (tensor.Rank > MaxRank)
                    throw new ArgumentException($"ModelFile.Save: tensor '{name}' has rank {tensor.Rank}; the format allows at most {MaxRank}.");
                WriteInt(nameBytes.Length);
                Write(nameBytes);
                Write([tensor.DType == DType.Float32 ? Float32Code : Float64Code]);
                WriteInt(tensor.Rank);
                foreach (int d in tensor.Shape) WriteInt(d);
                if (tensor.DType == DType.Float32) Write(MemoryMarshal.AsBytes<float>(tensor.AsSpan<float>()));
                else Write(MemoryMarshal.AsBytes<double>(tensor.AsSpan<double>()));
            }
            file.Write(hash.GetHashAndReset());
        }, "ModelFile.Save");
    }

    /// <summary>Reads and validates a file, returning its tensors (new Float32/Float64 leaves) by name, in file order.</summary>
    /// <exception cref="ModelFileException">Missing, truncated, corrupted (checksum), foreign or unsupported file.</exception>
    public static IReadOnlyList<(string Name, Tensor Tensor)> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = AtomicWrite.ReadAll(path, "ModelFile");
        return Parse(bytes, Path.GetFullPath(path));
    }

    /// <summary>
    /// Loads the parameters saved by <see cref="Save(Module, string)"/> into <paramref name="model"/>. Everything is
    /// validated first — the file (magic, version, structure, SHA-256) and that it holds exactly the model's parameter
    /// names with the same shapes and dtypes — and only then are the parameters overwritten; on any error the model
    /// is untouched. Gradients and optimizer state are not part of the file.
    /// </summary>
    /// <exception cref="ModelFileException">The file is unreadable, invalid, or does not fit the model.</exception>
    public static void Load(Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        IReadOnlyList<(string Name, Tensor Tensor)> saved = Read(path);
        ParameterLoader.LoadInto(model.NamedParameters().ToList(), saved, Path.GetFullPath(path), "ModelFile.Load");
    }

    private static IReadOnlyList<(string Name, Tensor Tensor)> Parse(byte[] bytes, string path)
    {
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new ModelFileException(path,
                $"ModelFile: '{path}' is not a Backprop.NET model file: it does not start with the magic bytes \"BPNNPARM\" ({bytes.Length} bytes).");
        int minimum = Magic.Length + 8 + ChecksumSize;
        if (bytes.Length < minimum)
            throw new ModelFileException(path, $"ModelFile: '{path}' is truncated: {bytes.Length} bytes, but even an empty model file has {minimum}.");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version != Version)
            throw new ModelFileException(path, $"ModelFile: '{path}' has format version {version}; this library reads version {Version}.");

        byte[] expected = SHA256.HashData(bytes.AsSpan(0, bytes.Length - ChecksumSize));
        bool checksumOk = expected.AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - ChecksumSize));
        List<(string, Tensor)> result;
        try
        {
            result = ParseRecords(bytes.AsSpan(0, bytes.Length - ChecksumSize));
        }
        catch (FormatException e)
        {
            throw new ModelFileException(path,
                checksumOk
                    ? $"ModelFile: '{path}' is malformed: {e.Message}"
                    : $"ModelFile: '{path}' is truncated or corrupted: {e.Message}, and its SHA-256 checksum does not match.", e);
        }
        if (!checksumOk)
            throw new ModelFileException(path,
                $"ModelFile: '{path}' is corrupted: its SHA-256 checksum does not match its contents ({bytes.Length} bytes).");
        return result;
    }

    /// <summary>Reads the records after the header; throws <see cref="FormatException"/> naming the offset on any inconsistency.</summary>
    private static List<(string, Tensor)> ParseRecords(ReadOnlySpan<byte> body)
    {
        int pos = Magic.Length + 4;
        int ReadInt(ReadOnlySpan<byte> span, string what)
        {
            if (span.Length - pos < 4) throw new FormatException($"the {what} at offset {pos} runs past the end of the data ({span.Length} bytes)");
            int v = BinaryPrimitives.ReadInt32LittleEndian(span[pos..]);
            pos += 4;
            return v;
        }
        int count = ReadInt(body, "tensor count");
        if (count < 0 || count > (body.Length - pos) / 10 + 1)
            throw new FormatException($"the tensor count {count} is impossible for {body.Length} bytes");
        var result = new List<(string, Tensor)>(count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            int nameLength = ReadInt(body, $"name length of tensor {i}");
            if (nameLength is < 1 or > MaxNameBytes) throw new FormatException($"tensor {i} has a name length of {nameLength} bytes at offset {pos - 4}; expected 1 to {MaxNameBytes}");
            if (body.Length - pos < nameLength + 5) throw new FormatException($"tensor {i}'s header at offset {pos} runs past the end of the data ({body.Length} bytes)");
            string name;
            try { name = new UTF8Encoding(false, true).GetString(body.Slice(pos, nameLength)); }
            catch (DecoderFallbackException) { throw new FormatException($"tensor {i}'s name at offset {pos} is not valid UTF-8"); }
            pos += nameLength;
            if (!names.Add(name)) throw new FormatException($"the name '{name}' appears twice");
            byte code = body[pos++];
            if (code is not (Float32Code or Float64Code)) throw new FormatException($"tensor '{name}' has dtype code {code} at offset {pos - 1}; expected 1 (float32) or 2 (float64)");
            int rank = ReadInt(body, $"rank of '{name}'");
            if (rank is < 0 or > MaxRank) throw new FormatException($"tensor '{name}' has rank {rank}; expected 0 to {MaxRank}");
            var shape = new int[rank];
            long elements = 1;
            for (int d = 0; d < rank; d++)
            {
                shape[d] = ReadInt(body, $"dimension {d} of '{name}'");
                if (shape[d] < 0) throw new FormatException($"tensor '{name}' has a negative dimension {shape[d]}");
                elements *= shape[d];
                if (elements > Array.MaxLength) throw new FormatException($"tensor '{name}' has too many elements");
            }
            int size = code == Float32Code ? 4 : 8;
            long dataBytes = elements * size;
            if (body.Length - pos < dataBytes)
                throw new FormatException($"tensor '{name}' {Shapes.Format(shape)} needs {dataBytes} bytes of data at offset {pos} but only {body.Length - pos} remain");
            ReadOnlySpan<byte> data = body.Slice(pos, (int)dataBytes);
            Tensor t = code == Float32Code
                ? Tensor.FromArray(MemoryMarshal.Cast<byte, float>(data), shape)
                : Tensor.FromArray(MemoryMarshal.Cast<byte, double>(data), shape);
            pos += (int)dataBytes;
            result.Add((name, t));
        }
        if (pos != body.Length) throw new FormatException($"{body.Length - pos} unexpected bytes follow the last tensor at offset {pos}");
        return result;
    }
}
