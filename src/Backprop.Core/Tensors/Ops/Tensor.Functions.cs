using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop;

// Elementary functions. Each is declared once, as an operator struct holding its name, the formula of its local
// derivative, its forward map and its backward step (see IUnaryOperator); Map is the driver.
public sealed partial class Tensor
{
    /// <summary>xᵖ elementwise for a constant exponent. ∂/∂x = p·xᵖ⁻¹. (NaN for a negative base and a
    /// non-integer exponent, as in PyTorch; <see cref="DetectAnomaly"/> reports it.)</summary>
    public static Tensor Pow(Tensor x, double p) => Map<PowOperator>(x, p);

    /// <summary>eˣ elementwise. ∂/∂x = eˣ = y.</summary>
    public static Tensor Exp(Tensor x) => Map<ExpOperator>(x);

    /// <summary>ln x elementwise. ∂/∂x = 1/x.</summary>
    public static Tensor Log(Tensor x) => Map<LogOperator>(x);

    /// <summary>√x elementwise. ∂/∂x = 1/(2√x) = 1/(2y).</summary>
    public static Tensor Sqrt(Tensor x) => Map<SqrtOperator>(x);

    /// <summary>|x| elementwise. ∂/∂x = sign(x) (0 at 0, as in PyTorch).</summary>
    public static Tensor Abs(Tensor x) => Map<AbsOperator>(x);

    /// <summary>tanh x elementwise. ∂/∂x = 1 − tanh²x = 1 − y².</summary>
    public static Tensor Tanh(Tensor x) => Map<TanhOperator>(x);

    /// <summary>σ(x) = 1/(1 + e⁻ˣ) elementwise. ∂/∂x = σ(x)(1 − σ(x)) = y(1 − y).</summary>
    public static Tensor Sigmoid(Tensor x) => Map<SigmoidOperator>(x);

    /// <summary>max(0, x) elementwise. ∂/∂x = 1 where x &gt; 0, else 0.</summary>
    public static Tensor Relu(Tensor x) => Map<ReluOperator>(x);

    /// <summary>x where x &gt; 0, else slope·x. ∂/∂x = 1 where x &gt; 0, else slope.</summary>
    public static Tensor LeakyRelu(Tensor x, double slope = 0.01) => Map<LeakyReluOperator>(x, slope);

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

    // ---- the operators --------------------------------------------------------------------------

    private readonly struct PowOperator : IUnaryOperator
    {
        public static Saved Reads => Saved.Inputs;
        public static int Cost => TranscendentalCost;
        public static TensorOp Describe(UnaryParameters p) => new("pow", p.A, static p => PowerRule(p));

        /// <summary>p·xᵖ⁻¹ with the exponent worked out: "2x" for a square, "3·x^2" for a cube.</summary>
        private static string PowerRule(double p)
        {
            double q = p - 1;
            string power = q == 0 ? "" : q == 1 ? "x" : "x^" + Number(q);
            return q == 0 ? Number(p) : p == 1 ? power : Number(p) + (q == 1 ? "" : "·") + power;
        }

        private static string Number(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

        public static void Forward<T>(ReadOnlySpan<T> x, UnaryParameters parameters, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            double p = parameters.A;
            if (p == 2) TensorPrimitives.Multiply(x, x, y);
            else VectorMath.Pow(x, Cast<T>(p), y);
        }

        public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters parameters, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            double p = parameters.A;
            if (p == 0) return;                                               // x⁰ is constant: no gradient (not 0·x⁻¹)
            if (p == 2) TensorPrimitives.Multiply(x, Cast<T>(2), t);          // 2x
            else
            {
                VectorMath.Pow(x, Cast<T>(p - 1), t);                         // p·xᵖ⁻¹
                TensorPrimitives.Multiply(t, Cast<T>(p), t);
            }
            TensorPrimitives.FusedMultiplyAdd(dy, t, dx, dx);
        }
    }

    private readonly struct ExpOperator : IUnaryOperator
    {
        private static readonly TensorOp s_op = new("exp", "y");
        public static Saved Reads => Saved.Result;
        public static int Cost => TranscendentalCost;
        public static TensorOp Describe(UnaryParameters p) => s_op;
        public static void Forward<T>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Exp(x, y);
        public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T> =>
            TensorPrimitives.FusedMultiplyAdd(dy, y, dx, dx);
    }

