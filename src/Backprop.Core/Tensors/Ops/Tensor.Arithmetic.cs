using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop;

// + − × ÷ with NumPy broadcasting. Each gradient is summed back over the dimensions its operand was
// broadcast along, so it always has the operand's own shape.
public sealed partial class Tensor
{
    // ---- tensor ∘ tensor ------------------------------------------------------------------------

    /// <summary>a + b, broadcasting. ∂/∂a = 1, ∂/∂b = 1.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        Broadcast bc = Broadcast.Of(AddOperator.Op.Name, a, b);
        return Record(AddOperator.Op, Forward<AddOperator>(bc, a, b), [a, b], ctx =>
            DTypeSwitch.Invoke(ctx.DType, new AddBackward(ctx, bc, subtract: false)), Saved.None);
    }

    /// <summary>a − b, broadcasting. ∂/∂a = 1, ∂/∂b = −1.</summary>
    public static Tensor Subtract(Tensor a, Tensor b)
    {
        Broadcast bc = Broadcast.Of(SubtractOperator.Op.Name, a, b);
        return Record(SubtractOperator.Op, Forward<SubtractOperator>(bc, a, b), [a, b], ctx =>
            DTypeSwitch.Invoke(ctx.DType, new AddBackward(ctx, bc, subtract: true)), Saved.None);
    }

    /// <summary>The backward step of add and sub: each operand gets ±dy summed over its broadcast dimensions.</summary>
    private readonly struct AddBackward(BackwardContext ctx, Broadcast bc, bool subtract) : IDTypeAction
    {
        public void Invoke<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            ReadOnlySpan<T> dy = ctx.Upstream<T>();
            if (ctx.NeedsGrad(0)) bc.AOverResult.ReduceInto(dy, ctx.Grad<T>(0), subtract: false);
            if (ctx.NeedsGrad(1)) bc.BOverResult.ReduceInto(dy, ctx.Grad<T>(1), subtract);
        }
    }

    /// <summary>a · b elementwise, broadcasting. ∂/∂a = b, ∂/∂b = a.</summary>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        Broadcast bc = Broadcast.Of(MultiplyOperator.Op.Name, a, b);
        return Record(MultiplyOperator.Op, Forward<MultiplyOperator>(bc, a, b), [a, b], ctx =>
            DTypeSwitch.Invoke(ctx.DType, new MultiplyBackward(ctx, bc)), Saved.Inputs);
    }

    /// <summary>The backward step of mul.</summary>
    private readonly struct MultiplyBackward(BackwardContext ctx, Broadcast bc) : IDTypeAction
    {
        public void Invoke<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            ReadOnlySpan<T> dy = ctx.Upstream<T>(), a = ctx.Input(0).Data<T>(), b = ctx.Input(1).Data<T>();
            if (bc.Same)
            {
                if (ctx.NeedsGrad(0)) { Span<T> da = ctx.Grad<T>(0); TensorPrimitives.FusedMultiplyAdd(dy, b, da, da); }
                if (ctx.NeedsGrad(1)) { Span<T> db = ctx.Grad<T>(1); TensorPrimitives.FusedMultiplyAdd(dy, a, db, db); }
                return;
            }
            using var scratch = new Scratch<T>(dy.Length);
            Span<T> t = scratch.Span;
            if (ctx.NeedsGrad(0))
            {
                bc.BOverResult.Apply<T, MultiplyOperator>(b, dy, t);   // dy · b
                bc.AOverResult.ReduceInto<T>(t, ctx.Grad<T>(0), subtract: false);
            }
            if (ctx.NeedsGrad(1))
            {
                bc.AOverResult.Apply<T, MultiplyOperator>(a, dy, t);   // dy · a
                bc.BOverResult.ReduceInto<T>(t, ctx.Grad<T>(1), subtract: false);
            }
        }
    }

    /// <summary>a / b elementwise, broadcasting. ∂/∂a = 1/b, ∂/∂b = −a/b² = −y/b.</summary>
    public static Tensor Divide(Tensor a, Tensor b)
    {
        Broadcast bc = Broadcast.Of(DivideOperator.Op.Name, a, b);
        return Record(DivideOperator.Op, Forward<DivideOperator>(bc, a, b), [a, b], ctx =>
            DTypeSwitch.Invoke(ctx.DType, new DivideBackward(ctx, bc)));
    }

    /// <summary>The backward step of div.</summary>
    private readonly struct DivideBackward(BackwardContext ctx, Broadcast bc) : IDTypeAction
    {
        public void Invoke<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            ReadOnlySpan<T> dy = ctx.Upstream<T>(), y = ctx.Result<T>(), b = ctx.Input(1).Data<T>();
            using var scratch = new Scratch<T>(dy.Length);
            Span<T> t = scratch.Span;
            if (ctx.NeedsGrad(0))
            {
                bc.ResultOverB.Apply<T, DivideOperator>(dy, b, t);     // dy / b
                bc.AOverResult.ReduceInto<T>(t, ctx.Grad<T>(0), subtract: false);
            }
            if (ctx.NeedsGrad(1))
            {
                TensorPrimitives.Multiply(dy, y, t);                 // dy · y
                bc.ResultOverB.Apply<T, DivideOperator>(t, b, t);      // dy · y / b = dy · a / b²
                bc.BOverResult.ReduceInto<T>(t, ctx.Grad<T>(1), subtract: true);
            }
        }
    }

    // ---- tensor ∘ constant ----------------------------------------------------------------------

    /// <summary>x + c. ∂/∂x = 1.</summary>
    public static Tensor Add(Tensor x, double c) => MapScalar(x, c, ScalarOp.Add);

    /// <summary>x − c. ∂/∂x = 1.</summary>
    public static Tensor Subtract(Tensor x, double c) => MapScalar(x, c, ScalarOp.Subtract);

    /// <summary>c − x. ∂/∂x = −1.</summary>
    public static Tensor Subtract(double c, Tensor x) => MapScalar(x, c, ScalarOp.SubtractFrom);

    /// <summary>x · c. ∂/∂x = c.</summary>
    public static Tensor Multiply(Tensor x, double c) => MapScalar(x, c, ScalarOp.Multiply);

    /// <summary>x / c. ∂/∂x = 1/c.</summary>
    public static Tensor Divide(Tensor x, double c) => MapScalar(x, c, ScalarOp.Divide);

    /// <summary>c / x. ∂/∂x = −c/x² = −y/x.</summary>
    public static Tensor Divide(double c, Tensor x) => MapScalar(x, c, ScalarOp.DivideInto);

    /// <summary>−x. ∂/∂x = −1.</summary>
    public static Tensor Negate(Tensor x) => MapScalar(x, -1.0, ScalarOp.Multiply, NegateOp);

    private enum ScalarOp { Add, Subtract, SubtractFrom, Multiply, Divide, DivideInto }

    private static readonly TensorOp AddConstantOp = new("add", "1"), SubtractConstantOp = new("sub", "1"),
        SubtractFromConstantOp = new("sub", "−1"), NegateOp = new("neg", "−1");

    /// <summary>The op of x ∘ c: its name and ∂/∂x with the constant written in.</summary>
    private static TensorOp ScalarOpInfo(ScalarOp kind, double c) => kind switch
    {
        ScalarOp.Add => AddConstantOp,
        ScalarOp.Subtract => SubtractConstantOp,
        ScalarOp.SubtractFrom => SubtractFromConstantOp,
        ScalarOp.Multiply => new("mul", c, static c => Constant(c)),
        ScalarOp.Divide => new("div", c, static c => "1/" + Constant(c)),
        _ => new("div", c, static c => "−" + Constant(c) + "/x²"),
    };

    private static string Constant(double c) => c.ToString("G6", CultureInfo.InvariantCulture);

    private static Tensor MapScalar(Tensor x, double c, ScalarOp kind, TensorOp? op = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        op ??= ScalarOpInfo(kind, c);
        Tensor y = x.NewUninitialized(); // every element written below
        DTypeSwitch.Invoke(x.DType, new ScalarForwardAction(x, c, kind, y));
        return Record(op, y, [x], ctx =>
            DTypeSwitch.Invoke(ctx.DType, new ScalarBackward(ctx, c, kind)), kind == ScalarOp.DivideInto ? Saved.InputsAndResult : Saved.None);
    }

    private static void ScalarForward<T>(ReadOnlySpan<T> x, T c, ScalarOp kind, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case ScalarOp.Add: TensorPrimitives.Add(x, c, y); break;
            case ScalarOp.Subtract: TensorPrimitives.Subtract(x, c, y); break;
            case ScalarOp.SubtractFrom: TensorPrimitives.Subtract(c, x, y); break;
            case ScalarOp.Multiply: TensorPrimitives.Multiply(x, c, y); break;
            case ScalarOp.Divide: TensorPrimitives.Divide(x, c, y); break;
            default: TensorPrimitives.Divide(c, x, y); break;
        }
    }

    /// <summary>y = x ∘ c over whole tensors (in halves when large).</summary>
    private readonly struct ScalarForwardAction(Tensor x, double c, ScalarOp kind, Tensor y) : IDTypeAction
    {
        public void Invoke<T>() where T : unmanaged, IFloatingPointIeee754<T> => ScalarForwardInHalves<T>(x.Data<T>(), Cast<T>(c), kind, y.Data<T>());
    }

    /// <summary>The backward step of x ∘ c.</summary>
    private readonly struct ScalarBackward(BackwardContext ctx, double constant, ScalarOp kind) : IDTypeAction
    {
        public void Invoke<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            T c = Cast<T>(constant);
            ReadOnlySpan<T> dy = ctx.Upstream<T>();
            Span<T> dx = ctx.Grad<T>(0);
            switch (kind)
            {
                case ScalarOp.Add or ScalarOp.Subtract: TensorPrimitives.Add(dx, dy, dx); break;
                case ScalarOp.SubtractFrom: TensorPrimitives.Subtract(dx, dy, dx); break;
                case ScalarOp.Multiply: TensorPrimitives.MultiplyAdd(dy, c, dx, dx); break;
                case ScalarOp.Divide: TensorPrimitives.MultiplyAdd(dy, T.One / c, dx, dx); break;
                default:
                    {
                        // y = c/x  ⇒  ∂y/∂x = −c/x² = −y/x.
                        using var scratch = new Scratch<T>(dy.Length);
                        Span<T> t = scratch.Span;
                        TensorPrimitives.Divide(ctx.Result<T>(), ctx.Input(0).Data<T>(), t);
                        TensorPrimitives.Multiply(t, dy, t);
                        TensorPrimitives.Subtract(dx, t, dx);
                        break;
                    }
            }
        }
    }

    // ---- operators (and the instance forms) -----------------------------------------------------

    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);
    /// <summary>Adds a constant to every element.</summary>
    public static Tensor operator +(Tensor x, double c) => Add(x, c);
    /// <summary>Adds a constant to every element.</summary>
    public static Tensor operator +(double c, Tensor x) => Add(x, c);
    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Subtract(a, b);
    /// <summary>Subtracts a constant from every element.</summary>
    public static Tensor operator -(Tensor x, double c) => Subtract(x, c);
    /// <summary>A constant minus every element.</summary>
    public static Tensor operator -(double c, Tensor x) => Subtract(c, x);
    /// <summary>Elementwise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Multiply(a, b);
    /// <summary>Multiplies every element by a constant.</summary>
    public static Tensor operator *(Tensor x, double c) => Multiply(x, c);
    /// <summary>Multiplies every element by a constant.</summary>
    public static Tensor operator *(double c, Tensor x) => Multiply(x, c);
    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Divide(a, b);
    /// <summary>Divides every element by a constant.</summary>
    public static Tensor operator /(Tensor x, double c) => Divide(x, c);
    /// <summary>A constant divided by every element.</summary>
    public static Tensor operator /(double c, Tensor x) => Divide(c, x);
    /// <summary>Elementwise negation.</summary>
    public static Tensor operator -(Tensor x) => Negate(x);

    // ---- helpers --------------------------------------------------------------------------------

    private static Tensor Forward<TOp>(Broadcast bc, Tensor a, Tensor b) where TOp : IBinaryOperator
    {
        Tensor y = a.NewUninitialized((int[])bc.Shape.Clone()); // Apply writes every element
        DTypeSwitch.Invoke(a.DType, new BinaryForward<TOp>(bc, a, b, y));
        return y;
    }

    /// <summary>y = a ∘ b under the broadcast (y has the result's shape).</summary>
    private readonly struct BinaryForward<TOp>(Broadcast bc, Tensor a, Tensor b, Tensor y) : IDTypeAction where TOp : IBinaryOperator
    {
        public void Invoke<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (bc.Same) SameShapeForward<T, TOp>(a.Data<T>(), b.Data<T>(), y.Data<T>());
            else bc.AB.Apply<T, TOp>(a.Data<T>(), b.Data<T>(), y.Data<T>());
        }
    }
}
