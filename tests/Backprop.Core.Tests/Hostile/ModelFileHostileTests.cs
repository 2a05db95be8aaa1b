using System.Buffers.Binary;
using System.Security.Cryptography;
using Backprop.IO;
using Backprop.NN;

namespace Backprop.Core.Tests.Hostile;

/// <summary>Issue 12: model files read and written as streams, huge declared sizes, stale temporary files, long names.</summary>
public sealed class ModelFileHostileTests() : TempFolder("bpnn-hostile-")
{
    /// <summary>A file with one float32 tensor "w" of <paramref name="shape"/>, <paramref name="dataBytes"/> zero bytes of data and a valid checksum.</summary>
    private string Crafted(int[] shape, int dataBytes)
    {
        var body = new MemoryStream();
        void Int(int v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, v); body.Write(b); }
        body.Write("BPNNPARM"u8);
        Int(1);
        Int(1);
        Int(1);
        body.Write("w"u8);
        body.WriteByte(1);
        Int(shape.Length);
        foreach (int d in shape) Int(d);
        body.Write(new byte[dataBytes]);
        body.Write(SHA256.HashData(body.ToArray()));
        string path = PathOf($"crafted-{Guid.NewGuid():N}.bpnn");
        File.WriteAllBytes(path, body.ToArray());
        return path;
    }

    [Fact]
    public void A_tensor_too_large_for_one_array_is_a_ModelFileException_not_an_overflow()
    {
        string path = Crafted([65536, 65536], 0);
        var (e, allocated) = Allocation.WhileThrowing<ModelFileException>(() => ModelFile.Read(path));
        Assert.Contains("[65536, 65536]", e.Message);
        Assert.Contains("one .NET array", e.Message);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated");
    }

    [Fact]
    public void A_header_declaring_gigabytes_over_a_few_bytes_is_refused_before_allocating()
    {
        string path = Crafted([46340, 46340], 16);
        var (e, allocated) = Allocation.WhileThrowing<ModelFileException>(() => ModelFile.Read(path));
        Assert.Contains("needs 8589582400 bytes of data", e.Message);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Reading_a_moderate_model_allocates_its_tensors_and_little_more()
    {
        var w = Tensor.Arange(0, 4_000_000, 1, DType.Float32).Reshape(2000, 2000);
        string path = PathOf("moderate.bpnn");
        ModelFile.Save([("w", w), ("b", Tensor.Ones(2000))], path);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var read = ModelFile.Read(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(w.ToArray(), read[0].Tensor.ToArray());
        long tensorBytes = 4L * (4_000_000 + 2000);
        Assert.True(allocated < tensorBytes + (1 << 20), $"{allocated} bytes allocated for {tensorBytes} bytes of tensors");
    }

    [Fact]
    public void A_file_over_two_gigabytes_is_read_as_a_stream()
    {
        string path = PathOf("big.bpnn");
        ModelFile.Save([("w", Tensor.Ones(4))], path);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
            file.SetLength((1L << 31) + 100); // sparse: 2 GiB of zeros after the checksum
        var (e, allocated) = Allocation.WhileThrowing<ModelFileException>(() => ModelFile.Read(path));
        Assert.Contains("unexpected bytes follow the last tensor", e.Message);
        Assert.True(allocated < 4 << 20, $"{allocated} bytes allocated");
    }

    [Fact]
    public void The_next_save_removes_stale_temporary_files_of_its_target_only()
    {
        string target = PathOf("m.bpnn");
        DateTime old = DateTime.UtcNow.AddHours(-1);
        string[] stale =
        [
            PathOf($".m.bpnn.{Guid.NewGuid():N}.tmp"),
            PathOf($".m.bpnn.4242.{Guid.NewGuid():N}.tmp"),
            PathOf($"{AtomicFile.TemporaryPrefix("m.bpnn")}0badf00d.tmp"),
        ];
        string[] kept =
        [
            PathOf($".other.bpnn.{Guid.NewGuid():N}.tmp"),            // another target's
            PathOf($"{AtomicFile.TemporaryPrefix("other.bpnn")}0badf00d.tmp"),
            PathOf(".m.bpnn.notes.tmp"),                              // not a temporary name
            PathOf($".m.bpnn.{Guid.NewGuid():N}.tmp.keep"),
        ];
        foreach (string f in stale.Concat(kept))
        {
            File.WriteAllBytes(f, new byte[100]);
            File.SetLastWriteTimeUtc(f, old);
        }
        string fresh = PathOf($"{AtomicFile.TemporaryPrefix("m.bpnn")}12345678.tmp"); // being written right now
        File.WriteAllBytes(fresh, new byte[10]);
        string locked = PathOf($"{AtomicFile.TemporaryPrefix("m.bpnn")}abcdef01.tmp"); // an old file a writer still holds
        using (var writer = new FileStream(locked, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            writer.Write(new byte[10]);
            writer.Flush();
            File.SetLastWriteTimeUtc(locked, old);
            ModelFile.Save([("w", Tensor.Ones(3))], target);
        }
        Assert.All(stale, f => Assert.False(File.Exists(f), f));
        Assert.All(kept, f => Assert.True(File.Exists(f), f));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(locked));
        Assert.Equal([1.0, 1, 1], ModelFile.Read(target)[0].Tensor.ToArray());
    }

    [Fact]
    public void A_long_target_name_that_the_file_system_accepts_can_be_saved()
    {
        string target = PathOf(new string('m', 240) + ".bpnn"); // 245 characters: the old temporary name was too long
        ModelFile.Save([("w", Tensor.Ones(3))], target);
        Assert.Single(ModelFile.Read(target));
        Assert.Single(Directory.GetFiles(Folder));
    }

    [Fact]
    public void A_target_name_too_long_for_the_file_system_gives_a_clear_error_and_writes_nothing()
    {
        string target = PathOf(new string('m', 300) + ".bpnn");
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Save([("w", Tensor.Ones(3))], target));
        Assert.IsType<PathTooLongException>(e.InnerException);
        Assert.Contains("file name is 305 UTF-8 bytes long; expected at most 255", e.Message);
        Assert.Empty(Directory.GetFiles(Folder));
    }

    [Fact]
    public void Saving_and_loading_a_module_round_trips_through_the_streaming_format()
    {
        Sequential saved = MLP.Create(3, [64], 2, seed: 4);
        Sequential loaded = MLP.Create(3, [64], 2, seed: 5);
        string path = PathOf("mlp.bpnn");
        ModelFile.Save(saved, path);
        ModelFile.Load(loaded, path);
        for (int i = 0; i < saved.Parameters().Count; i++) Assert.Equal(saved.Parameters()[i].ToArray(), loaded.Parameters()[i].ToArray());
    }
}
