using System.Globalization;
using System.Runtime.InteropServices;
using Backprop.IO.OnnxProto;
using Backprop.NN;
using Google.Protobuf;

namespace Backprop.IO;

/// <summary>Options of <see cref="OnnxExport"/>.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The ONNX operator set (default 17; at least 13: every operator used here has had its current semantics since opset 13).</summary>
    public int Opset { get; init; } = 17;

    /// <summary>The graph input's name (default "input").</summary>
    public string InputName { get; init; } = "input";

    /// <summary>The graph output's name (default "output").</summary>
    public string OutputName { get; init; } = "output";

    /// <summary>The name of the dynamic first dimension of the input and output (default "batch").</summary>
    public string BatchDimension { get; init; } = "batch";

    /// <summary>Features per sample of the input; needed only when the model does not start with a <see cref="Linear"/> layer.</summary>
    public int? InputFeatures { get; init; }

    /// <summary>The graph's name (default "backprop").</summary>
    public string GraphName { get; init; } = "backprop";
}

/// <summary>
/// Exports a model to ONNX, in evaluation mode, so that ONNX Runtime (or any ONNX consumer) runs it outside .NET:
/// input [batch, features] → output [batch, outputs], float32 or float64 as the parameters, with a named dynamic batch
/// dimension.
/// </summary>
/// <remarks>
/// <para>Supported modules: <see cref="Sequential"/> (nested too), <see cref="Linear"/> → <c>Gemm</c> (transB = 1,
/// with the fused activation, if any, as a separate node after it), <see cref="ReLU"/> → <c>Relu</c>, <see cref="Tanh"/>,
/// <see cref="Sigmoid"/>, <see cref="LeakyReLU"/> → <c>LeakyRelu</c>, <see cref="Softmax"/>, <see cref="LogSoftmax"/>
/// (per axis, opset ≥ 13 semantics, like PyTorch), <see cref="Identity"/>, and in evaluation mode <see cref="Dropout"/> (nothing),
/// <see cref="BatchNorm1d"/> → <c>BatchNormalization</c> with its running statistics and <see cref="LayerNorm"/> →
/// <c>LayerNormalization</c> (opset ≥ 17). Any other module throws
/// <see cref="NotSupportedException"/> naming it. The parameters become initializers under their PyTorch names
/// ("0.weight", "0.bias"), the nodes are named like torch.onnx's ("/0/Gemm").</para>
/// <para>The model is switched to evaluation mode while exporting (and back afterwards).</para>
/// <para>The protobuf types are compiled at build time from a subset of the standard onnx.proto
/// (src/Backprop.Core/IO/Onnx/onnx.proto) with Google.Protobuf.Tools' protoc. We preferred that to the OnnxSharp
/// package: the subset is a hundred lines we can read and check against the standard, the only run-time dependency is
/// Google.Protobuf (Google's own, maintained), and no third-party copy of the whole schema — with graph-editing
/// features we do not need — ships inside our package.</para>
/// </remarks>
public static class OnnxExport
{
    /// <summary>The ONNX IR version written (8: ONNX 1.10 and later, which is what opset 17 needs at least).</summary>
    public const int IrVersion = 8;

    /// <summary>Writes <paramref name="model"/> as an ONNX file at <paramref name="path"/>, atomically.</summary>
    /// <exception cref="NotSupportedException">The model contains a module that has no ONNX conversion.</exception>
    /// <exception cref="ModelFileException">The file could not be written.</exception>
    public static void Save(Module model, string path, OnnxExportOptions? options = null)
    {
        byte[] bytes = ToBytes(model, options);
        AtomicWrite.Write(path, stream => stream.Write(bytes), "OnnxExport.Save");
    }

