using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Kernels;

namespace Backprop.NN;

/// <summary>
/// Stateless fused operations on tensors (PyTorch's <c>torch.nn.functional</c>): each is ONE recorded
/// graph node with a hand-written backward step, declared together below.
/// </summary>
public static partial class Functional
{
    /// <summary>
    /// The fully connected layer as one graph node: Activation = f(Preactivation), Preactivation
    /// z = x·Wᵀ + b, for x of shape [..., in], W [out, in], b [out]; the result has shape [..., out].
    /// </summary>
    /// <remarks>
    /// Forward: one GEMM with the transpose flag on W (no transposed copy), the bias written into the output
    /// first so the GEMM accumulates onto it, then f in place. Backward, with Delta δ = ∂L/∂z = g ⊙ f′(z)
    /// (f′ read from the saved activation, see <see cref="Activation"/>):
    /// ∂x = δ·W, ∂W = δᵀ·x, ∂b = column sums of δ — again GEMMs with transpose flags.
    /// </remarks>
    /// <param name="input">x: [..., in] (a single sample [in] or a batch [N, in]).</param>
    /// <param name="weight">W: [out, in].</param>
    /// <param name="bias">b: [out], or null for no bias.</param>
    /// <param name="activation">The activation fused into the same node (default none).</param>
    /// <exception cref="ShapeMismatchException">The shapes do not fit together.</exception>
    /// <exception cref="ArgumentException">The dtypes differ.</exception>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null, Activation activation = Activation.Identity)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
            throw new ShapeMismatchException("linear", input.Shape, weight.Shape,
                $"linear: the weight has shape {Shapes.Format(weight.Shape)}; expected rank 2 ([out, in]) (input {Shapes.Format(input.Shape)}).");
        int outF = weight.Shape[0], inF = weight.Shape[1];
        if (input.Rank == 0 || input.Shape[^1] != inF)
            throw new ShapeMismatchException("linear", input.Shape, weight.Shape,
                $"linear: cannot apply a weight of shape {Shapes.Format(weight.Shape)} to an input of shape {Shapes.Format(input.Shape)}: " +
                $"expected the input's last dimension to be in_features = {inF}.");
        Shapes.CheckSameDType("linear", input, weight);
        if (bias is not null)
        {
            if (bias.Rank != 1 || bias.Shape[0] != outF)
                throw new ShapeMismatchException("linear", weight.Shape, bias.Shape,
                    $"linear: the bias has shape {Shapes.Format(bias.Shape)} but the weight has shape {Shapes.Format(weight.Shape)}; expected a bias of shape [{outF}].");
            Shapes.CheckSameDType("linear", weight, bias);
        }
        CheckFusable("linear", activation);

        int rows = 1;
        var outShape = new int[input.Rank];
        for (int d = 0; d < input.Rank - 1; d++) { rows *= input.Shape[d]; outShape[d] = input.Shape[d]; }
        outShape[^1] = outF;
        // With a bias, every element is written (bias copy, then the GEMM accumulates) before it is read, so
        // the storage need not be cleared; without one it stays zero-filled for the GEMM (β = 0).
        var result = bias is not null ? Tensor.Uninitialized(outShape, input.DType) : new Tensor(outShape, input.DType);
        bool hasBias = bias is not null;
        if (input.DType == DType.Float32) Forward<float>(input, weight, bias, result, rows, inF, outF, activation);
        else Forward<double>(input, weight, bias, result, rows, inF, outF, activation);

