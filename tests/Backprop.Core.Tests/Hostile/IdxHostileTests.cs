using System.Buffers.Binary;
using System.IO.Compression;
using Backprop.Data;

namespace Backprop.Core.Tests.Hostile;

/// <summary>Issue 12: the IDX reader checks the declared sizes against the bytes that are there before allocating.</summary>
public class IdxHostileTests
{
    private static byte[] ImagesHeader(int count, int rows, int columns)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, Idx.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), columns);
        return header;
    }

    private static MemoryStream Gzip(params byte[][] parts)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            foreach (byte[] part in parts) gzip.Write(part);
        compressed.Position = 0;
        return compressed;
    }

    [Fact]
    public void A_header_declaring_two_gigabytes_over_no_data_is_reported_truncated_without_allocating_them()
    {
        var stream = new MemoryStream(ImagesHeader(46340, 46340, 1));
        var (e, allocated) = Allocation.WhileThrowing<InvalidDataException>(() => Idx.ReadImages(stream, "probe.idx"));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("only 0 data bytes", e.Message);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated");
    }

    [Fact]
    public void A_gzip_stream_declaring_two_gigabytes_allocates_in_proportion_to_the_data_it_holds()
    {
        MemoryStream compressed = Gzip(ImagesHeader(46340, 46340, 1), new byte[1000]);
        var (e, allocated) = Allocation.WhileThrowing<InvalidDataException>(() => Idx.ReadImages(compressed, "probe.idx.gz"));
        Assert.Contains("only 1000 data bytes", e.Message);
        Assert.True(allocated < 4 << 20, $"{allocated} bytes allocated");
    }

    [Fact]
    public void A_large_gzip_file_still_reads_in_full()
    {
        var pixels = new byte[3000 * 28 * 28];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7);
        IdxImages images = Idx.ReadImages(Gzip(ImagesHeader(3000, 28, 28), pixels));
        Assert.Equal(3000, images.Count);
        Assert.Equal(unchecked((byte)((2999 * 784 + 5) * 7)), images.Image(2999)[5]);
    }

    [Fact]
    public void Zero_size_headers_follow_the_tensor_shape_rule_whatever_the_order()
    {
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(new MemoryStream(ImagesHeader(0, 65536, 65536))));
        Assert.Contains("non-zero dimensions", e.Message);
        Assert.Equal(0, Idx.ReadImages(new MemoryStream(ImagesHeader(0, 28, 28))).Count);
    }
}