    /// <summary>The ONNX model (serialized ModelProto) of <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">The model contains a module that has no ONNX conversion.</exception>
    /// <exception cref="ArgumentException">The input width cannot be determined (set <see cref="OnnxExportOptions.InputFeatures"/>).</exception>
    public static byte[] ToBytes(Module model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxExportOptions();
        if (options.Opset < 13) throw new ArgumentOutOfRangeException(nameof(options), options.Opset, "OnnxExport: expected opset ≥ 13 (Softmax per axis).");
        // The element type of the graph: that of the parameters and buffers (a batch norm's counter is not exported).
        var state = model.NamedState().Where(s => !s.Name.EndsWith("NumBatchesTracked", StringComparison.Ordinal)).ToList();
        DType dtype = state.Count > 0 ? state[0].Tensor.DType : DType.Float32;
        if (state.Any(s => s.Tensor.DType != dtype))
            throw new ArgumentException("OnnxExport: the model mixes float32 and float64 parameters or buffers; expected one dtype.", nameof(model));
        int inputs = options.InputFeatures ?? (FirstLeaf(model) as Linear)?.InFeatures
            ?? throw new ArgumentException("OnnxExport: the model does not start with a Linear layer; set OnnxExportOptions.InputFeatures.", nameof(options));

        var names = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, t, _) in model.NamedState()) names[t] = Safetensors.TorchName(name);
        var graph = new Graph(new GraphProto { Name = options.GraphName }, names, dtype, options.Opset);
        bool wasTraining = model.IsTraining;
        model.Eval();
        string output;
        int features;
        try
        {
            (output, features) = Emit(model, "", options.InputName, inputs, graph);
        }
        finally
        {
            model.Train(wasTraining);
        }
        if (graph.Proto.Node.Count == 0 || output == options.InputName)
            graph.Node("Identity", "", [output]);
        graph.Proto.Node[^1].Output[0] = options.OutputName;
        graph.Proto.Input.Add(graph.Value(options.InputName, options.BatchDimension, inputs));
        graph.Proto.Output.Add(graph.Value(options.OutputName, options.BatchDimension, features));

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Backprop.NET",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString(3) ?? "0",
            Graph = graph.Proto,
            DocString = model.ToString(),
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        return proto.ToByteArray();
    }

    private static Module FirstLeaf(Module m) => m is Sequential s ? FirstLeaf(s[0]) : m;

    /// <summary>Adds the nodes of <paramref name="m"/> applied to <paramref name="input"/> ([batch, features]); returns the output's name and width.
    /// One case per module type: the place to add new layers.</summary>
    private static (string Output, int Features) Emit(Module m, string path, string input, int features, Graph g)
    {
        switch (m)
        {
            case Sequential s:
                for (int i = 0; i < s.Count; i++)
                    (input, features) = Emit(s[i], path + "/" + i.ToString(CultureInfo.InvariantCulture), input, features, g);
                return (input, features);
            case Linear linear:
                if (linear.InFeatures != features)
                    throw new ArgumentException($"OnnxExport: layer '{path}' expects {linear.InFeatures} features but receives {features}.");
                var gemmInputs = new List<string> { input, g.Initializer(linear.Weight) };
                if (linear.Bias is not null) gemmInputs.Add(g.Initializer(linear.Bias));
                string z = g.Node("Gemm", path, gemmInputs, Attribute("transB", 1));
                return (linear.Activation == Activation.Identity ? z : ActivationNode(linear.Activation, path, z, g), linear.OutFeatures);
            case ReLU: return (g.Node("Relu", path, [input]), features);
            case Tanh: return (g.Node("Tanh", path, [input]), features);
            case Sigmoid: return (g.Node("Sigmoid", path, [input]), features);
            case LeakyReLU leaky: return (g.Node("LeakyRelu", path, [input], Attribute("alpha", (float)leaky.NegativeSlope)), features);
            case Softmax softmax: return (g.Node("Softmax", path, [input], Attribute("axis", softmax.Axis)), features);
            case LogSoftmax logSoftmax: return (g.Node("LogSoftmax", path, [input], Attribute("axis", logSoftmax.Axis)), features);
            case Identity: return (input, features);
            case Dropout: return (input, features); // evaluation mode: the identity
            case BatchNorm1d bn:
                // Evaluation mode: y = γ ⊙ (x − running mean)/√(running var + ε) + β.
                if (bn.NumFeatures != features)
                    throw new ArgumentException($"OnnxExport: layer '{path}' expects {bn.NumFeatures} features but receives {features}.");
                return (g.Node("BatchNormalization", path,
                    [input, g.Initializer(bn.Weight ?? g.Constant(path + ".weight", Tensor.Ones([features], bn.RunningMean.DType))),
                     g.Initializer(bn.Bias ?? g.Constant(path + ".bias", Tensor.Zeros([features], bn.RunningMean.DType))),
                     g.Initializer(bn.RunningMean), g.Initializer(bn.RunningVar)],
                    Attribute("epsilon", (float)bn.Eps)), features);
            case LayerNorm ln:
                if (ln.NormalizedShape != features)
                    throw new ArgumentException($"OnnxExport: layer '{path}' expects {ln.NormalizedShape} features but receives {features}.");
                if (g.Opset < 17) throw new NotSupportedException($"OnnxExport: layer '{path}' (LayerNorm) needs opset ≥ 17 (LayerNormalization); the export asks for {g.Opset}.");
                var scale = ln.Weight ?? g.Constant(path + ".weight", Tensor.Ones([features], g.DType));
                var shift = ln.Bias ?? g.Constant(path + ".bias", Tensor.Zeros([features], g.DType));
                return (g.Node("LayerNormalization", path, [input, g.Initializer(scale), g.Initializer(shift)],
                    Attribute("axis", -1), Attribute("epsilon", (float)ln.Eps)), features);
            default:
                throw new NotSupportedException(
                    $"OnnxExport: module '{path}' ({m.GetType().Name}) has no ONNX conversion; supported: Sequential, Linear, ReLU, Tanh, Sigmoid, " +
                    "LeakyReLU, Softmax, LogSoftmax, Identity, Dropout, BatchNorm1d, LayerNorm.");
        }
    }

    private static string ActivationNode(Activation kind, string path, string input, Graph g) => kind switch
    {
        Activation.ReLU => g.Node("Relu", path, [input]),
        Activation.Tanh => g.Node("Tanh", path, [input]),
        Activation.Sigmoid => g.Node("Sigmoid", path, [input]),
        _ => throw new NotSupportedException($"OnnxExport: the fused activation {kind} has no ONNX conversion."),
    };

    private static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Attribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>The graph being built: nodes named like torch.onnx's, parameters as initializers.</summary>
    private sealed class Graph(GraphProto proto, Dictionary<Tensor, string> names, DType dtype, int opset)
    {
        public GraphProto Proto { get; } = proto;

        /// <summary>The element type of the graph.</summary>
        public DType DType => dtype;

        /// <summary>The operator set exported.</summary>
        public int Opset => opset;

        /// <summary>Names a tensor that is no parameter (a constant the conversion needs) so it can become an initializer.</summary>
        public Tensor Constant(string name, Tensor t)
        {
            names[t] = name.TrimStart('/').Replace('/', '.');
            return t;
        }

        private int ElementType => (int)(dtype == DType.Float32 ? TensorProto.Types.DataType.Float : TensorProto.Types.DataType.Double);

        /// <summary>Adds a node; returns the name of its (single) output.</summary>
        public string Node(string op, string path, IEnumerable<string> inputs, params AttributeProto[] attributes)
        {
            string name = $"{path}/{op}";
            string output = $"{name}_output_0";
            var node = new NodeProto { OpType = op, Name = name };
            node.Input.AddRange(inputs);
            node.Output.Add(output);
            node.Attribute.AddRange(attributes);
            Proto.Node.Add(node);
            return output;
        }

        /// <summary>Adds a parameter as an initializer (raw little-endian data) and returns its name.</summary>
        public string Initializer(Tensor t)
        {
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("OnnxExport: big-endian machines are not supported.");
            string name = names[t];
            if (Proto.Initializer.Any(i => i.Name == name)) return name;
            var tensor = new TensorProto { Name = name, DataType = ElementType };
            tensor.Dims.AddRange(t.Shape.Select(d => (long)d));
            tensor.RawData = t.DType == DType.Float32
                ? ByteString.CopyFrom(MemoryMarshal.AsBytes(t.AsReadOnlySpan<float>()))
                : ByteString.CopyFrom(MemoryMarshal.AsBytes(t.AsReadOnlySpan<double>()));
            Proto.Initializer.Add(tensor);
            return name;
        }

        /// <summary>A [batch, features] tensor value of the graph's element type.</summary>
        public ValueInfoProto Value(string name, string batch, int features)
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = features });
            return new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = ElementType, Shape = shape } },
            };
        }
    }
}