        Tensor[] parents = hasBias ? [input, weight, bias!] : [input, weight];
        return Tensor.Record(LinearOps[(int)activation], result, parents, ctx =>
        {
            if (ctx.DType == DType.Float32) Backward<float>(ctx, rows, inF, outF, activation, hasBias);
            else Backward<double>(ctx, rows, inF, outF, activation, hasBias);
        });
    }

    /// <summary>Refuses an activation that cannot be fused into a Linear node: Softmax (not elementwise) or an undefined value.</summary>
    internal static void CheckFusable(string op, Activation activation)
    {
        if (activation == Activation.Softmax || !Enum.IsDefined(activation))
            throw new ArgumentOutOfRangeException(nameof(activation), activation,
                $"{op}: cannot fuse the activation {activation}; expected Identity, ReLU, Tanh or Sigmoid (Softmax is not elementwise: put a Softmax module after the layer).");
    }

    // The recorded op per activation: ∂/∂x, ∂/∂W, ∂/∂b with δ = g ⊙ f′, f′ read from the activation's own op.
    private static readonly TensorOp[] LinearOps =
    [
        new("linear", "g·W", "gᵀ·x", "Σ g"),
        LinearOp("relu", Tensor.ReluOperator.Describe(default)),
        LinearOp("tanh", Tensor.TanhOperator.Describe(default)),
        LinearOp("sigmoid", Tensor.SigmoidOperator.Describe(default)),
    ];

    private static TensorOp LinearOp(string activation, TensorOp f)
    {
        string delta = $" (δ = g·{f.Derivative(0)})";
        return new("linear+" + activation, "δ·W" + delta, "δᵀ·x" + delta, "Σ δ" + delta);
    }

    private static void Forward<T>(Tensor input, Tensor weight, Tensor? bias, Tensor result, int rows, int inF, int outF, Activation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> y = result.Data<T>();
        T beta = T.Zero;
        if (bias is not null)
        {
            ReadOnlySpan<T> b = bias.Data<T>();
            for (int r = 0; r < rows; r++) b.CopyTo(y.Slice(r * outF, outF));
            beta = T.One;
        }
        // z = x·Wᵀ (+ b already in y)
        if (rows > 0 && outF > 0)
            TypedGemm.Multiply<T>(false, true, rows, outF, inF, input.Data<T>(), inF, weight.Data<T>(), inF, beta, y, outF);
        ApplyActivation(activation, y);
    }

    /// <summary>a = f(z) in place, by the activation's own operator.</summary>
    internal static void ApplyActivation<T>(Activation activation, Span<T> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (activation)
        {
            case Activation.ReLU: Tensor.ReluOperator.Forward<T>(z, 0, z); break;
            case Activation.Tanh: Tensor.TanhOperator.Forward<T>(z, 0, z); break;
            case Activation.Sigmoid: Tensor.SigmoidOperator.Forward<T>(z, 0, z); break;
        }
    }

    /// <summary>δ = g ⊙ f′, by the activation's own backward step, reading f′ through the saved activation a
    /// (for ReLU, a &gt; 0 exactly where z &gt; 0). t is scratch; both have g's length.</summary>
    internal static void ActivationDelta<T>(Activation activation, ReadOnlySpan<T> g, ReadOnlySpan<T> a, Span<T> delta, Span<T> t)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (activation == Activation.Identity) { g.CopyTo(delta); return; }
        delta.Clear();
        switch (activation)
        {
            case Activation.ReLU: Tensor.ReluOperator.Backward(a, a, g, 0, delta, t); break;
            case Activation.Tanh: Tensor.TanhOperator.Backward(a, a, g, 0, delta, t); break;
            case Activation.Sigmoid: Tensor.SigmoidOperator.Backward(a, a, g, 0, delta, t); break;
        }
    }

    private static void Backward<T>(BackwardContext ctx, int rows, int inF, int outF, Activation activation, bool hasBias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Empty sizes (rows, in or out = 0) still run: every gradient is then created, with its shape, as PyTorch does.
        ReadOnlySpan<T> g = ctx.Upstream<T>();
        using var scratch = new Scratch<T>(activation == Activation.Identity ? 0 : 2 * g.Length);
        ReadOnlySpan<T> delta = g;
        if (activation != Activation.Identity)
        {
            Span<T> d = scratch.Span[..g.Length];
            ActivationDelta(activation, g, ctx.Result<T>(), d, scratch.Span[g.Length..]);
            delta = d;
        }
        ReadOnlySpan<T> x = ctx.Input(0).Data<T>(), w = ctx.Input(1).Data<T>();
        if (ctx.NeedsGrad(0))               // ∂x += δ·W          [rows, out]·[out, in]
            TypedGemm.Multiply<T>(false, false, rows, inF, outF, delta, outF, w, inF, T.One, ctx.Grad<T>(0), inF);
        if (ctx.NeedsGrad(1))               // ∂W += δᵀ·x         [out, rows]·[rows, in]
            TypedGemm.Multiply<T>(true, false, outF, inF, rows, delta, outF, x, inF, T.One, ctx.Grad<T>(1), inF);
        if (hasBias && ctx.NeedsGrad(2))    // ∂b += Σ_rows δ
        {
            ColumnSums.AddTo(delta, rows, outF, ctx.Grad<T>(2));
        }
    }
}
