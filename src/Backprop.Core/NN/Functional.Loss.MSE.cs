using System.Numerics;
using Backprop.Kernels;
using System.Numerics.Tensors;

namespace Backprop.NN;

public static partial class Functional
{
    private static readonly TensorOp MeanSquaredErrorOp = new("mse", "2(ŷ − y)/n", "−2(ŷ − y)/n"), HalfSquaredErrorOp = new("mse_half", "ŷ − y", "y − ŷ");

    /// <summary>
    /// Squared error between predictions ŷ and targets y (same shape):
    /// mean (default, PyTorch's MSELoss): L = (1/n)·Σ(ŷ − y)², ∂L/∂ŷ = (2/n)(ŷ − y);
    /// half (the notes' form): L = ½·Σ(ŷ − y)² summed over all n elements, ∂L/∂ŷ = ŷ − y.
    /// </summary>
    /// <param name="prediction">ŷ.</param>
    /// <param name="target">y (gradients flow into it too if it requires them: ∂L/∂y = −∂L/∂ŷ).</param>
    /// <param name="half">False: mean of squares. True: ½ × sum of squares.</param>
    /// <exception cref="ShapeMismatchException">The shapes differ.</exception>
    public static Tensor MSE(Tensor prediction, Tensor target, bool half = false)
    {
        CheckSameShape("mse", prediction, target, "predictions");
        int n = prediction.ElementCount;
        double scale = half ? 0.5 : 1.0 / n;   // L = scale·Σd²
        double sumSquares = prediction.DType == DType.Float32
            ? SumSquaredDifference<float>(prediction, target)
            : SumSquaredDifference<double>(prediction, target);
        Tensor loss = ScalarResult(prediction.DType, scale * sumSquares);
        return Tensor.Record(half ? HalfSquaredErrorOp : MeanSquaredErrorOp, loss, [prediction, target], ctx =>
        {
            if (ctx.DType == DType.Float32) MseBackward<float>(ctx, 2 * scale);
            else MseBackward<double>(ctx, 2 * scale);
        });
    }

    private static double SumSquaredDifference<T>(Tensor prediction, Tensor target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var d = new Scratch<T>(prediction.ElementCount);
        TensorPrimitives.Subtract<T>(prediction.Data<T>(), target.Data<T>(), d.Span);
        TensorPrimitives.Multiply<T>(d.Span, d.Span, d.Span);
        return double.CreateTruncating(FixedOrder.Sum<T>(d.Span));
    }

    // ∂L/∂ŷ = g·2·scale·(ŷ − y), ∂L/∂y = −∂L/∂ŷ.
    private static void MseBackward<T>(BackwardContext ctx, double twoScale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T factor = T.CreateTruncating(twoScale) * ctx.Upstream<T>()[0];
        using var d = new Scratch<T>(ctx.Input(0).ElementCount);
        TensorPrimitives.Subtract<T>(ctx.Input(0).Data<T>(), ctx.Input(1).Data<T>(), d.Span);
        if (ctx.NeedsGrad(0)) { Span<T> g = ctx.Grad<T>(0); TensorPrimitives.MultiplyAdd(d.Span, factor, g, g); }
        if (ctx.NeedsGrad(1)) { Span<T> g = ctx.Grad<T>(1); TensorPrimitives.MultiplyAdd(d.Span, -factor, g, g); }
    }
}
