using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop;

// sin and cos: each one operator struct (name, derivative formula, forward, backward) and its two public forms.
// Computed by the C runtime's scalar sin and cos, one element at a time: the same bits on every SIMD path of a
// machine, but not guaranteed across machines (docs/reproducibility.md).
public sealed partial class Tensor
{
    /// <summary>sin x elementwise (radians). ∂/∂x = cos x.</summary>
    public static Tensor Sin(Tensor x) => Map<SinOperator>(x);

    /// <summary>cos x elementwise (radians). ∂/∂x = −sin x.</summary>
    public static Tensor Cos(Tensor x) => Map<CosOperator>(x);

    /// <summary>sin x elementwise.</summary>
    public Tensor Sin() => Sin(this);
    /// <summary>cos x elementwise.</summary>
    public Tensor Cos() => Cos(this);

    private readonly struct SinOperator : IUnaryOperator
    {
        private static readonly TensorOp s_op = new("sin", "cos x");
        public static Saved Reads => Saved.Inputs;
        public static TensorOp Describe(UnaryParameters p) => s_op;

        public static void Forward<T>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++) y[i] = T.Sin(x[i]);
        }

        public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++) t[i] = T.Cos(x[i]);
            TensorPrimitives.FusedMultiplyAdd(dy, t, dx, dx);
        }
    }

    private readonly struct CosOperator : IUnaryOperator
    {
        private static readonly TensorOp s_op = new("cos", "−sin x");
        public static Saved Reads => Saved.Inputs;
        public static TensorOp Describe(UnaryParameters p) => s_op;

        public static void Forward<T>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++) y[i] = T.Cos(x[i]);
        }

        public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++) t[i] = -T.Sin(x[i]);
            TensorPrimitives.FusedMultiplyAdd(dy, t, dx, dx);
        }
    }
}
