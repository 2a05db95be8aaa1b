using System.Numerics;
using Backprop.Kernels;
using System.Numerics.Tensors;

namespace Backprop.NN;

public static partial class Functional
{
    /// <summary>
    /// Softmax cross-entropy (log-softmax + negative log-likelihood fused), averaged over the N samples:
    /// L = (1/N)·Σₙ [log Σ_c e^{z_nc} − z_{n,yₙ}], with the log-sum-exp taken around each row's maximum, so
    /// logits of ±1000 give a finite loss. ∂L/∂z = (softmax(z) − onehot(y))/N.
    /// </summary>
    /// <param name="logits">z: [N, C] raw class scores.</param>
    /// <param name="labels">yₙ ∈ [0, C): one class index per row.</param>
    /// <exception cref="ShapeMismatchException">logits is not [N, C] with N = labels.Length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, C).</exception>
    public static Tensor CrossEntropy(Tensor logits, int[] labels)
    {
        CheckLabels("cross_entropy", logits, labels, "logits");
        int n = logits.Shape[0], c = logits.Shape[1];
        // Saved for the backward step, per row: the max m and s = Σ e^{z − m}, so softmax = e^{z − m}/s
        // (z − m is exact in float32 near the max, unlike z − lse), and a copy of the labels (exact as doubles).
        // One buffer, pooled inside a Tensor.Scope() and released with the step's other tensors.
        Tensor saved = Tensor.SavedForBackward("cross_entropy's saved row statistics", [3, n]);
        Span<double> all = saved.Data<double>();
        Span<double> rowMax = all[..n], rowSum = all.Slice(n, n), y = all[(2 * n)..];
        for (int i = 0; i < n; i++) y[i] = labels[i];
        double total = logits.DType == DType.Float32
            ? CrossEntropySum<float>(logits, labels, c, rowMax, rowSum)
            : CrossEntropySum<double>(logits, labels, c, rowMax, rowSum);
        Tensor loss = ScalarResult(logits.DType, total / n);
        return Tensor.Record(CrossEntropyLabelsOp, loss, [logits], ctx =>
        {
            if (ctx.DType == DType.Float32) CrossEntropyBackward<float>(ctx, saved, c);
            else CrossEntropyBackward<double>(ctx, saved, c);
        });
    }

    private static double CrossEntropySum<T>(Tensor logits, int[] labels, int c, Span<double> rowMax, Span<double> rowSum) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> z = logits.Data<T>();
        using var scratch = new Scratch<T>(c);
        Span<T> e = scratch.Span;
        double total = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            ReadOnlySpan<T> row = z.Slice(i * c, c);
            T max = SpanMax.Of(row);
            TensorPrimitives.Subtract(row, max, e);
            VectorMath.Exp<T>(e, e);
            // lse = m + log Σ e^{z − m}; the row's loss is lse − z_y
            rowMax[i] = double.CreateTruncating(max);
            rowSum[i] = double.CreateTruncating(FixedOrder.Sum<T>(e));
            double lse = rowMax[i] + Math.Log(rowSum[i]);
            total += lse - double.CreateTruncating(row[labels[i]]);
        }
        return total;
    }

    private static void CrossEntropyBackward<T>(BackwardContext ctx, Tensor saved, int c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!ctx.NeedsGrad(0)) return;
        ReadOnlySpan<double> all = saved.Data<double>();
        int n = all.Length / 3;
        ReadOnlySpan<double> rowMax = all[..n], rowSum = all.Slice(n, n), labels = all[(2 * n)..];
        T factor = ctx.Upstream<T>()[0] / T.CreateTruncating(n);
        ReadOnlySpan<T> z = ctx.Input(0).Data<T>();
        Span<T> dz = ctx.Grad<T>(0);
        using var scratch = new Scratch<T>(c);
        Span<T> p = scratch.Span;
        for (int i = 0; i < n; i++)
        {
            TensorPrimitives.Subtract(z.Slice(i * c, c), T.CreateTruncating(rowMax[i]), p);
            VectorMath.Exp<T>(p, p);
            TensorPrimitives.Multiply(p, T.CreateTruncating(1.0 / rowSum[i]), p);   // softmax row
            p[(int)labels[i]] -= T.One;                                     // − onehot
            Span<T> row = dz.Slice(i * c, c);
            TensorPrimitives.MultiplyAdd(p, factor, row, row);
        }
    }
}
