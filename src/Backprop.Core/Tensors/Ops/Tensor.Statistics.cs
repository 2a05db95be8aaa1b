using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop;

// Reductions beyond sum/mean/max: min and arg-min, variance and standard deviation, log-sum-exp; and clamp.
// They walk each reduced slice with a stride (x[(o·n + j)·inner + i] for j < n), so any axis works.
public sealed partial class Tensor
{
    /// <summary>The smallest element, as a rank-0 tensor. The gradient is shared equally by every element equal
    /// to the minimum (PyTorch's rule for a full reduction).</summary>
    /// <exception cref="InvalidOperationException">The tensor is empty.</exception>
    public Tensor Min()
    {
        if (ElementCount == 0) throw new InvalidOperationException($"min: the tensor of shape {Shapes.Format(_shape)} is empty; expected at least one element.");
        Tensor negated = Negated();
        int arg = DType == DType.Float32 ? FirstIndexOfMax<float>(negated.Data<float>()) : FirstIndexOfMax<double>(negated.Data<double>());
        Tensor y = NewZeros([]);
        y.SetFlat(0, GetFlat(arg));
        return Record(MinOp, y, [this], ctx =>
        {
            // The same rule as Max: equality with the result picks the elements that share the gradient.
            if (ctx.DType == DType.Float32) ShareAmongMaxima<float>(ctx.Input(0).Data<float>(), ctx.Result<float>()[0], ctx.Upstream<float>()[0], ctx.Grad<float>(0));
            else ShareAmongMaxima<double>(ctx.Input(0).Data<double>(), ctx.Result<double>()[0], ctx.Upstream<double>()[0], ctx.Grad<double>(0));
        });
    }

    /// <summary>The smallest element along <paramref name="axis"/>. The gradient goes to the arg-min of each
    /// slice (the first one on ties).</summary>
    /// <exception cref="InvalidOperationException">The axis is empty.</exception>
    public Tensor Min(int axis, bool keepDim = false)
    {
        (int[] arg, int[] shape, int n, int inner) = ArgMinAxis("min", axis, keepDim);
        Tensor y = NewUninitialized(shape);
        for (int p = 0; p < arg.Length; p++)
        {
            int o = p / inner;
            y.SetFlat(p, GetFlat((o * n + arg[p]) * inner + p - o * inner));
        }
        return Record(MinOp, y, [this], ctx =>
        {
            if (ctx.DType == DType.Float32) ScatterToArgMax<float>(ctx.Upstream<float>(), ctx.Grad<float>(0), arg, n, inner);
            else ScatterToArgMax<double>(ctx.Upstream<double>(), ctx.Grad<double>(0), arg, n, inner);
        }, Saved.None);
    }

    /// <summary>The index of the smallest element along <paramref name="axis"/> for every other position (first on
    /// ties; NaN counts as the smallest, as in PyTorch), row-major.</summary>
    /// <exception cref="InvalidOperationException">The axis is empty.</exception>
    public int[] ArgMin(int axis = -1) => ArgMinAxis("ArgMin", axis, keepDim: false).Arg;

    // The arg-min along an axis is the arg-max of −x (ties and NaN behave the same way).
    private (int[] Arg, int[] Shape, int N, int Inner) ArgMinAxis(string op, int axis, bool keepDim)
    {
        int a = Shapes.NormalizeAxis(op, axis, _shape);
        (int outer, int n, int inner) = Shapes.Split(_shape, a);
        if (n == 0) throw new InvalidOperationException($"{op}: axis {axis} of shape {Shapes.Format(_shape)} is empty; expected at least one element.");
        int[] shape = Shapes.Reduce(_shape, a, keepDim);
        var arg = new int[outer * inner];
        Tensor negated = Negated(), scratch = NewZeros(shape);
        if (DType == DType.Float32) MaxAxisForward<float>(negated.Data<float>(), scratch.Data<float>(), arg, outer, n, inner);
        else MaxAxisForward<double>(negated.Data<double>(), scratch.Data<double>(), arg, outer, n, inner);
        return (arg, shape, n, inner);
    }

