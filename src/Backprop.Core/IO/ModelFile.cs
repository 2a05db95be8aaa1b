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
/// <para><see cref="Save(Module, string)"/> writes through <see cref="AtomicFile"/> (a temporary file in the target folder,
/// then a move over the target), so a crash never leaves a half-written model under the target name, and the next
/// save removes the temporary file a killed save left behind. Files are written and read as streams, with the
/// checksum computed as they go: there is no 2 GiB limit on a file, and reading allocates only the tensors, after
/// checking each declared size against the bytes the file holds. <see cref="Load"/> validates everything — magic,
/// version, structure, checksum, then that the names, shapes and dtypes are exactly the model's — before writing
/// any parameter, so on any error the model is untouched. A tensor too large for one .NET array (more than
/// <see cref="Array.MaxLength"/> elements) is refused with a <see cref="ModelFileException"/>.</para>
/// </remarks>
public static class ModelFile
{
    /// <summary>The 8 magic bytes at the start of every file: ASCII "BPNNPARM".</summary>
    public static ReadOnlySpan<byte> Magic => "BPNNPARM"u8;

    /// <summary>The format version this library writes and reads.</summary>
    public const int Version = 1;

    internal const int ChecksumSize = 32, MaxNameBytes = 1024, MaxRank = 8;
    internal const byte Float32Code = 1, Float64Code = 2;

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
        string full = Path.GetFullPath(path);
        try
        {
            AtomicFile.Write(full, stream => ModelFileWriter.Write(stream, list));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException(full, $"ModelFile.Save: could not write '{full}': {e.Message}", e);
        }
    }

    /// <summary>Reads and validates a file, returning its tensors (new Float32/Float64 leaves) by name, in file order.</summary>
    /// <exception cref="ModelFileException">Missing, truncated, corrupted (checksum), foreign or unsupported file.</exception>
    public static IReadOnlyList<(string Name, Tensor Tensor)> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            return ModelFileReader.Read(stream, full);
        }
        catch (Exception e) when (e is (IOException or UnauthorizedAccessException) and not ModelFileException)
        {
            throw new ModelFileException(full, $"ModelFile: cannot read '{full}': {e.Message}", e);
        }
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
        string full = Path.GetFullPath(path);
        var parameters = model.NamedParameters().ToList();
        var byName = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in saved) byName[name] = tensor;

        var missing = parameters.Where(p => !byName.ContainsKey(p.Name)).Select(p => p.Name).ToList();
        var modelNames = parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var unexpected = saved.Where(s => !modelNames.Contains(s.Name)).Select(s => s.Name).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new ModelFileException(full,
                $"ModelFile.Load: '{full}' does not match the model's parameters: " +
                (missing.Count > 0 ? $"missing {string.Join(", ", missing)}" : "") +
                (missing.Count > 0 && unexpected.Count > 0 ? "; " : "") +
                (unexpected.Count > 0 ? $"unexpected {string.Join(", ", unexpected)}" : "") + ".");
        foreach (var (name, p) in parameters)
        {
            Tensor s = byName[name];
            if (!s.Shape.SequenceEqual(p.Shape))
                throw new ModelFileException(full,
                    $"ModelFile.Load: '{full}': parameter '{name}' has shape {Shapes.Format(s.Shape)} in the file but {Shapes.Format(p.Shape)} in the model.");
            if (s.DType != p.DType)
                throw new ModelFileException(full,
                    $"ModelFile.Load: '{full}': parameter '{name}' is {s.DType} in the file but {p.DType} in the model; convert the model or re-save.");
        }
        // Everything checked: now overwrite.
        foreach (var (name, p) in parameters)
        {
            Tensor s = byName[name];
            if (p.DType == DType.Float32) s.AsReadOnlySpan<float>().CopyTo(p.AsSpan<float>());
            else s.AsReadOnlySpan<double>().CopyTo(p.AsSpan<double>());
        }
    }
}