    private readonly struct LogOperator : IUnaryOperator
    {
        private static readonly TensorOp s_op = new("log", "1/x");
        public static Saved Reads => Saved.Inputs;
        public static int Cost => TranscendentalCost;
        public static TensorOp Describe(UnaryParameters p) => s_op;
        public static void Forward<T>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Log(x, y);
        public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            TensorPrimitives.Divide(dy, x, t);
            TensorPrimitives.Add(dx, t, dx);
        }
    }

    private readonly struct SqrtOperator : IUnaryOperator
    {
        private static readonly TensorOp s_op = new("sqrt", "1/(2y)");
        public static Saved Reads => Saved.Result;
        public static TensorOp Describe(UnaryParameters p) => s_op;
        public static void Forward<T>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, y);
        public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            TensorPrimitives.Divide(dy, y, t);
            TensorPrimitives.MultiplyAdd(t, Cast<T>(0.5), dx, dx);
        }
    }

    private readonly struct AbsOperator : IUnaryOperator
    {
        private static readonly TensorOp s_op = new("abs", "sign x");
        public static Saved Reads => Saved.Inputs;
        public static TensorOp Describe(UnaryParameters p) => s_op;
        public static void Forward<T>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, y);
        public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < dx.Length; i++)
                if (x[i] > T.Zero) dx[i] += dy[i];
                else if (x[i] < T.Zero) dx[i] -= dy[i];
        }
    }

    /// <summary>tanh; also the activation of a fused <see cref="NN.Functional.Linear"/>, which calls its backward step.</summary>
    internal readonly struct TanhOperator : IUnaryOperator
    {
        private static readonly TensorOp s_op = new("tanh", "1 − y²");
        public static Saved Reads => Saved.Result;
        public static int Cost => TranscendentalCost;
        public static TensorOp Describe(UnaryParameters p) => s_op;
        public static void Forward<T>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Tanh(x, y);
        public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            TensorPrimitives.Multiply(y, y, t);
            TensorPrimitives.Subtract(T.One, t, t);           // 1 − y²
            TensorPrimitives.FusedMultiplyAdd(dy, t, dx, dx);
        }
    }

    /// <summary>σ; also the activation of a fused <see cref="NN.Functional.Linear"/>, which calls its backward step.</summary>
    internal readonly struct SigmoidOperator : IUnaryOperator
    {
        private static readonly TensorOp s_op = new("sigmoid", "y(1 − y)");
        public static Saved Reads => Saved.Result;
        public static int Cost => TranscendentalCost;
        public static TensorOp Describe(UnaryParameters p) => s_op;
        public static void Forward<T>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => VectorMath.Sigmoid(x, y);
        public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            TensorPrimitives.Subtract(T.One, y, t);
            TensorPrimitives.Multiply(t, y, t);                // y(1 − y)
            TensorPrimitives.FusedMultiplyAdd(dy, t, dx, dx);
        }
    }

    /// <summary>max(0, x); also the activation of a fused <see cref="NN.Functional.Linear"/>, which calls its
    /// backward step with the result as x (y &gt; 0 exactly where x &gt; 0).</summary>
    internal readonly struct ReluOperator : IUnaryOperator
    {
        private static readonly TensorOp s_op = new("relu", "𝟙[x > 0]");
        public static Saved Reads => Saved.Inputs;
        public static TensorOp Describe(UnaryParameters p) => s_op;
        public static void Forward<T>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, T.Zero, y);
        /// <summary>dx += dy where x &gt; 0 (adding 0 elsewhere leaves dx as it is: an accumulator that starts at +0
        /// never holds −0), vectorised.</summary>
        public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            {
                int w = Vector<T>.Count;
                for (; i <= dx.Length - w; i += w)
                {
                    Vector<T> pass = Vector.GreaterThan(new Vector<T>(x.Slice(i, w)), Vector<T>.Zero);
                    (new Vector<T>(dx.Slice(i, w)) + Vector.ConditionalSelect(pass, new Vector<T>(dy.Slice(i, w)), Vector<T>.Zero)).CopyTo(dx.Slice(i, w));
                }
            }
            for (; i < dx.Length; i++)
                if (x[i] > T.Zero) dx[i] += dy[i];
        }
    }

    /// <summary>x where x &gt; 0, else p·x (p.A the slope).</summary>
    private readonly struct LeakyReluOperator : IUnaryOperator
    {
        public static Saved Reads => Saved.Inputs;
        public static TensorOp Describe(UnaryParameters p) => new("leaky_relu", p.A, static slope => "1 or " + slope.ToString("G4", CultureInfo.InvariantCulture));

        public static void Forward<T>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (p.A == 0) { ReluOperator.Forward(x, p, y); return; }
            T s = Cast<T>(p.A);
            for (int i = 0; i < y.Length; i++) y[i] = x[i] > T.Zero ? x[i] : s * x[i];
        }

        public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T s = Cast<T>(p.A);
            for (int i = 0; i < dx.Length; i++)
                if (x[i] > T.Zero) dx[i] += dy[i];
                else if (p.A != 0) dx[i] += s * dy[i];
        }
    }
}
