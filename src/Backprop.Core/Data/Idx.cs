using System.Buffers.Binary;
using System.IO.Compression;

namespace Backprop.Data;

/// <summary>Images read from an IDX file: <see cref="Count"/> images of <see cref="Rows"/>×<see cref="Columns"/> bytes, row-major.</summary>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Pixel rows per image.</param>
/// <param name="Columns">Pixel columns per image.</param>
/// <param name="Pixels">All pixels, image after image, each image row after row (0 = background, 255 = ink).</param>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels)
{
    /// <summary>Pixels per image, <see cref="Rows"/>·<see cref="Columns"/>.</summary>
    public int PixelsPerImage => Rows * Columns;

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"IdxImages.Image: expected an index in [0, {Count}).");
        return Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>All pixels as floats scaled to [0, 1] (p / 255), in the same layout as <see cref="Pixels"/>.</summary>
    public float[] ToScaledFloats()
    {
        var result = new float[Pixels.Length];
        for (int i = 0; i < result.Length; i++) result[i] = Pixels[i] / 255f; // division: correctly rounded p/255
        return result;
    }
}

/// <summary>
/// Reader for the IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed (detected by the gzip
/// magic bytes 1F 8B). An IDX file is a big-endian header — the magic number 0x000008dd, where 08 means
/// unsigned bytes and dd the number of dimensions, then one 32-bit size per dimension — followed by the data.
/// </summary>
/// <remarks>The declared sizes follow the tensor shape rule (every size ≥ 0, the product of the non-zero sizes at most
/// <see cref="Array.MaxLength"/>) and are checked against the bytes a seekable stream still holds before the data is
/// allocated; a gzip stream, whose length is unknown, is read into a buffer that grows with the data. So a short
/// file that declares gigabytes is reported truncated without allocating them.</remarks>
public static class Idx
{
    /// <summary>Magic number of an unsigned-byte 3-D file (images: count × rows × columns).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an unsigned-byte 1-D file (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an images file (magic 0x00000803).</summary>
    /// <exception cref="InvalidDataException">The file is not an IDX images file, or is truncated or too long.</exception>
    public static IdxImages ReadImages(string path)
    {
        using Stream stream = OpenFile(path, out bool gzip);
        return ReadImages(stream, Describe(path, gzip));
    }

    /// <summary>Reads an images file from a stream (already decompressed, or gzip when it starts with 1F 8B).</summary>
    /// <param name="stream">The data.</param>
    /// <param name="name">A name for error messages.</param>
    public static IdxImages ReadImages(Stream stream, string name = "stream")
    {
        byte[] data = ReadPayload(stream, name, ImagesMagic, "images", out int[] dims);
        return new IdxImages(dims[0], dims[1], dims[2], data);
    }

    /// <summary>Reads a labels file (magic 0x00000801): one byte per sample.</summary>
    /// <exception cref="InvalidDataException">The file is not an IDX labels file, or is truncated or too long.</exception>
    public static byte[] ReadLabels(string path)
    {
        using Stream stream = OpenFile(path, out bool gzip);
        return ReadLabels(stream, Describe(path, gzip));
    }

    /// <summary>Reads a labels file from a stream (already decompressed, or gzip when it starts with 1F 8B).</summary>
    /// <param name="stream">The data.</param>
    /// <param name="name">A name for error messages.</param>
    public static byte[] ReadLabels(Stream stream, string name = "stream") =>
        ReadPayload(stream, name, LabelsMagic, "labels", out _);

    private static string Describe(string path, bool gzip) => gzip ? $"'{path}' (gzip; sizes are after decompression)" : $"'{path}'";