    private Tensor Negated()
    {
        Tensor t = NewUninitialized();
        if (DType == DType.Float32) TensorPrimitives.Negate<float>(Data<float>(), t.Data<float>());
        else TensorPrimitives.Negate<double>(Data<double>(), t.Data<double>());
        return t;
    }

    /// <summary>
    /// The variance Σ(x − x̄)² / (n − <paramref name="correction"/>) over all elements (rank 0, or all sizes 1 with
    /// <paramref name="keepDim"/>) or along <paramref name="axis"/>, like PyTorch's <c>var</c>: the default
    /// correction 1 is the unbiased (Bessel) estimate, 0 the population variance. n ≤ correction gives NaN or ∞, as
    /// in PyTorch. ∂var/∂xⱼ = 2(xⱼ − x̄)/(n − correction) (the x̄ term cancels because Σ(x − x̄) = 0).
    /// </summary>
    public Tensor Var(int? axis = null, bool keepDim = false, int correction = 1) => Moment(VarOp, axis, keepDim, correction, std: false);

    /// <summary>
    /// The standard deviation √var (see <see cref="Var"/>, with the same <paramref name="correction"/>, default 1).
    /// ∂std/∂xⱼ = (xⱼ − x̄)/((n − correction)·std).
    /// </summary>
    public Tensor Std(int? axis = null, bool keepDim = false, int correction = 1) => Moment(StdOp, axis, keepDim, correction, std: true);

    private static readonly TensorOp MinOp = new("min", "𝟙[argmin]"), VarOp = new("var", "2(x − μ)/(n − c)"), StdOp = new("std", "(x − μ)/((n − c)·y)"),
        LogSumExpOp = new("logsumexp", "softmax x");

    private Tensor Moment(TensorOp op, int? axis, bool keepDim, int correction, bool std)
    {
        (int outer, int n, int inner, int[] shape) = ReductionLayout(op.Name, axis, keepDim);
        double divisor = Math.Max(0, n - correction);
        Tensor y = NewUninitialized(shape);
        if (DType == DType.Float32) MomentForward<float>(Data<float>(), y.Data<float>(), outer, n, inner, (float)divisor, std);
        else MomentForward<double>(Data<double>(), y.Data<double>(), outer, n, inner, divisor, std);
        return Record(op, y, [this], ctx =>
        {
            if (ctx.DType == DType.Float32) MomentBackward<float>(ctx, outer, n, inner, (float)divisor, std);
            else MomentBackward<double>(ctx, outer, n, inner, divisor, std);
        });
    }

    // [outer, n, inner] around the axis, and the result shape; no axis: every element in one slice.
    private (int Outer, int N, int Inner, int[] Shape) ReductionLayout(string op, int? axis, bool keepDim)
    {
        if (axis is not int given) return (1, ElementCount, 1, keepDim ? Enumerable.Repeat(1, Rank).ToArray() : []);
        int a = Shapes.NormalizeAxis(op, given, _shape);
        (int outer, int n, int inner) = Shapes.Split(_shape, a);
        return (outer, n, inner, Shapes.Reduce(_shape, a, keepDim));
    }

    private static T SliceMean<T>(ReadOnlySpan<T> x, int start, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        for (int j = 0; j < n; j++) sum += x[start + j * inner];
        return sum / T.CreateTruncating(n);
    }

