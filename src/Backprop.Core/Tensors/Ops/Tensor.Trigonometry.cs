using System.Numerics;

namespace Backprop;

// sin and cos: each one element function (its op with the derivative's formula, f, f′) and its two public forms.
// Computed by the C runtime's scalar sin and cos, one element at a time: the same bits on every SIMD path of a
// machine, but not guaranteed across machines (docs/reproducibility.md).
public sealed partial class Tensor
{
    /// <summary>sin x elementwise (radians). ∂/∂x = cos x.</summary>
    public static Tensor Sin(Tensor x) => Map<ElementwiseOperator<SinFunction>>(x);

    /// <summary>cos x elementwise (radians). ∂/∂x = −sin x.</summary>
    public static Tensor Cos(Tensor x) => Map<ElementwiseOperator<CosFunction>>(x);

    /// <summary>sin x elementwise.</summary>
    public Tensor Sin() => Sin(this);
    /// <summary>cos x elementwise.</summary>
    public Tensor Cos() => Cos(this);

    private readonly struct SinFunction : IElementFunction
    {
        public static TensorOp Op { get; } = new("sin", "cos x");
        public static T Value<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sin(x);
        public static T Derivative<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Cos(x);
    }

    private readonly struct CosFunction : IElementFunction
    {
        public static TensorOp Op { get; } = new("cos", "−sin x");
        public static T Value<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Cos(x);
        public static T Derivative<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => -T.Sin(x);
    }
}