    private static Stream OpenFile(string path, out bool gzip)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Idx: the file '{path}' does not exist.", path);
        Stream file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[2];
        int n = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        file.Position = 0;
        gzip = n == 2 && head[0] == 0x1F && head[1] == 0x8B;
        return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static byte[] ReadPayload(Stream stream, string name, int expectedMagic, string kind, out int[] dims)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Stream source = SniffGzip(stream);
        using IDisposable? owned = ReferenceEquals(source, stream) ? null : source;
        return ReadPayloadCore(source, name, expectedMagic, kind, out dims);
    }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes; a corrupt gzip stream is reported with the file's name.</summary>
    private static int Fill(Stream stream, Span<byte> buffer, string name)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Idx: {name} could not be decompressed ({e.Message}); is the file truncated or corrupt?", e);
        }
    }

    private static byte[] ReadPayloadCore(Stream stream, string name, int expectedMagic, string kind, out int[] dims)
    {
        int rank = expectedMagic & 0xFF;
        int headerBytes = 4 + 4 * rank;
        var header = new byte[headerBytes];
        int got = Fill(stream, header, name);
        if (got >= 4)
        {
            int magic = BinaryPrimitives.ReadInt32BigEndian(header);
            if (magic != expectedMagic)
                throw new InvalidDataException(
                    $"Idx.{Op(kind)}: {name} is not an IDX {kind} file: expected the magic number 0x{expectedMagic:X8} " +
                    $"(unsigned bytes, {rank} dimension(s)), got 0x{magic:X8}{MagicHint(magic)}.");
        }
        if (got < headerBytes)
            throw new InvalidDataException(
                $"Idx.{Op(kind)}: {name} is truncated: expected a {headerBytes}-byte header, got {got} byte(s).");

        dims = new int[rank];
        for (int d = 0; d < rank; d++) dims[d] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 + 4 * d));
        string shape = string.Join(" × ", dims);
        string? problem = Shapes.CheckShape(dims, out int size);
        if (problem is not null)
            throw new InvalidDataException($"Idx.{Op(kind)}: {name} declares sizes {shape}: the shape {problem}.");
        byte[] data = ReadData(stream, size, name, out int read);
        if (read < size)
            throw new InvalidDataException(
                $"Idx.{Op(kind)}: {name} is truncated: the header declares {shape} = {size} data bytes " +
                $"({headerBytes + (long)size} bytes in all), but only {read} data bytes ({headerBytes + read} in all) follow.");
        Span<byte> extra = stackalloc byte[1];
        if (Fill(stream, extra, name) > 0)
            throw new InvalidDataException(
                $"Idx.{Op(kind)}: {name} is longer than its header says: it declares {shape} = {size} data bytes " +
                $"({headerBytes + size} bytes in all), but more bytes follow.");
        return data;
    }

    private static string Op(string kind) => kind == "images" ? "ReadImages" : "ReadLabels";

    /// <summary>
    /// Reads up to <paramref name="size"/> data bytes, never allocating much more than the bytes that are there: a
    /// seekable stream's remaining length is checked first (a short one reads nothing), and a stream of unknown
    /// length (gzip) fills a buffer that grows by doubling from 1 MiB as data arrives.
    /// </summary>
    private static byte[] ReadData(Stream stream, int size, string name, out int read)
    {
        if (stream.CanSeek)
        {
            long available = Math.Max(0, stream.Length - stream.Position);
            if (available < size)
            {
                read = (int)available;
                return [];
            }
            var all = new byte[size];
            read = Fill(stream, all, name);
            return all;
        }
        var buffer = new byte[Math.Min(size, InitialBuffer)];
        read = 0;
        while (true)
        {
            read += Fill(stream, buffer.AsSpan(read), name);
            if (read < buffer.Length || buffer.Length == size) return buffer;
            Array.Resize(ref buffer, (int)Math.Min(size, 2L * buffer.Length));
        }
    }

    private const int InitialBuffer = 1 << 20;

    /// <summary>Wraps a stream in a <see cref="GZipStream"/> when it starts with the gzip magic 1F 8B.</summary>
    private static Stream SniffGzip(Stream stream)
    {
        if (stream is GZipStream) return stream;
        if (!stream.CanSeek)
        {
            // A non-seekable stream cannot be rewound after sniffing: read it into memory.
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long start = stream.Position;
        int b0 = stream.ReadByte(), b1 = stream.ReadByte();
        stream.Position = start;
        return b0 == 0x1F && b1 == 0x8B ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : stream;
    }

    private static string MagicHint(int magic) => magic switch
    {
        ImagesMagic => " (an images file: use Idx.ReadImages)",
        LabelsMagic => " (a labels file: use Idx.ReadLabels)",
        _ when (magic & unchecked((int)0xFFFF0000)) == 0 && (magic >> 8 & 0xFF) is 0x08 or 0x09 or 0x0B or 0x0C or 0x0D or 0x0E =>
            $" (an IDX file of type 0x{magic >> 8 & 0xFF:X2} with {magic & 0xFF} dimension(s))",
        _ when (magic & unchecked((int)0xFFFF0000)) == 0x1F8B0000 => " (gzip data inside: decompress it first)",
        _ => "",
    };
}
