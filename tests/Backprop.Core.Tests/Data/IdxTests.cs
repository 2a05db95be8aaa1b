using System.IO.Compression;
using Backprop.Data;

namespace Backprop.Core.Tests.Data;

public sealed class IdxTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An IDX file written byte by byte: big-endian magic, sizes, then the data.</summary>
    internal static byte[] IdxBytes(int magic, int[] sizes, byte[] data)
    {
        var bytes = new List<byte>();
        void BigEndian(int v) { bytes.Add((byte)(v >> 24)); bytes.Add((byte)(v >> 16)); bytes.Add((byte)(v >> 8)); bytes.Add((byte)v); }
        BigEndian(magic);
        foreach (int s in sizes) BigEndian(s);
        bytes.AddRange(data);
        return [.. bytes];
    }

    internal static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(raw);
        return output.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Pixels(int count) => Enumerable.Range(0, count).Select(i => (byte)(i * 37 % 256)).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_round_trip(bool gzip)
    {
        byte[] pixels = Pixels(3 * 4 * 5);
        byte[] file = IdxBytes(0x00000803, [3, 4, 5], pixels);
        string path = Write("images", gzip ? Gzip(file) : file);

        var images = Idx.ReadImages(path);
        Assert.Equal((3, 4, 5), (images.Count, images.Rows, images.Columns));
        Assert.Equal(pixels, images.Pixels);
        Assert.Equal(pixels.AsSpan(20, 20).ToArray(), images.Image(1).ToArray());
        float[] scaled = images.ToScaledFloats();
        for (int i = 0; i < pixels.Length; i++) Assert.Equal(pixels[i] / 255.0, scaled[i], 1e-7);
        Assert.Contains(scaled, v => v == 1f || v == 0f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Labels_round_trip(bool gzip)
    {
        byte[] labels = [3, 1, 4, 1, 5, 9, 2, 6];
        byte[] file = IdxBytes(0x00000801, [labels.Length], labels);
        string path = Write("labels", gzip ? Gzip(file) : file);
        Assert.Equal(labels, Idx.ReadLabels(path));
        using var stream = new MemoryStream(gzip ? Gzip(file) : file);
        Assert.Equal(labels, Idx.ReadLabels(stream, "memory"));
    }

    [Fact]
    public void Truncated_file_names_the_file_and_both_sizes()
    {
        byte[] file = IdxBytes(0x00000803, [2, 3, 3], Pixels(10)); // 18 pixels declared, 10 present
        string path = Write("short-images", file);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("2 × 3 × 3 = 18 data bytes", e.Message);
        Assert.Contains("only 10 data bytes", e.Message);
    }

    [Fact]
    public void Truncated_gzip_content_is_reported_with_decompressed_sizes()
    {
        byte[] file = IdxBytes(0x00000801, [100], Pixels(60));
        string path = Write("short-labels.gz", Gzip(file));
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("gzip", e.Message);
        Assert.Contains("100 data bytes", e.Message);
        Assert.Contains("only 60 data bytes", e.Message);
    }

    [Fact]
    public void Cut_gzip_stream_is_reported_with_the_file_name()
    {
        byte[] gz = Gzip(IdxBytes(0x00000803, [50, 10, 10], Pixels(5000)));
        string path = Write("cut.gz", gz[..(gz.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Truncated_header()
    {
        string path = Write("tiny", [0, 0, 8, 3, 0, 0]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Contains("expected a 16-byte header, got 6 byte(s)", e.Message);
    }

    [Fact]
    public void Wrong_magic_names_expected_and_actual()
    {
        string labels = Write("labels", IdxBytes(0x00000801, [2], [1, 2]));
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(labels));
        Assert.Contains(labels, e.Message);
        Assert.Contains("0x00000803", e.Message);
        Assert.Contains("0x00000801", e.Message);
        Assert.Contains("use Idx.ReadLabels", e.Message);

        string text = Write("text.csv", "a,b,c\n1,2,3\n"u8.ToArray());
        var e2 = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(text));
        Assert.Contains("not an IDX labels file", e2.Message);
    }

    [Fact]
    public void Extra_bytes_are_an_error()
    {
        string path = Write("long", IdxBytes(0x00000801, [2], [1, 2, 3]));
        Assert.Contains("longer than its header says", Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(path)).Message);
    }

    [Fact]
    public void Missing_file()
    {
        Assert.Throws<FileNotFoundException>(() => Idx.ReadLabels(Path.Combine(_dir, "nope")));
    }
}
