namespace Backprop.Core.Tests.Ops;

/// <summary>Where an input's values are drawn from.</summary>
public enum Domain
{
    /// <summary>Uniform in [−2, 2].</summary>
    Any,
    /// <summary>Uniform in [0.2, 3] (log, sqrt, fractional powers).</summary>
    Positive,
    /// <summary>±[0.5, 2] (divisors, negative powers, and the kinks of abs and relu kept out of reach of a finite difference).</summary>
    NonZero,
    /// <summary>Uniform in [−2, 2] with every third element exactly 0 (kinks of abs, relu, leaky relu).</summary>
    WithZeros,
    /// <summary>±1000 plus uniform noise in [−3, 3] (softmax stability).</summary>
    Huge,
    /// <summary>Integers −1, 0, 1 (many ties for max).</summary>
    Ties,
}

/// <summary>One input of an op: its shape and where its values come from.</summary>
public sealed record OpInput(int[] Shape, Domain Domain);

/// <summary>One row of the op table: a differentiable op, the inputs it is tested on, our call, and the same
/// computation as a PyTorch expression over the list of inputs <c>t</c> (evaluated by tests/oracle/torch_oracle.py).</summary>
public sealed record OpRow(string Name, OpInput[] Inputs, Func<Tensor[], Tensor> Ours, string Torch)
{
    /// <summary>The name (xunit shows it).</summary>
    public override string ToString() => Name;
}

/// <summary>
/// The elementwise ops, one row each: the finite-difference (float64), float32-vs-float64, PyTorch-parity and SIMD-path
/// (determinism probe, which links this file) tests all run every row, so a new op is its declaration plus one row here.
/// </summary>
public static class OpTable
{
    private static OpInput[] In(Domain domain, params int[] shape) => [new OpInput(shape, domain)];
    private static OpInput[] Two(Domain a, int[] shapeA, Domain b, int[] shapeB) => [new OpInput(shapeA, a), new OpInput(shapeB, b)];

    /// <summary>Every row.</summary>
    public static readonly OpRow[] Rows =
    [
        new("add", Two(Domain.Any, [3, 4], Domain.Any, [4]), t => t[0] + t[1], "t[0] + t[1]"),
        new("sub", Two(Domain.Any, [3, 1], Domain.Any, [1, 4]), t => t[0] - t[1], "t[0] - t[1]"),
        new("mul", Two(Domain.Any, [2, 3], Domain.Any, [3]), t => t[0] * t[1], "t[0] * t[1]"),
        new("div", Two(Domain.Any, [2, 3], Domain.NonZero, [2, 1]), t => t[0] / t[1], "t[0] / t[1]"),
        new("add_scalar", In(Domain.Any, 3, 4), t => t[0] + 0.75, "t[0] + 0.75"),
        new("sub_scalar", In(Domain.Any, 3, 4), t => t[0] - 1.25, "t[0] - 1.25"),
        new("rsub_scalar", In(Domain.Any, 3, 4), t => 1.25 - t[0], "1.25 - t[0]"),
        new("mul_scalar", In(Domain.Any, 3, 4), t => -2.5 * t[0], "-2.5 * t[0]"),
        new("div_scalar", In(Domain.Any, 3, 4), t => t[0] / -0.7, "t[0] / -0.7"),
        new("rdiv_scalar", In(Domain.NonZero, 3, 4), t => 2.0 / t[0], "2.0 / t[0]"),
        new("neg", In(Domain.Any, 3, 4), t => -t[0], "-t[0]"),
        new("pow2", In(Domain.Any, 3, 4), t => t[0].Pow(2), "t[0] ** 2.0"),
        new("pow3", In(Domain.NonZero, 3, 4), t => Tensor.Pow(t[0], 3), "t[0] ** 3.0"),
        new("pow-1", In(Domain.NonZero, 3, 4), t => t[0].Pow(-1), "t[0] ** -1.0"),
        new("pow0.5", In(Domain.Positive, 3, 4), t => t[0].Pow(0.5), "t[0] ** 0.5"),
        new("pow-1.5", In(Domain.Positive, 3, 4), t => t[0].Pow(-1.5), "t[0] ** -1.5"),
        new("exp", In(Domain.Any, 3, 5), t => t[0].Exp(), "t[0].exp()"),
        new("log", In(Domain.Positive, 3, 5), t => Tensor.Log(t[0]), "t[0].log()"),
        new("sqrt", In(Domain.Positive, 3, 5), t => t[0].Sqrt(), "t[0].sqrt()"),
        new("abs", In(Domain.NonZero, 3, 5), t => t[0].Abs(), "t[0].abs()"),
        new("tanh", In(Domain.Any, 3, 5), t => Tensor.Tanh(t[0]), "t[0].tanh()"),
        new("sigmoid", In(Domain.Any, 3, 5), t => t[0].Sigmoid(), "t[0].sigmoid()"),
        new("relu", In(Domain.NonZero, 3, 5), t => t[0].Relu(), "t[0].relu()"),
        new("leaky_relu", In(Domain.NonZero, 3, 5), t => t[0].LeakyRelu(), "F.leaky_relu(t[0], 0.01)"),
        new("leaky_relu0.2", In(Domain.NonZero, 3, 5), t => t[0].LeakyRelu(0.2), "F.leaky_relu(t[0], 0.2)"),
        new("clamp", In(Domain.NonZero, 3, 5), t => t[0].Clamp(-1.0, 1.25), "t[0].clamp(-1.0, 1.25)"),
        new("sin", In(Domain.Any, 3, 5), t => t[0].Sin(), "t[0].sin()"),
        new("cos", In(Domain.Any, 3, 5), t => Tensor.Cos(t[0]), "t[0].cos()"),
    ];

