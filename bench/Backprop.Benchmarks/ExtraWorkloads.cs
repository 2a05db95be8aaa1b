using Backprop.Interactive;
using Backprop.Interactive.Graphs;
using Backprop.Kernels;

namespace Backprop.Benchmarks;

/// <summary>fp32 C = op(A)·op(B) through Gemm.Multiply at one shape; the twin runs torch.mm(op(A), op(B), out=C)
/// with the same transposes (as strided views, no copy).</summary>
public sealed class GemmShape : Workload
{
    readonly float[] _a, _b, _c;
    readonly int _lda, _ldb;

    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The inner dimension.</param>
    /// <param name="transposeA">A is stored [k, m] (as δ in ∂W = δᵀ·x).</param>
    /// <param name="transposeB">B is stored [n, k] (as W in x·Wᵀ).</param>
    /// <param name="what">Where this shape comes from, for the report.</param>
    public GemmShape(int m, int n, int k, bool transposeA, bool transposeB, string what)
    {
        (M, N, K, TransposeA, TransposeB, What) = (m, n, k, transposeA, transposeB, what);
        var rng = new Rng(3);
        _a = Uniform(rng, m * k, -1, 1);
        _b = Uniform(rng, k * n, -1, 1);
        _c = new float[m * n];
        _lda = transposeA ? m : k;
        _ldb = transposeB ? k : n;
    }

    public int M { get; }
    public int N { get; }
    public int K { get; }
    public bool TransposeA { get; }
    public bool TransposeB { get; }
    public string What { get; }
    public double Flops => 2.0 * M * N * K;

    /// <summary>"gemm-nt-256x256x784": transposes of A and B (n = as stored, t = transposed), then m×n×k.</summary>
    public override string Name => $"gemm-{(TransposeA ? 't' : 'n')}{(TransposeB ? 't' : 'n')}-{M}x{N}x{K}";
    public override void Step() => Gemm.Multiply(TransposeA, TransposeB, M, N, K, 1f, _a, _lda, _b, _ldb, 0f, _c, N);
    public override Dictionary<string, object> Export(string dir) => new()
    {
        ["kind"] = "gemm", ["m"] = M, ["n"] = N, ["k"] = K, ["transpose_a"] = TransposeA, ["transpose_b"] = TransposeB,
    };

    /// <summary>Square products and the MLP's (784-256-128-10) real ones. Functional.Linear computes the
    /// forward pass as x·Wᵀ (B transposed: W is [out, in]), ∂x += δ·W (no transpose; skipped for the first
    /// layer, whose input needs no gradient) and ∂W += δᵀ·x (A transposed, k = batch).</summary>
    public static GemmShape[] All()
    {
        var shapes = new List<GemmShape>
        {
            new(64, 64, 64, false, false, "square"),
            new(128, 128, 128, false, false, "square"),
            new(256, 256, 256, false, false, "square"),
            new(784, 784, 784, false, false, "square"),
            new(256, 256, 784, false, true, "mlp256 forward, layer 1: x·W₁ᵀ"),
            new(256, 128, 256, false, true, "mlp256 forward, layer 2: h₁·W₂ᵀ"),
            new(256, 10, 128, false, true, "mlp256 forward, layer 3: h₂·W₃ᵀ"),
            new(256, 128, 10, false, false, "mlp256 backward, ∂h₂ = δ₃·W₃"),
            new(256, 256, 128, false, false, "mlp256 backward, ∂h₁ = δ₂·W₂"),
            new(10, 128, 256, true, false, "mlp256 backward, ∂W₃ = δ₃ᵀ·h₂"),
            new(128, 256, 256, true, false, "mlp256 backward, ∂W₂ = δ₂ᵀ·h₁"),
            new(256, 784, 256, true, false, "mlp256 backward, ∂W₁ = δ₁ᵀ·x"),
            new(64, 256, 784, false, true, "mlp64 forward, layer 1: x·W₁ᵀ"),
            new(256, 784, 64, true, false, "mlp64 backward, ∂W₁ = δ₁ᵀ·x"),
        };
        return [.. shapes];
    }
}

/// <summary>Elementwise ops and a row softmax over an fp32 [rows × cols] matrix through the public Tensor API,
/// without autograd (inputs do not require grad, and the call runs inside a NoGrad scope). Both sides write into
/// a preallocated tensor for add, mul, tanh and exp (ours: the destination overloads; the twin: out=) and
/// allocate the result for relu and softmax (as torch, which has no out= for them; ours in a Tensor.Scope(), so the
/// result's storage is reused by the next call).</summary>
public sealed class Elementwise : Workload
{
    readonly Tensor _a, _b, _c;
    readonly Func<Tensor, Tensor, Tensor> _op;

