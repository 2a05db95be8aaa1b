using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop;

/// <summary>
/// An elementwise function y = f(x; p) declared once, as TensorPrimitives declares its operators: a struct of static
/// members holding the op's name and derivative formula (<see cref="Describe"/>), its forward map and its local
/// derivative. p holds the op's constants (see <see cref="UnaryParameters"/>), passed by the driver. <see cref="Backward{T}"/> must <b>add</b> dy · f′(x) into dx (it
/// may use t as scratch); <see cref="Reads"/> says which of x and y it reads (their versions are checked before it runs).
/// </summary>
internal interface IUnaryOperator
{
    /// <summary>The recorded op for parameter p: its name and ∂y/∂x as a formula.</summary>
    static abstract TensorOp Describe(UnaryParameters p);

    /// <summary>Which of x and y the backward step reads.</summary>
    static abstract Saved Reads { get; }

    /// <summary>Work of the forward map per element, relative to a copy's 1 (exp, tanh and the other transcendental
    /// functions: 10). The driver splits a map over two threads (<see cref="Kernels.Halves"/>) once its elements times
    /// this cost reach <see cref="Kernels.Halves.MinElements"/>, so costly maps split sooner.</summary>
    static virtual int Cost => 1;

    /// <summary>y = f(x; p) (y may be x).</summary>
    static abstract void Forward<T>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>dx += dy · f′(x; p), with y = f(x; p) and t scratch of the same length.</summary>
    static abstract void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t)
        where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>An elementwise function computed one element at a time (by the C runtime: sin, cos): its op, f and f′.
/// <see cref="ElementwiseOperator{TFn}"/> makes it an <see cref="IUnaryOperator"/>.</summary>
internal interface IElementFunction
{
    /// <summary>The recorded op: its name and ∂y/∂x as a formula.</summary>
    static abstract TensorOp Op { get; }

    /// <summary>f(x).</summary>
    static abstract T Value<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>f′(x).</summary>
    static abstract T Derivative<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>The operator of a per-element function: y = f(x) and dx += dy · f′(x), element by element, so the
/// result does not depend on the SIMD path.</summary>
internal readonly struct ElementwiseOperator<TFn> : IUnaryOperator where TFn : IElementFunction
{
    public static Saved Reads => Saved.Inputs;
    public static int Cost => Tensor.TranscendentalCost;
    public static TensorOp Describe(UnaryParameters p) => TFn.Op;

    public static void Forward<T>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = TFn.Value(x[i]);
    }

    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) t[i] = TFn.Derivative(x[i]);
        TensorPrimitives.FusedMultiplyAdd(dy, t, dx, dx);
    }
}

/// <summary>The constants of an elementwise op (the exponent of pow, the slope of leaky_relu, the bounds of clamp);
/// a single number converts implicitly. Unused ones are 0.</summary>
internal readonly record struct UnaryParameters(double A, double B = 0)
{
    public static implicit operator UnaryParameters(double a) => new(a);
}

// The one driver of every elementwise function: the static form (Tensor.Exp(t)) and the instance form (t.Exp()) both
// go through Map. The static names are the ones F# looks for, so `exp t`, `sin t`, `tanh t` and `t ** 2.0` work.
public sealed partial class Tensor
{
    private static Tensor Map<TOp>(Tensor x, UnaryParameters p = default) where TOp : IUnaryOperator
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor y = x.NewUninitialized(); // Forward writes every element
        DTypeSwitch.Invoke(x.DType, new UnaryForward<TOp>(x, p, y));
        return Record(TOp.Describe(p), y, [x], ctx => DTypeSwitch.Invoke(ctx.DType, new UnaryBackward<TOp>(ctx, p)), TOp.Reads);
    }

    /// <summary>y = f(x; p) over whole tensors of one dtype.</summary>
    private readonly struct UnaryForward<TOp>(Tensor x, UnaryParameters p, Tensor y) : IDTypeAction where TOp : IUnaryOperator
    {
        public void Invoke<T>() where T : unmanaged, IFloatingPointIeee754<T> => MapForward<T, TOp>(x.Data<T>(), p, y.Data<T>());
    }

    /// <summary>The recorded backward step: dx += dy · f′(x; p).</summary>
    private readonly struct UnaryBackward<TOp>(BackwardContext ctx, UnaryParameters p) : IDTypeAction where TOp : IUnaryOperator
    {
        public void Invoke<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            ReadOnlySpan<T> dy = ctx.Upstream<T>();
            using var scratch = new Scratch<T>(dy.Length);
            MapBackward<T, TOp>(ctx.Input(0).Data<T>(), ctx.Result<T>(), dy, p, ctx.Grad<T>(0), scratch.Span);
        }
    }
}
