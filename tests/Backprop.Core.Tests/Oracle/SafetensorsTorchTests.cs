using System.Text.Json.Nodes;
using Backprop.IO;
using Backprop.NN;

namespace Backprop.Core.Tests.Oracle;

/// <summary>safetensors files go both ways between this library and PyTorch (tests/oracle/safetensors_oracle.py parses
/// and writes the format with struct + json): the same model gives the same outputs on both sides.</summary>
public sealed class SafetensorsTorchTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bpnn-st-torch-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly JsonArray Spec = JsonNode.Parse("""[["linear", 3, 8], ["relu"], ["linear", 8, 8], ["tanh"], ["linear", 8, 4], ["sigmoid"], ["linear", 4, 2]]""")!.AsArray();

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
        string path = Path.Combine(_folder, "ours.safetensors");
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
        string path = Path.Combine(_folder, "torch.safetensors");
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