    public Elementwise(string op, int rows, int cols)
    {
        (Op, Rows, Cols) = (op, rows, cols);
        var rng = new Rng(4);
        _a = Tensor.FromArray(Uniform(rng, rows * cols, -2, 2), rows, cols);
        _b = Tensor.FromArray(Uniform(rng, rows * cols, -2, 2), rows, cols);
        _c = Tensor.Zeros([rows, cols]);
        _op = op switch
        {
            "add" => (a, b) => Tensor.Add(a, b, _c),
            "mul" => (a, b) => Tensor.Multiply(a, b, _c),
            "relu" => (a, _) => a.Relu(),
            "tanh" => (a, _) => Tensor.Tanh(a, _c),
            "exp" => (a, _) => Tensor.Exp(a, _c),
            "softmax" => (a, _) => a.Softmax(1),
            _ => throw new ArgumentException($"Elementwise: unknown op '{op}'"),
        };
    }

    public string Op { get; }
    public int Rows { get; }
    public int Cols { get; }

    /// <summary>Bytes an ideal kernel moves per call: every input element read once, every output element
    /// written once (binary ops 12 bytes per element, unary ops and softmax 8).</summary>
    public double Bytes => (Op is "add" or "mul" ? 3.0 : 2.0) * sizeof(float) * Rows * Cols;

    public override string Name => $"{Op}-{Rows}x{Cols}";
    public override void Step()
    {
        // In a scope, relu's and softmax's results go back to the pool at its end (the destination overloads return
        // _c, made before the scope, which stays).
        using (new NoGrad())
        using (Tensor.Scope()) _op(_a, _b);
    }
    public override Dictionary<string, object> Export(string dir) => new()
    {
        ["kind"] = "elementwise", ["op"] = Op, ["rows"] = Rows, ["cols"] = Cols,
    };

    /// <summary>Each op at a cache-resident size (16×1000: 64 KB per operand, within one core's 512 KB L2) and a
    /// memory-bound one (4000×1000: 16 MB per operand, twice the 8 MB L3).</summary>
    public static Elementwise[] All()
    {
        var list = new List<Elementwise>();
        foreach (int rows in new[] { 16, 4000 })
            foreach (string op in new[] { "add", "mul", "relu", "tanh", "exp", "softmax" })
                list.Add(new Elementwise(op, rows, 1000));
        return [.. list];
    }
}

/// <summary>Drawing the computation graph of a ~2,000-node scalar graph as HTML/SVG (Backprop.Interactive):
/// build the model, lay it out and write the HTML. Ours only.</summary>
public sealed class GraphRender : Workload
{
    readonly Value _loss;
    readonly GraphOptions? _options;
    readonly string _view;

    /// <summary>The loss of micrograd's scalar 2-16-16-1 MLP (hinge loss) over the fewest two-moons samples that
    /// make a graph of at least <paramref name="minNodes"/> nodes (the 337 parameters are shared, each sample adds
    /// its forward pass), after one backward pass so every node has a gradient.</summary>
    public static Value BuildGraph(int minNodes = 2000)
    {
        for (int samples = 2; ; samples++)
        {
            Value loss = HingeLoss(samples);
            if (loss.TopologicalOrder().Count < minNodes) continue;
            loss.Backward();
            return loss;
        }
    }

    /// <summary>The hinge loss of micrograd's scalar 2-16-16-1 MLP (2-<paramref name="hidden"/>-<paramref name="hidden"/>-1)
    /// over <paramref name="samples"/> two-moons samples (no backward pass yet): with 16, about 340 nodes per sample plus the
    /// shared parameters.</summary>
    public static Value HingeLoss(int samples, int hidden = 16)
    {
        var data = Data.Datasets.TwoMoons(samples: samples, noise: 0.1, seed: 1);
        var model = new Scalar.ValueMLP(2, [hidden, hidden], 1, Activation.ReLU, Activation.Identity, seed: 1337);
        var scores = new Value[data.Count];
        var signs = new double[data.Count];
        for (int i = 0; i < data.Count; i++)
        {
            scores[i] = model.Predict(data.Features[i]);
            signs[i] = data.Labels[i] == 1 ? 1.0 : -1.0;
        }
        return Scalar.ScalarLosses.Hinge(scores, signs);
    }

    /// <param name="loss">The graph's output.</param>
    /// <param name="full">True: every node (GraphOptions.Full); false: the default view (collapsed to
    /// the <see cref="GraphOptions.DefaultMaxNodes"/> nodes nearest the output).</param>
    public GraphRender(Value loss, bool full)
    {
        _loss = loss;
        _options = full ? GraphOptions.Full : null;
        _view = full ? "full" : "default";
        Nodes = loss.TopologicalOrder().Count;
        Drawn = loss.Graph(_options).Model.Nodes.Count;
        HtmlChars = loss.Graph(_options).ToHtml().Length;
    }

    public int Nodes { get; }
    public int Drawn { get; }
    public int HtmlChars { get; }
    public override string Name => $"graph-{_view}";
    public override void Step() => _loss.Graph(_options).ToHtml();
}
