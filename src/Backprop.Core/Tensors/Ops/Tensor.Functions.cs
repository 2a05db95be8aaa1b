using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop;

/// <summary>
/// An elementwise function y = f(x), declared as its forward map and its local derivative in one place.
/// <see cref="Backward{T}"/> must <b>add</b> dy · f′(x) into dx (it may use <c>t</c> as scratch).
/// <see cref="Reads"/> says which of x and y it reads (their versions are checked before it runs).
/// </summary>
internal interface IUnaryFunction
{
    string Name { get; }
    Saved Reads { get; }
    void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
    void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>;
}

// Elementary functions. Each is declared once, as a struct holding its forward map and its local derivative;
// the static form (Tensor.Exp(t)) and the instance form (t.Exp()) both go through Map. The static names are
// the ones F# looks for, so `exp t`, `log t`, `sqrt t`, `abs t`, `tanh t` and `t ** 2.0` work.
public sealed partial class Tensor
{
    private static Tensor Map<TFn>(Tensor x, TFn fn) where TFn : struct, IUnaryFunction
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor y = x.NewUninitialized(); // Forward writes every element
        if (x.DType == DType.Float32) MapForward<float, TFn>(fn, x.Data<float>(), y.Data<float>());
        else MapForward<double, TFn>(fn, x.Data<double>(), y.Data<double>());
        return Record(fn.Name, y, [x], ctx =>
        {
            if (ctx.DType == DType.Float32) MapBackward<float, TFn>(ctx, fn);
            else MapBackward<double, TFn>(ctx, fn);
        }, fn.Reads);
    }

    private static void MapBackward<T, TFn>(BackwardContext ctx, TFn fn) where T : unmanaged, IFloatingPointIeee754<T> where TFn : struct, IUnaryFunction
    {
        ReadOnlySpan<T> dy = ctx.Upstream<T>();
        using var scratch = new Scratch<T>(dy.Length);
        MapBackward(fn, ctx.Input(0).Data<T>(), ctx.Result<T>(), dy, ctx.Grad<T>(0), scratch.Span);
    }

    /// <summary>xᵖ elementwise for a constant exponent. ∂/∂x = p·xᵖ⁻¹. (NaN for a negative base and a
    /// non-integer exponent, as in PyTorch; <see cref="DetectAnomaly"/> reports it.)</summary>
    public static Tensor Pow(Tensor x, double p) => Map(x, new PowFn(p));

    /// <summary>eˣ elementwise. ∂/∂x = eˣ = y.</summary>
    public static Tensor Exp(Tensor x) => Map(x, new ExpFn());

    /// <summary>ln x elementwise. ∂/∂x = 1/x.</summary>
    public static Tensor Log(Tensor x) => Map(x, new LogFn());

    /// <summary>√x elementwise. ∂/∂x = 1/(2√x) = 1/(2y).</summary>
    public static Tensor Sqrt(Tensor x) => Map(x, new SqrtFn());

    /// <summary>|x| elementwise. ∂/∂x = sign(x) (0 at 0, as in PyTorch).</summary>
    public static Tensor Abs(Tensor x) => Map(x, new AbsFn());

    /// <summary>tanh x elementwise. ∂/∂x = 1 − tanh²x = 1 − y².</summary>
    public static Tensor Tanh(Tensor x) => Map(x, new TanhFn());

    /// <summary>σ(x) = 1/(1 + e⁻ˣ) elementwise. ∂/∂x = σ(x)(1 − σ(x)) = y(1 − y).</summary>
    public static Tensor Sigmoid(Tensor x) => Map(x, new SigmoidFn());

    /// <summary>max(0, x) elementwise. ∂/∂x = 1 where x &gt; 0, else 0.</summary>
    public static Tensor Relu(Tensor x) => Map(x, new LeakyReluFn(0.0, "relu"));

    /// <summary>x where x &gt; 0, else slope·x. ∂/∂x = 1 where x &gt; 0, else slope.</summary>
    public static Tensor LeakyRelu(Tensor x, double slope = 0.01) => Map(x, new LeakyReluFn(slope, "leaky_relu"));

    /// <summary>xᵖ elementwise (see <see cref="Pow(Tensor, double)"/>).</summary>
    public Tensor Pow(double p) => Pow(this, p);
    /// <summary>eˣ elementwise.</summary>
    public Tensor Exp() => Exp(this);
    /// <summary>ln x elementwise.</summary>
    public Tensor Log() => Log(this);
    /// <summary>√x elementwise.</summary>
    public Tensor Sqrt() => Sqrt(this);
    /// <summary>|x| elementwise.</summary>
    public Tensor Abs() => Abs(this);
    /// <summary>tanh x elementwise.</summary>
    public Tensor Tanh() => Tanh(this);
    /// <summary>The logistic sigmoid elementwise.</summary>
    public Tensor Sigmoid() => Sigmoid(this);
    /// <summary>max(0, x) elementwise.</summary>
    public Tensor Relu() => Relu(this);
    /// <summary>Leaky ReLU elementwise.</summary>
    public Tensor LeakyRelu(double slope = 0.01) => LeakyRelu(this, slope);

    // ---- the functions --------------------------------------------------------------------------

    private readonly struct PowFn(double p) : IUnaryFunction
    {
        public Saved Reads => Saved.Inputs;
        public string Name => "^" + p.ToString("G6", CultureInfo.InvariantCulture);

        public void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (p == 2) TensorPrimitives.Multiply(x, x, y);
            else VectorMath.Pow(x, Cast<T>(p), y);
        }

        public void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (p == 0) return;                                               // x⁰ is constant: no gradient (not 0·x⁻¹)
            if (p == 2) TensorPrimitives.Multiply(x, Cast<T>(2), t);          // 2x
            else
            {
                VectorMath.Pow(x, Cast<T>(p - 1), t);                   // p·xᵖ⁻¹
                TensorPrimitives.Multiply(t, Cast<T>(p), t);
            }
            TensorPrimitives.FusedMultiplyAdd(dy, t, dx, dx);
        }
    }

    private readonly struct ExpFn : IUnaryFunction
    {
        public Saved Reads => Saved.Result;
        public string Name => "exp";
        public void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Exp(x, y);
        public void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T> =>
            TensorPrimitives.FusedMultiplyAdd(dy, y, dx, dx);
    }

    private readonly struct LogFn : IUnaryFunction
    {
        public Saved Reads => Saved.Inputs;
        public string Name => "log";
        public void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Log(x, y);
        public void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            TensorPrimitives.Divide(dy, x, t);
            TensorPrimitives.Add(dx, t, dx);
        }
    }

    private readonly struct SqrtFn : IUnaryFunction
    {
        public Saved Reads => Saved.Result;
        public string Name => "sqrt";
        public void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, y);
        public void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            TensorPrimitives.Divide(dy, y, t);
            TensorPrimitives.MultiplyAdd(t, Cast<T>(0.5), dx, dx);
        }
    }

    private readonly struct AbsFn : IUnaryFunction
    {
        public Saved Reads => Saved.Inputs;
        public string Name => "abs";
        public void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, y);
        public void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < dx.Length; i++)
                if (x[i] > T.Zero) dx[i] += dy[i];
                else if (x[i] < T.Zero) dx[i] -= dy[i];
        }
    }

    private readonly struct TanhFn : IUnaryFunction
    {
        public Saved Reads => Saved.Result;
        public string Name => "tanh";
        public void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Tanh(x, y);
        public void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            TensorPrimitives.Multiply(y, y, t);
            TensorPrimitives.Subtract(T.One, t, t);           // 1 − y²
            TensorPrimitives.FusedMultiplyAdd(dy, t, dx, dx);
        }
    }

    private readonly struct SigmoidFn : IUnaryFunction
    {
        public Saved Reads => Saved.Result;
        public string Name => "sigmoid";
        public void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Sigmoid(x, y);
        public void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            TensorPrimitives.Subtract(T.One, y, t);
            TensorPrimitives.Multiply(t, y, t);                // y(1 − y)
            TensorPrimitives.FusedMultiplyAdd(dy, t, dx, dx);
        }
    }

    // ReLU is the leaky ReLU with slope 0.
    private readonly struct LeakyReluFn(double slope, string name) : IUnaryFunction
    {
        public Saved Reads => Saved.Inputs;
        public string Name => name;

        public void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (slope == 0) { TensorPrimitives.Max(x, T.Zero, y); return; }
            T s = Cast<T>(slope);
            for (int i = 0; i < y.Length; i++) y[i] = x[i] > T.Zero ? x[i] : s * x[i];
        }

        public void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T s = Cast<T>(slope);
            for (int i = 0; i < dx.Length; i++)
                if (x[i] > T.Zero) dx[i] += dy[i];
                else if (slope != 0) dx[i] += s * dy[i];
        }
    }
}
