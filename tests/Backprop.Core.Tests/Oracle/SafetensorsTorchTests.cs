using System.Text.Json.Nodes;
using Backprop.IO;
using Backprop.NN;

namespace Backprop.Core.Tests.Oracle;

/// <summary>safetensors files go both ways between this library and PyTorch (tests/oracle/safetensors_oracle.py parses
/// and writes the format with struct + json): the same model gives the same outputs on both sides.</summary>
public sealed class SafetensorsTorchTests() : TempFolder("bpnn-st-torch-")
{
    private static readonly JsonArray Spec = JsonNode.Parse("""[["linear", 3, 8], ["relu"], ["linear", 8, 8], ["tanh"], ["linear", 8, 4], ["sigmoid"], ["linear", 4, 2]]""")!.AsArray();

    private static readonly JsonArray NormalisedSpec = JsonNode.Parse("""[["linear", 3, 8], ["batchnorm1d", 8], ["relu"], ["dropout", 0.3], ["linear", 8, 6], ["layernorm", 6], ["linear", 6, 2]]""")!.AsArray();

    /// <summary>The model of <see cref="NormalisedSpec"/>, its running statistics moved by three training batches.</summary>
    private static Sequential Normalised(DType dtype, int seed)
    {
        var model = new Sequential(new Linear(3, 8, seed: seed, dtype: dtype), new BatchNorm1d(8, dtype: dtype), new ReLU(), new Dropout(0.3, seed: seed),
            new Linear(8, 6, seed: seed + 1, dtype: dtype), new LayerNorm(6, dtype: dtype), new Linear(6, 2, seed: seed + 2, dtype: dtype));
        using (new NoGrad())
            for (int i = 0; i < 3; i++) model.Forward(Tensor.Randn([16, 3], seed + 10 + i, dtype) * 2 + 1);
        model.Eval();
        return model;
    }

    [SkippableTheory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Batch_norm_layer_norm_and_dropout_go_both_ways_with_their_running_statistics(DType dtype)
    {
        string ours = PathOf("normalised-ours.safetensors"), theirs = PathOf("normalised-torch.safetensors");
        string type = dtype == DType.Float64 ? "float64" : "float32";
        var (x, json) = Input(dtype);
        Sequential model = Normalised(dtype, 21);
        Safetensors.Save(model, ours);
        JsonNode run = TorchOracle.RunScript("safetensors_oracle.py", new JsonObject
        {
            ["mode"] = "run", ["path"] = ours, ["layers"] = NormalisedSpec.DeepClone(), ["dtype"] = type, ["x"] = json.DeepClone(),
        });
        Tensor output;
        using (new NoGrad()) output = model.Forward(x);
        TorchOracle.AssertClose(TorchOracle.Read(run["output"]!).Data, output.ToArray(), Tolerance(dtype), Tolerance(dtype), "ours in torch");

        JsonNode written = TorchOracle.RunScript("safetensors_oracle.py", new JsonObject
        {
            ["mode"] = "write", ["path"] = theirs, ["layers"] = NormalisedSpec.DeepClone(), ["dtype"] = type, ["seed"] = 5, ["x"] = json.DeepClone(),
        });
        Assert.Equal("I64", HeaderDType(theirs, "1.num_batches_tracked"));    // PyTorch's counter is int64
        Sequential loaded = Normalised(dtype, 77);
        Safetensors.Load(loaded, theirs);
        Assert.Equal(3.0, ((BatchNorm1d)loaded[1]).NumBatchesTracked.Item());
        using (new NoGrad()) output = loaded.Forward(x);
        TorchOracle.AssertClose(TorchOracle.Read(written["output"]!).Data, output.ToArray(), Tolerance(dtype), Tolerance(dtype), "torch's here");
    }

    /// <summary>The dtype a safetensors header gives a tensor.</summary>
    private static string? HeaderDType(string path, string name)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int length = (int)BitConverter.ToUInt64(bytes, 0);
        return (string?)JsonNode.Parse(bytes.AsSpan(8, length))![name]!["dtype"];
    }

    private static Sequential Ours(DType dtype, int seed) =>
        new(new Linear(3, 8, seed: seed, dtype: dtype), new ReLU(), new Linear(8, 8, seed: seed + 1, dtype: dtype), new Tanh(),
            new Linear(8, 4, seed: seed + 2, dtype: dtype), new Sigmoid(), new Linear(4, 2, seed: seed + 3, dtype: dtype));

    private static (Tensor X, JsonObject Json) Input(DType dtype)
    {
        Tensor x = Tensor.Randn([5, 3], 7, dtype);
        return (x, TorchOracle.Spec([5, 3], x.ToArray(), grad: false));
    }

    private static double Tolerance(DType dtype) => dtype == DType.Float64 ? 1e-12 : 1e-5;

    [SkippableTheory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void A_model_saved_here_runs_in_torch_nn_Sequential_with_the_same_outputs(DType dtype)
    {
        Sequential model = Ours(dtype, 11);
        string path = PathOf("ours.safetensors");
        Safetensors.Save(model, path);
        var (x, json) = Input(dtype);
        JsonNode answer = TorchOracle.RunScript("safetensors_oracle.py", new JsonObject
        {
            ["mode"] = "run", ["path"] = path, ["layers"] = Spec.DeepClone(), ["dtype"] = dtype == DType.Float64 ? "float64" : "float32", ["x"] = json,
        });
        var (shape, torch) = TorchOracle.Read(answer["output"]!);
        Tensor ours;
        using (new NoGrad()) ours = model.Forward(x);
        Assert.Equal(ours.Shape, shape);
        TorchOracle.AssertClose(torch, ours.ToArray(), Tolerance(dtype), Tolerance(dtype), "output");
    }

    [SkippableTheory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void A_state_dict_written_by_PyTorch_loads_here_with_the_same_outputs(DType dtype)
    {
        string path = PathOf("torch.safetensors");
        var (x, json) = Input(dtype);
        JsonNode answer = TorchOracle.RunScript("safetensors_oracle.py", new JsonObject
        {
            ["mode"] = "write", ["path"] = path, ["layers"] = Spec.DeepClone(), ["dtype"] = dtype == DType.Float64 ? "float64" : "float32",
            ["seed"] = 3, ["x"] = json,
        });
        Sequential model = Ours(dtype, 99);
        Safetensors.Load(model, path);
        Assert.Equal("pt", Safetensors.Read(path).Metadata["format"]);
        var (_, torch) = TorchOracle.Read(answer["output"]!);
        Tensor ours;
        using (new NoGrad()) ours = model.Forward(x);
        TorchOracle.AssertClose(torch, ours.ToArray(), Tolerance(dtype), Tolerance(dtype), "output");
    }
}
