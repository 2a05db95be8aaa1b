using Backprop.Core.Tests.Oracle;
using Backprop.IO;
using Backprop.NN;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Backprop.Core.Tests.IO;

/// <summary>Exported models run in ONNX Runtime with our outputs, and pass the reference ONNX checker.</summary>
public sealed class OnnxExportTests() : TempFolder("bpnn-onnx-")
{
    public static TheoryData<string, DType> Models() => new()
    {
        { "mlp-relu", DType.Float32 },
        { "mlp-fused-tanh", DType.Float32 },
        { "mixed", DType.Float32 },
        { "softmax", DType.Float32 },
        { "mlp-relu", DType.Float64 },
        { "mixed", DType.Float64 },
        { "normalised", DType.Float32 },
        { "normalised", DType.Float64 },
    };

    private static Module Build(string name, DType dtype) => name switch
    {
        "mlp-relu" => MLP.Create(2, [16, 16], 2, seed: 3, dtype: dtype),
        "mlp-fused-tanh" => MLP.Create(3, [8, 8], 4, Activation.Tanh, seed: 4, dtype: dtype, fuseActivations: true),
        "mixed" => new Sequential(new Linear(3, 6, seed: 1, dtype: dtype, activation: Activation.Sigmoid), new LeakyReLU(0.2),
            new Sequential(new Linear(6, 5, seed: 2, dtype: dtype), new Sigmoid(), new Identity()), new Linear(5, 4, bias: false, seed: 3, dtype: dtype),
            new Tanh(), new Linear(4, 3, seed: 4, dtype: dtype, activation: Activation.ReLU), new LogSoftmax()),
        "normalised" => Normalised(dtype),
        _ => new Sequential(new Linear(3, 5, seed: 5, dtype: dtype), new ReLU(), new Linear(5, 4, seed: 6, dtype: dtype), new Softmax(-1)),
    };

    /// <summary>Batch norm (with running statistics moved by a few training batches), dropout and layer norm.</summary>
    private static Sequential Normalised(DType dtype)
    {
        var model = new Sequential(new Linear(4, 8, seed: 7, dtype: dtype), new BatchNorm1d(8, dtype: dtype), new ReLU(), new Dropout(0.3, seed: 8),
            new Linear(8, 6, seed: 9, dtype: dtype), new LayerNorm(6, dtype: dtype), new Linear(6, 3, seed: 10, dtype: dtype));
        using (new NoGrad())
            for (int i = 0; i < 3; i++) model.Forward(Tensor.Randn([16, 4], 20 + i, dtype) * 2 + 1);
        return model;
    }

    private static Linear FirstLinear(Module m) => m is Sequential s ? FirstLinear(s[0]) : (Linear)m;

    /// <summary>Our outputs and ONNX Runtime's for a batch of <paramref name="rows"/>.</summary>
    internal static (double[] Ours, double[] Runtime, int[] Shape) RunBoth(Module model, byte[] onnx, int rows, int seed = 9)
    {
        int inputs = FirstLinear(model).InFeatures;
        DType dtype = model.Parameters()[0].DType;
        Tensor x = Tensor.Randn([rows, inputs], seed, dtype);
        double[] ours;
        model.Eval();
        using (new NoGrad()) ours = model.Forward(x).ToArray();
        model.Train();

        using var session = new InferenceSession(onnx);
        NamedOnnxValue input = dtype == DType.Float32
            ? NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(x.ToArray().Select(v => (float)v).ToArray(), [rows, inputs]))
            : NamedOnnxValue.CreateFromTensor("input", new DenseTensor<double>(x.ToArray(), [rows, inputs]));
        using var results = session.Run([input]);
        var output = results.Single();
        Assert.Equal("output", output.Name);
        if (dtype == DType.Float32)
        {
            var t = output.AsTensor<float>();
            return (ours, t.Select(v => (double)v).ToArray(), t.Dimensions.ToArray());
        }
        var d = output.AsTensor<double>();
        return (ours, d.ToArray(), d.Dimensions.ToArray());
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ONNX_Runtime_gives_our_outputs_for_any_batch_size(string name, DType dtype)
    {
        Module model = Build(name, dtype);
        string path = PathOf($"{name}.onnx");
        OnnxExport.Save(model, path);
        Assert.True(model.IsTraining);                        // the mode is restored after the export
        double tolerance = dtype == DType.Float32 ? 1e-5 : 1e-10; // float64: the runtime normalises with another formula order (BatchNormalization, LayerNormalization)
        foreach (int rows in new[] { 1, 7, 64 })
        {
            var (ours, runtime, shape) = RunBoth(model, File.ReadAllBytes(path), rows);
            Assert.Equal(rows, shape[0]);
            Assert.Equal(ours.Length, runtime.Length);
            TorchOracle.AssertClose(ours, runtime, tolerance, tolerance, $"{name} {dtype} batch {rows}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void The_reference_ONNX_checker_accepts_the_files(string name, DType dtype)
    {
        Module model = Build(name, dtype);
        string path = PathOf($"{name}-{dtype}.onnx");
        OnnxExport.Save(model, path);
        var summary = OnnxChecker.Check(path);
        Assert.Equal(OnnxExport.IrVersion, (int)summary["ir_version"]!);
        Assert.Equal(17, (int)summary["opset"]!);
        Assert.Equal("""[["input",["batch",""" + FirstLinear(model).InFeatures + "]]]", summary["inputs"]!.ToJsonString());
        Assert.Equal("batch", (string?)summary["outputs"]![0]![1]![0]);
        Assert.Equal(dtype == DType.Float32 ? 1 : 11, (int)summary["elem_type"]!);
        Assert.Equal(model.NamedState().Select(p => Safetensors.TorchName(p.Name)).Where(n => !n.EndsWith("num_batches_tracked", StringComparison.Ordinal)), summary["initializers"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public void Linear_becomes_Gemm_and_activations_their_ONNX_operators()
    {
        Module model = Build("mixed", DType.Float32);
        var proto = Backprop.IO.OnnxProto.ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(model));
        Assert.Equal(["Gemm", "Sigmoid", "LeakyRelu", "Gemm", "Sigmoid", "Gemm", "Tanh", "Gemm", "Relu", "LogSoftmax"], proto.Graph.Node.Select(n => n.OpType));
        Assert.Equal(["/0/Gemm", "/0/Sigmoid", "/1/LeakyRelu", "/2/0/Gemm"], proto.Graph.Node.Take(4).Select(n => n.Name));
        Assert.Equal(1, proto.Graph.Node[0].Attribute.Single(a => a.Name == "transB").I);
        Assert.Equal(0.2f, proto.Graph.Node[2].Attribute.Single().F);
        Assert.Equal("output", proto.Graph.Node[^1].Output.Single());
        Assert.Equal(2, proto.Graph.Node[5].Input.Count);        // the Linear without bias
        Assert.Equal("Backprop.NET", proto.ProducerName);
    }

    private sealed class Doubler : Module
    {
        public override Tensor Forward(Tensor input) => input * 2;
    }

    [Fact]
    public void A_module_without_a_conversion_is_named()
    {
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(new Sequential(new Linear(2, 2), new Doubler())));
        Assert.Contains("'/1' (Doubler) has no ONNX conversion", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(new Sequential(new ReLU(), new Linear(2, 2))));
        Assert.Contains("InputFeatures", e2.Message);
        Assert.NotEmpty(OnnxExport.ToBytes(new Sequential(new ReLU(), new Linear(2, 2)), new OnnxExportOptions { InputFeatures = 2 }));
    }
}