    private static void MomentForward<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int n, int inner, T divisor, bool std) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < outer * inner; p++)
        {
            int start = p / inner * n * inner + p % inner;
            T mean = SliceMean(x, start, n, inner), squares = T.Zero;
            for (int j = 0; j < n; j++)
            {
                T d = x[start + j * inner] - mean;
                squares += d * d;
            }
            T variance = squares / divisor;
            y[p] = std ? T.Sqrt(variance) : variance;
        }
    }

    private static void MomentBackward<T>(BackwardContext ctx, int outer, int n, int inner, T divisor, bool std) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> x = ctx.Input(0).Data<T>(), y = ctx.Result<T>(), dy = ctx.Upstream<T>();
        Span<T> dx = ctx.Grad<T>(0);
        for (int p = 0; p < outer * inner; p++)
        {
            int start = p / inner * n * inner + p % inner;
            T mean = SliceMean(x, start, n, inner);
            T scale = std ? dy[p] / (divisor * y[p]) : T.CreateTruncating(2) * dy[p] / divisor;
            for (int j = 0; j < n; j++) dx[start + j * inner] += scale * (x[start + j * inner] - mean);
        }
    }

    /// <summary>
    /// log Σ exp(x) over all elements or along <paramref name="axis"/>, computed stably as m + log Σ exp(x − m) with
    /// m the slice maximum (PyTorch's <c>logsumexp</c>). ∂y/∂xⱼ = exp(xⱼ − y): the softmax of the slice.
    /// </summary>
    public Tensor LogSumExp(int? axis = null, bool keepDim = false)
    {
        (int outer, int n, int inner, int[] shape) = ReductionLayout("logsumexp", axis, keepDim);
        Tensor y = NewUninitialized(shape);
        if (DType == DType.Float32) LogSumExpForward<float>(Data<float>(), y.Data<float>(), outer, n, inner);
        else LogSumExpForward<double>(Data<double>(), y.Data<double>(), outer, n, inner);
        return Record(LogSumExpOp, y, [this], ctx =>
        {
            if (ctx.DType == DType.Float32) LogSumExpBackward<float>(ctx, outer, n, inner);
            else LogSumExpBackward<double>(ctx, outer, n, inner);
        });
    }

    private static void LogSumExpForward<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < outer * inner; p++)
        {
            int start = p / inner * n * inner + p % inner;
            T max = T.NegativeInfinity;
            for (int j = 0; j < n; j++) max = T.MaxNumber(max, x[start + j * inner]);
            T shift = T.IsInfinity(max) ? T.Zero : max; // all −∞ (or an +∞): no shift, as PyTorch does
            T sum = T.Zero;
            for (int j = 0; j < n; j++) sum += T.Exp(x[start + j * inner] - shift);
            y[p] = T.Log(sum) + shift;
        }
    }

    private static void LogSumExpBackward<T>(BackwardContext ctx, int outer, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> x = ctx.Input(0).Data<T>(), y = ctx.Result<T>(), dy = ctx.Upstream<T>();
        Span<T> dx = ctx.Grad<T>(0);
        for (int p = 0; p < outer * inner; p++)
        {
            int start = p / inner * n * inner + p % inner;
            for (int j = 0; j < n; j++) dx[start + j * inner] += dy[p] * T.Exp(x[start + j * inner] - y[p]);
        }
    }

    /// <summary>
    /// Each element limited to [<paramref name="min"/>, <paramref name="max"/>] (either bound may be omitted), like
    /// PyTorch's <c>clamp</c>; NaN stays NaN. ∂y/∂x = 1 where min ≤ x ≤ max (bounds included, as in PyTorch), else 0.
    /// </summary>
    /// <exception cref="ArgumentException">Both bounds are omitted.</exception>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null)
            throw new ArgumentException($"clamp: no bounds given for the tensor of shape {Shapes.Format(_shape)}; expected a min, a max or both.", nameof(min));
        return Map<ClampOperator>(this, new UnaryParameters(min ?? double.NegativeInfinity, max ?? double.PositiveInfinity));
    }

    /// <summary>clamp to [p.A, p.B].</summary>
    private readonly struct ClampOperator : IUnaryOperator
    {
        private static readonly TensorOp s_op = new("clamp", "𝟙[min ≤ x ≤ max]");
        public static Saved Reads => Saved.Inputs;
        public static TensorOp Describe(UnaryParameters p) => s_op;

        public static void Forward<T>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T lo = Cast<T>(p.A), hi = Cast<T>(p.B);
            for (int i = 0; i < y.Length; i++)
            {
                T v = x[i] < lo ? lo : x[i]; // NaN fails both tests and stays NaN
                y[i] = v > hi ? hi : v;      // min > max gives max everywhere, as in PyTorch
            }
        }

        public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T lo = Cast<T>(p.A), hi = Cast<T>(p.B);
            for (int i = 0; i < dx.Length; i++)
                if (x[i] >= lo && x[i] <= hi) dx[i] += dy[i];
        }
    }
}