    /// <summary>The row names, for xunit's MemberData.</summary>
    public static IEnumerable<object[]> Names => Rows.Select(r => new object[] { r.Name });

    /// <summary>The row named <paramref name="name"/>.</summary>
    public static OpRow Row(string name) => Rows.Single(r => r.Name == name);

    /// <summary>Seeded values of <paramref name="input"/>'s domain with <paramref name="count"/> elements (its own
    /// shape's count when 0), rounded to float32 so that both dtypes see the same numbers.</summary>
    public static double[] Values(OpInput input, int seed, int count = 0)
    {
        if (count == 0) count = Count(input.Shape);
        double[] u = Tensor.Rand([count], seed, DType.Float64).ToArray();
        double[] v = Tensor.Rand([count], seed + 1, DType.Float64).ToArray();
        var x = new double[count];
        for (int i = 0; i < count; i++)
        {
            double value = input.Domain switch
            {
                Domain.Positive => 0.2 + 2.8 * u[i],
                Domain.NonZero => (v[i] < 0.5 ? -1 : 1) * (0.5 + 1.5 * u[i]),
                Domain.WithZeros => i % 3 == 0 ? 0.0 : -2 + 4 * u[i],
                Domain.Huge => (v[i] < 0.5 ? -1000.0 : 1000.0) - 3 + 6 * u[i],
                Domain.Ties => Math.Floor(3 * u[i]) - 1,
                _ => -2 + 4 * u[i],
            };
            x[i] = (float)value;
        }
        return x;
    }

    /// <summary>The row's inputs as tensors of <paramref name="dtype"/> that require gradients.</summary>
    public static Tensor[] Inputs(OpRow row, int seed, DType dtype)
    {
        var t = new Tensor[row.Inputs.Length];
        for (int i = 0; i < t.Length; i++)
        {
            t[i] = Tensor.FromArray(Values(row.Inputs[i], seed + 10 * i), row.Inputs[i].Shape, dtype);
            t[i].RequiresGrad = true;
        }
        return t;
    }

    private static int Count(int[] shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }
}
