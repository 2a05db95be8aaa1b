using System.Security.Cryptography;
using Backprop.IO;
using Backprop.NN;

namespace Backprop.Core.Tests.IO;

public sealed class ModelFileTests() : TempFolder("bpnn-io-")
{
    private static double[][] Snapshot(Module m) => m.Parameters().Select(p => p.ToArray()).ToArray();

    private static void AssertUntouched(double[][] before, Module m)
    {
        double[][] after = Snapshot(m);
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i], after[i]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Save_then_Load_round_trips_every_parameter_exactly(DType dtype)
    {
        Sequential saved = MLP.Create(2, [16, 16], 2, seed: 1, dtype: dtype);
        Sequential loaded = MLP.Create(2, [16, 16], 2, seed: 2, dtype: dtype);
        string path = PathOf("model.bpnn");
        ModelFile.Save(saved, path);
        ModelFile.Load(loaded, path);
        for (int i = 0; i < 6; i++) Assert.Equal(saved.Parameters()[i].ToArray(), loaded.Parameters()[i].ToArray());
        Assert.Equal(new[] { "0.Weight", "0.Bias", "2.Weight", "2.Bias", "4.Weight", "4.Bias" }, ModelFile.Read(path).Select(t => t.Name));
        Assert.Empty(Directory.GetFiles(Folder, "*.tmp"));
        ModelFile.Save(loaded, path);  // overwriting an existing file works
        Assert.Single(Directory.GetFiles(Folder));
    }

    [Fact]
    public void The_file_layout_is_as_documented()
    {
        var layer = new Linear(Tensor.FromArray(new double[,] { { 1.5, -2 } }), Tensor.FromArray([0.25]));
        string path = PathOf("tiny.bpnn");
        ModelFile.Save(layer, path);
        byte[] b = File.ReadAllBytes(path);
        Assert.Equal("BPNNPARM"u8.ToArray(), b[..8]);
        Assert.Equal(1, BitConverter.ToInt32(b, 8));
        Assert.Equal(2, BitConverter.ToInt32(b, 12));
        Assert.Equal(6, BitConverter.ToInt32(b, 16));                // "Weight"
        Assert.Equal("Weight"u8.ToArray(), b[20..26]);
        Assert.Equal(2, b[26]);                                       // float64
        Assert.Equal(2, BitConverter.ToInt32(b, 27));                 // rank
        Assert.Equal(1, BitConverter.ToInt32(b, 31));
        Assert.Equal(2, BitConverter.ToInt32(b, 35));
        Assert.Equal(1.5, BitConverter.ToDouble(b, 39));
        Assert.Equal(-2.0, BitConverter.ToDouble(b, 47));
        int bias = 55;
        Assert.Equal(4, BitConverter.ToInt32(b, bias));
        Assert.Equal(0.25, BitConverter.ToDouble(b, bias + 4 + 4 + 1 + 4 + 4));
        Assert.Equal(bias + (4 + 4 + 1 + 4 + 4 + 8) + 32, b.Length);
        Assert.Equal(SHA256.HashData(b.AsSpan(0, b.Length - 32)), b[^32..]);
    }

    private (Sequential Model, double[][] Before, string Path) SavedAndAnother()
    {
        string path = PathOf("m.bpnn");
        ModelFile.Save(MLP.Create(2, [8], 2, seed: 1), path);
        Sequential other = MLP.Create(2, [8], 2, seed: 2);
        return (other, Snapshot(other), path);
    }

    [Fact]
    public void A_truncated_file_is_rejected_and_the_model_is_untouched()
    {
        var (model, before, path) = SavedAndAnother();
        byte[] bytes = File.ReadAllBytes(path);
        foreach (int length in new[] { bytes.Length - 1, bytes.Length - 40, 60, 20, 10 })
        {
            File.WriteAllBytes(path, bytes[..length]);
            var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(model, path));
            Assert.Contains(path, e.Message);
            Assert.Contains("truncated", e.Message);
            Assert.Equal(path, e.FilePath);
            AssertUntouched(before, model);
        }
    }

    [Fact]
    public void A_flipped_byte_fails_the_checksum_and_the_model_is_untouched()
    {
        var (model, before, path) = SavedAndAnother();
        byte[] bytes = File.ReadAllBytes(path);
        foreach (int offset in new[] { 45, bytes.Length / 2, bytes.Length - 40, bytes.Length - 1 })
        {
            byte[] corrupted = (byte[])bytes.Clone();
            corrupted[offset] ^= 0x10;
            File.WriteAllBytes(path, corrupted);
            var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(model, path));
            Assert.Contains("checksum", e.Message);
            Assert.Contains(path, e.Message);
            AssertUntouched(before, model);
        }
    }

    [Fact]
    public void A_foreign_file_or_another_version_is_rejected_and_the_model_is_untouched()
    {
        var (model, before, path) = SavedAndAnother();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllText(path, "{\"weights\": [1, 2, 3], \"padding\": \"................................................\"}");
        Assert.Contains("not a Backprop.NET model file", Assert.Throws<ModelFileException>(() => ModelFile.Load(model, path)).Message);
        File.WriteAllBytes(path, []);
        Assert.Contains("not a Backprop.NET model file", Assert.Throws<ModelFileException>(() => ModelFile.Load(model, path)).Message);
        bytes[8] = 2;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("version 2", Assert.Throws<ModelFileException>(() => ModelFile.Load(model, path)).Message);
        var missing = Assert.Throws<ModelFileException>(() => ModelFile.Load(model, PathOf("nope.bpnn")));
        Assert.Contains("nope.bpnn", missing.Message);
        AssertUntouched(before, model);
    }

    [Fact]
    public void Wrong_shapes_names_or_dtypes_are_rejected_and_the_model_is_untouched()
    {
        string path = PathOf("m.bpnn");
        ModelFile.Save(MLP.Create(2, [8], 2, seed: 1), path);

        Sequential wider = MLP.Create(2, [9], 2, seed: 3);
        double[][] before = Snapshot(wider);
        var shape = Assert.Throws<ModelFileException>(() => ModelFile.Load(wider, path));
        Assert.Contains("'0.Weight' has shape [8, 2] in the file but [9, 2] in the model", shape.Message);
        AssertUntouched(before, wider);

        Sequential deeper = MLP.Create(2, [8, 8], 2, seed: 3);
        before = Snapshot(deeper);
        var names = Assert.Throws<ModelFileException>(() => ModelFile.Load(deeper, path));
        Assert.Contains("missing 4.Weight, 4.Bias", names.Message);
        AssertUntouched(before, deeper);

        Sequential doubles = MLP.Create(2, [8], 2, seed: 3, dtype: DType.Float64);
        before = Snapshot(doubles);
        Assert.Contains("Float32 in the file but Float64", Assert.Throws<ModelFileException>(() => ModelFile.Load(doubles, path)).Message);
        AssertUntouched(before, doubles);

        Sequential shallow = MLP.Create(2, [], 2, seed: 3);
        Assert.Contains("unexpected 2.Weight, 2.Bias", Assert.Throws<ModelFileException>(() => ModelFile.Load(shallow, path)).Message);
    }

    [Fact]
    public void Saving_two_tensors_under_one_name_is_refused_before_writing()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bp-dup-{Guid.NewGuid():N}.bpnn");
        var w = Tensor.Ones(2);
        var e = Assert.Throws<ArgumentException>(() => ModelFile.Save([("w", w), ("w", w)], path));
        Assert.Contains("appears twice", e.Message);
        Assert.False(File.Exists(path));
    }
}
