using System.Numerics;
using Backprop.Kernels;
using System.Numerics.Tensors;

namespace Backprop.NN;

public static partial class Functional
{
    private static readonly TensorOp BceWithLogitsOp = new("bce_logits", "(σ(x) − y)/n", "−x/n");

    /// <summary>
    /// Binary cross-entropy on logits x with targets y ∈ [0, 1] (same shape), averaged over all n elements:
    /// L = (1/n)·Σ −[y·log σ(x) + (1 − y)·log(1 − σ(x))], computed in the stable form
    /// max(x, 0) − x·y + log(1 + e^−|x|) (finite for any finite x). ∂L/∂x = (σ(x) − y)/n.
    /// </summary>
    /// <param name="logits">x (raw scores, before the sigmoid).</param>
    /// <param name="targets">y (∂L/∂y = −x/n if it requires gradients).</param>
    /// <exception cref="ShapeMismatchException">The shapes differ.</exception>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets)
    {
        CheckSameShape("bce_logits", logits, targets, "logits");
        int n = logits.ElementCount;
        double sum = logits.DType == DType.Float32 ? BceSum<float>(logits, targets) : BceSum<double>(logits, targets);
        Tensor loss = ScalarResult(logits.DType, sum / n);
        return Tensor.Record(BceWithLogitsOp, loss, [logits, targets], ctx =>
        {
            if (ctx.DType == DType.Float32) BceBackward<float>(ctx, 1.0 / n);
            else BceBackward<double>(ctx, 1.0 / n);
        });
    }

    // Σ max(x, 0) − Σ x·y + Σ log(1 + e^−|x|)
    private static double BceSum<T>(Tensor logits, Tensor targets) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> x = logits.Data<T>(), y = targets.Data<T>();
        using var scratch = new Scratch<T>(x.Length);
        Span<T> t = scratch.Span;
        TensorPrimitives.Abs(x, t);
        TensorPrimitives.Negate<T>(t, t);
        VectorMath.Exp<T>(t, t);
        TensorPrimitives.Add<T>(t, T.One, t);
        VectorMath.Log<T>(t, t);
        T softplus = FixedOrder.Sum<T>(t);
        TensorPrimitives.Multiply(x, y, t);
        T xy = FixedOrder.Sum<T>(t);
        TensorPrimitives.Max(x, T.Zero, t);
        T positive = FixedOrder.Sum<T>(t);
        return double.CreateTruncating(positive) - double.CreateTruncating(xy) + double.CreateTruncating(softplus);
    }

    private static void BceBackward<T>(BackwardContext ctx, double invN) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T factor = T.CreateTruncating(invN) * ctx.Upstream<T>()[0];
        ReadOnlySpan<T> x = ctx.Input(0).Data<T>(), y = ctx.Input(1).Data<T>();
        if (ctx.NeedsGrad(0))
        {
            using var scratch = new Scratch<T>(x.Length);
            Span<T> s = scratch.Span;
            VectorMath.Sigmoid<T>(x, s);
            TensorPrimitives.Subtract<T>(s, y, s);                        // σ(x) − y
            Span<T> g = ctx.Grad<T>(0);
            TensorPrimitives.MultiplyAdd(s, factor, g, g);
        }
        if (ctx.NeedsGrad(1)) { Span<T> g = ctx.Grad<T>(1); TensorPrimitives.MultiplyAdd(x, -factor, g, g); }
    }
}
