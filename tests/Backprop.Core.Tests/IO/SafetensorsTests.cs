using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Backprop.IO;
using Backprop.NN;

namespace Backprop.Core.Tests.IO;

public sealed class SafetensorsTests() : TempFolder("bpnn-st-")
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Save_then_Load_round_trips_with_PyTorch_names(DType dtype)
    {
        Sequential saved = MLP.Create(2, [16, 16], 3, seed: 1, dtype: dtype);
        Sequential loaded = MLP.Create(2, [16, 16], 3, seed: 2, dtype: dtype);
        string path = PathOf("model.safetensors");
        Safetensors.Save(saved, path, new Dictionary<string, string> { ["format"] = "pt" });
        Safetensors.Load(loaded, path);
        for (int i = 0; i < 6; i++) Assert.Equal(saved.Parameters()[i].ToArray(), loaded.Parameters()[i].ToArray());
        SafetensorsFile file = Safetensors.Read(path);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], file.Tensors.Select(t => t.Name));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal([16, 2], file["0.weight"].Shape);
        Assert.Empty(Directory.GetFiles(Folder, "*.tmp"));
    }

    [Fact]
    public void Fused_MLPs_have_the_same_names_as_PyTorch_without_the_activation_slots()
    {
        Sequential fused = MLP.Create(2, [4], 1, fuseActivations: true);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], fused.NamedParameters().Select(p => Safetensors.TorchName(p.Name)));
        Assert.Equal("encoder.3.running_mean", Safetensors.TorchName("encoder.3.RunningMean"));
    }

    [Fact]
    public void The_file_layout_is_the_safetensors_layout()
    {
        var layer = new Linear(Tensor.FromArray(new double[,] { { 1.5, -2 } }), Tensor.FromArray([0.25]));
        string path = PathOf("tiny.safetensors");
        Safetensors.Save(layer, path);
        byte[] b = File.ReadAllBytes(path);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(b);
        Assert.Equal(0, n % 8);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(b, 8, n))!.AsObject();
        Assert.Equal("F64", (string?)header["weight"]!["dtype"]);
        Assert.Equal("[1,2]", header["weight"]!["shape"]!.ToJsonString());
        Assert.Equal("[0,16]", header["weight"]!["data_offsets"]!.ToJsonString());
        Assert.Equal("[16,24]", header["bias"]!["data_offsets"]!.ToJsonString());
        Assert.Equal(8 + n + 24, b.Length);
        Assert.Equal(1.5, BitConverter.ToDouble(b, 8 + n));
        Assert.Equal(0.25, BitConverter.ToDouble(b, 8 + n + 16));
    }

    /// <summary>A file with a hand-written header and <paramref name="dataBytes"/> zero bytes of data.</summary>
    private string Handmade(string header, int dataBytes)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        byte[] b = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)h.Length);
        h.CopyTo(b, 8);
        string path = PathOf($"{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, b);
        return path;
    }

    private static void Rejects(string path, params string[] fragments)
    {
        var e = Assert.Throws<ModelFileException>(() => Safetensors.Read(path));
        Assert.Contains(path, e.Message);
        foreach (string fragment in fragments) Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Malformed_headers_are_rejected_with_a_clear_message()
    {
        string path = PathOf("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Rejects(path, "fewer than the 8");
        string huge = PathOf("huge.safetensors");
        File.WriteAllBytes(huge, [.. BitConverter.GetBytes(1000UL), .. "{}"u8]);
        Rejects(huge, "runs past the end");
        Rejects(Handmade("[1, 2]", 0), "does not start with '{'");
        Rejects(Handmade("{\"a\": ", 0), "not valid JSON");
        Rejects(Handmade("{\"a\": {\"dtype\": \"F32\", \"shape\": [2]}}", 8), "data_offsets");
        Rejects(Handmade("{\"a\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}", 8), "non-negative");
        Rejects(Handmade("{\"a\": {\"dtype\": \"X9\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 8), "unknown dtype \"X9\"");
        Rejects(Handmade("{\"__metadata__\": {\"k\": 1}}", 0), "not a string");
    }

    [Fact]
    public void Offsets_must_tile_the_data_buffer()
    {
        const string a = "\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": ";
        const string b = "\"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": ";
        Rejects(Handmade($"{{{a}[0, 8]}}, {b}[4, 12]}}}}", 12), "overlaps");
        Rejects(Handmade($"{{{a}[0, 8]}}, {b}[12, 20]}}}}", 20), "hole");
        Rejects(Handmade($"{{{a}[0, 8]}}}}", 4), "only 4 bytes");
        Rejects(Handmade($"{{{a}[0, 8]}}}}", 12), "4 bytes of the data buffer belong to no tensor");
        Rejects(Handmade($"{{{a}[0, 12]}}}}", 12), "needs 8 bytes");
        Rejects(Handmade($"{{{a}[8, 0]}}}}", 8), "end before they begin");
        Assert.Equal([0f, 0f], Safetensors.Read(Handmade($"{{{b}[8, 16]}}, {a}[0, 8]}}}}", 16))["b"].ToArray().Select(v => (float)v));
    }

    [Fact]
    public void A_wrong_dtype_is_named_and_the_model_is_untouched()
    {
        string path = PathOf("f64.safetensors");
        Safetensors.Save(MLP.Create(2, [4], 2, dtype: DType.Float64), path);
        Sequential model = MLP.Create(2, [4], 2, seed: 5);
        double[] before = model.Parameters()[0].ToArray();
        var e = Assert.Throws<ModelFileException>(() => Safetensors.Load(model, path));
        Assert.Contains("'0.weight' is F64 (float64) in the file but F32 (float32) in the model", e.Message);
        Assert.Equal(before, model.Parameters()[0].ToArray());

        string half = Handmade("{\"w\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0, 4]}}", 4);
        var e2 = Assert.Throws<ModelFileException>(() => Safetensors.Read(half));
        Assert.Contains("dtype F16; only F32, F64 and I64", e2.Message);
    }

    [Fact]
    public void A_missing_or_unexpected_tensor_is_named()
    {
        string path = PathOf("small.safetensors");
        Sequential small = MLP.Create(2, [4], 2);
        Safetensors.Save(small.NamedParameters().Where(p => p.Name != "2.Bias").Select(p => (Safetensors.TorchName(p.Name), p.Parameter)), path);
        var e = Assert.Throws<ModelFileException>(() => Safetensors.Load(MLP.Create(2, [4], 2), path));
        Assert.Contains("missing 2.bias", e.Message);
        Safetensors.Save(MLP.Create(2, [4, 4], 2), path);
        var e2 = Assert.Throws<ModelFileException>(() => Safetensors.Load(small, path));
        Assert.Contains("unexpected 4.weight, 4.bias", e2.Message);
        Safetensors.Save(MLP.Create(2, [5], 2), path);
        var e3 = Assert.Throws<ModelFileException>(() => Safetensors.Load(small, path));
        Assert.Contains("'0.weight' has shape [5, 2] in the file but [4, 2] in the model", e3.Message);
    }
}
