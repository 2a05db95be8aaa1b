using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Backprop.NN;

namespace Backprop.IO;

/// <summary>The tensors and metadata of a safetensors file, as <see cref="Safetensors.Read"/> returns them.</summary>
public sealed class SafetensorsFile
{
    internal SafetensorsFile(IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The tensors (new Float32/Float64 leaves), in the order of their data in the file.</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public Tensor this[string name]
    {
        get
        {
            foreach (var (n, t) in Tensors)
                if (n == name) return t;
            throw new KeyNotFoundException($"SafetensorsFile: no tensor named '{name}'; the file has {string.Join(", ", Tensors.Select(t => t.Name))}.");
        }
    }
}

/// <summary>
/// Reads and writes the safetensors format (Hugging Face's, read by PyTorch, JAX, …) with PyTorch
/// <c>state_dict</c> names, so a model trained here loads into <c>torch.nn.Sequential</c> and back.
/// </summary>
/// <remarks>
/// <para><b>Format</b>: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON
/// <c>{"name": {"dtype": "F32", "shape": [16, 2], "data_offsets": [begin, end]}, …, "__metadata__": {"key": "text"}}</c>
/// (padded with spaces to a multiple of 8 bytes), then the data buffer: every tensor's elements, row-major,
/// little-endian, at [begin, end) relative to the buffer's start.</para>
/// <para><b>Validation</b> (<see cref="Read"/>): the header length fits the file, the JSON is an object of
/// entries with a known dtype, a shape of non-negative integers and two offsets; the byte ranges, sorted, start at 0,
/// follow each other with no gap and no overlap, end exactly at the end of the file, and each holds exactly
/// elements × dtype size bytes; names are unique. Only F32, F64 and I64 (as float64, exact up to 2⁵³: PyTorch keeps counters such as num_batches_tracked as int64) tensors can be turned into <see cref="Tensor"/>s.</para>
/// <para><b>Names</b>: our parameter paths ("0.Weight", "2.Bias") become PyTorch's ("0.weight", "2.bias"):
/// the last segment of each path goes from PascalCase to snake_case (<see cref="TorchName"/>).</para>
/// <para>Every error throws <see cref="ModelFileException"/> naming the file and the problem; <see cref="Load"/>
/// checks everything before writing any parameter. Writes are atomic (temporary file, then move).</para>
/// </remarks>
public static class Safetensors
{
    /// <summary>The largest header this reader accepts (100 MB, as the reference implementation).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>PyTorch's name for one of our parameter paths: the last segment in snake_case ("0.Weight" → "0.weight",
    /// "3.RunningMean" → "3.running_mean"); the module path is unchanged.</summary>
    public static string TorchName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int dot = name.LastIndexOf('.');
        string last = name[(dot + 1)..];
        var sb = new StringBuilder(name.Length + 4).Append(name, 0, dot + 1);
        for (int i = 0; i < last.Length; i++)
        {
            char c = last[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && !char.IsUpper(last[i - 1])) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Writes every parameter and buffer of <paramref name="model"/> (<see cref="Module.NamedState"/>) under its PyTorch
    /// name (<see cref="TorchName"/>: "1.RunningMean" → "1.running_mean"), atomically.</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The target file (".safetensors" by convention).</param>
    /// <param name="metadata">Optional <c>__metadata__</c> strings.</param>
    /// <exception cref="ModelFileException">The file could not be written.</exception>
    public static void Save(Module model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Save(model.NamedState().Select(p => (TorchName(p.Name), p.Tensor)), path, metadata);
    }

    /// <summary>Writes named tensors (F32 or F64, data in the order given), atomically.</summary>
    /// <exception cref="ArgumentException">An empty or duplicate name, or the name "__metadata__".</exception>
    /// <exception cref="ModelFileException">The file could not be written.</exception>
    public static void Save(IEnumerable<(string Name, Tensor Tensor)> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var list = tensors.ToList();
        byte[] header = Header(list, metadata);
        AtomicWrite.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var (_, t) in list) WriteData(stream, t);
        }, "Safetensors.Save");
    }

    private static void WriteData(Stream stream, Tensor t)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Safetensors: big-endian machines are not supported.");
        if (t.DType == DType.Float32) stream.Write(MemoryMarshal.AsBytes(t.AsReadOnlySpan<float>()));
        else stream.Write(MemoryMarshal.AsBytes(t.AsReadOnlySpan<double>()));
    }

    private static byte[] Header(List<(string Name, Tensor Tensor)> list, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            long offset = 0;
            foreach (var (name, t) in list)
            {
                ArgumentNullException.ThrowIfNull(t);
                if (string.IsNullOrEmpty(name) || name == MetadataKey || !seen.Add(name))
                    throw new ArgumentException($"Safetensors.Save: the tensor name '{name}' is empty, reserved or used twice; expected unique names.");
                long bytes = (long)t.ElementCount * DTypeSize(t.DType);
                json.WriteStartObject(name);
                json.WriteString("dtype", t.DType == DType.Float32 ? "F32" : "F64");
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static int DTypeSize(DType dtype) => dtype == DType.Float32 ? 4 : 8;

    /// <summary>Bytes per element of each safetensors dtype (the ones this reader can validate).</summary>
    private static int? ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => null,
    };

    /// <summary>Reads and validates a safetensors file: its tensors (F32 and F64 only) and its metadata.</summary>
    /// <exception cref="ModelFileException">Unreadable, malformed (header, offsets, sizes) or holding a dtype other than F32/F64.</exception>
    public static SafetensorsFile Read(string path)
    {
        byte[] bytes = AtomicWrite.ReadAll(path, "Safetensors.Read");
        return Parse(bytes, Path.GetFullPath(path));
    }

    /// <summary>Parses the bytes of a safetensors file (see <see cref="Read"/>); <paramref name="path"/> is for messages.</summary>
    internal static SafetensorsFile Parse(ReadOnlySpan<byte> bytes, string path)
    {
        ModelFileException Bad(string problem) => new(path, $"Safetensors: '{path}' is not a valid safetensors file: {problem}.");

        if (bytes.Length < 8) throw Bad($"it has {bytes.Length} bytes, fewer than the 8 of the header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes) throw Bad($"the header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes");
        if (headerLength > (ulong)(bytes.Length - 8)) throw Bad($"the header length {headerLength} runs past the end of the file ({bytes.Length} bytes)");
        ReadOnlySpan<byte> headerBytes = bytes.Slice(8, (int)headerLength), data = bytes[(8 + (int)headerLength)..];
        if (headerBytes.Length == 0 || headerBytes[0] != (byte)'{') throw Bad("the header does not start with '{'");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes.ToArray());
        }
        catch (JsonException e)
        {
            throw Bad($"the header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Bad("the header is not a JSON object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Name, string DType, int[] Shape, long Begin, long End)>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw Bad($"the name '{property.Name}' appears twice in the header");
                if (property.Name == MetadataKey)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object) throw Bad("__metadata__ is not an object of strings");
                    foreach (JsonProperty m in property.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Bad($"__metadata__ value '{m.Name}' is not a string");
                    continue;
                }
                entries.Add(Entry(property, Bad));
            }

            // The byte ranges must tile the data buffer: sorted, they start at 0, touch, and end at its end.
            var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
            long expected = 0;
            foreach (var e in ordered)
            {
                if (e.End < e.Begin) throw Bad($"tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}] that end before they begin");
                if (e.Begin != expected)
                    throw Bad(e.Begin < expected
                        ? $"tensor '{e.Name}' at bytes [{e.Begin}, {e.End}) overlaps the previous tensor, which ends at {expected}"
                        : $"the data buffer has a hole: tensor '{e.Name}' begins at {e.Begin} but the previous data ends at {expected}");
                int size = ElementSize(e.DType)!.Value;
                long count = 1;
                foreach (int d in e.Shape) count = checked(count * d);
                if ((e.End - e.Begin) != count * size)
                    throw Bad($"tensor '{e.Name}' ({e.DType} {Shapes.Format(e.Shape)}) needs {count * size} bytes but its data_offsets [{e.Begin}, {e.End}] hold {e.End - e.Begin}");
                if (e.End > data.Length) throw Bad($"tensor '{e.Name}' ends at byte {e.End} of the data buffer, which has only {data.Length} bytes");
                expected = e.End;
            }
            if (expected != data.Length) throw Bad($"{data.Length - expected} bytes of the data buffer belong to no tensor");

            var tensors = new List<(string, Tensor)>(ordered.Count);
            foreach (var e in ordered)
            {
                ReadOnlySpan<byte> raw = data[(int)e.Begin..(int)e.End];
                Tensor t = e.DType switch
                {
                    "F32" => Tensor.FromArray(MemoryMarshal.Cast<byte, float>(raw), e.Shape),
                    "F64" => Tensor.FromArray(MemoryMarshal.Cast<byte, double>(raw), e.Shape),
                    "I64" => FromInt64(MemoryMarshal.Cast<byte, long>(raw), e.Shape),
                    _ => throw new ModelFileException(path,
                        $"Safetensors: '{path}': tensor '{e.Name}' has dtype {e.DType}; only F32, F64 and I64 can be read (convert it first, e.g. tensor.float() in PyTorch)."),
                };
                // The span factories read an empty shape as "one dimension"; a rank-0 entry stays rank 0.
                if (e.Shape.Length == 0) t = Tensor.Scalar(t.GetFlat(0), t.DType);
                tensors.Add((e.Name, t));
            }
            return new SafetensorsFile(tensors, metadata);
        }
    }

    private static (string Name, string DType, int[] Shape, long Begin, long End) Entry(JsonProperty property, Func<string, ModelFileException> bad)
    {
        string name = property.Name;
        JsonElement v = property.Value;
        if (v.ValueKind != JsonValueKind.Object) throw bad($"the entry of '{name}' is not an object");
        if (!v.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw bad($"tensor '{name}' has no \"dtype\" string");
        string dtype = dtypeElement.GetString()!;
        if (ElementSize(dtype) is null) throw bad($"tensor '{name}' has the unknown dtype \"{dtype}\"");
        if (!v.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw bad($"tensor '{name}' has no \"shape\" array");
        var shape = new List<int>();
        foreach (JsonElement d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int dim) || dim < 0)
                throw bad($"tensor '{name}' has a shape entry {d.GetRawText()}; expected non-negative integers");
            shape.Add(dim);
        }
        if (!v.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw bad($"tensor '{name}' has no \"data_offsets\" pair [begin, end]");
        long[] pair = new long[2];
        for (int i = 0; i < 2; i++)
            if (offsets[i].ValueKind != JsonValueKind.Number || !offsets[i].TryGetInt64(out pair[i]) || pair[i] < 0)
                throw bad($"tensor '{name}' has a data offset {offsets[i].GetRawText()}; expected non-negative integers");
        foreach (JsonProperty extra in v.EnumerateObject())
            if (extra.Name is not ("dtype" or "shape" or "data_offsets"))
                throw bad($"tensor '{name}' has an unexpected field \"{extra.Name}\"");
        return (name, dtype, [.. shape], pair[0], pair[1]);
    }

    /// <summary>An I64 tensor (PyTorch keeps counters such as a batch norm's num_batches_tracked as int64) as float64: exact up to 2⁵³.</summary>
    private static Tensor FromInt64(ReadOnlySpan<long> values, int[] shape)
    {
        var data = new double[values.Length];
        for (int i = 0; i < values.Length; i++) data[i] = values[i];
        return Tensor.FromArray(data, shape, DType.Float64);
    }

    /// <summary>
    /// Loads a PyTorch-named state dict (e.g. <c>safetensors.torch.save_file(model.state_dict(), path)</c> of the same
    /// architecture) into <paramref name="model"/>. Everything is checked first — the file, then that it holds exactly the
    /// model's parameters under their <see cref="TorchName"/>s with the same shapes and dtypes — and only then are the
    /// parameters overwritten; on any error the model is untouched.
    /// </summary>
    /// <exception cref="ModelFileException">Unreadable, invalid, or not matching the model (missing/unexpected names, shape or dtype).</exception>
    public static void Load(Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        SafetensorsFile file = Read(path);
        var targets = model.NamedState().Select(p => (Name: TorchName(p.Name), p.Tensor)).ToList();
        // PyTorch's int64 counters (read as float64) go into our float buffers of the same name.
        var buffers = targets.Where(t => t.Name == "num_batches_tracked" || t.Name.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToDictionary(t => t.Name, t => t.Tensor.DType, StringComparer.Ordinal);
        var saved = file.Tensors.Select(s => buffers.TryGetValue(s.Name, out DType dtype) && s.Tensor.DType != dtype ? (s.Name, s.Tensor.To(dtype)) : s).ToList();
        ParameterLoader.LoadInto(targets, saved, Path.GetFullPath(path), "Safetensors.Load", Code);
    }

    private static string Code(DType dtype) => dtype == DType.Float32 ? "F32 (float32)" : "F64 (float64)";
}
