namespace Backprop.Core.Tests.Scalar;

/// <summary>Every scalar op, gradient-checked by central differences at several points.</summary>
public class ValueOpGradientTests
{
    public static TheoryData<string, double> UnaryCases()
    {
        var data = new TheoryData<string, double>();
        double[] everywhere = [-2.5, -0.7, -0.1, 0.3, 1.0, 2.2];
        double[] positive = [0.05, 0.3, 1.0, 2.2, 17.0];
        foreach (string op in new[] { "neg", "exp", "sin", "cos", "tanh", "sigmoid", "relu", "leaky_relu", "abs", "^2", "^3", "^-1", "apply", "+c", "c-", "*c", "c/" })
            foreach (double x in everywhere) data.Add(op, x);
        foreach (string op in new[] { "log", "sqrt", "^0.5", "^-1.5" })
            foreach (double x in positive) data.Add(op, x);
        foreach (double x in new[] { -30.0, 30.0 }) { data.Add("sigmoid", x); data.Add("tanh", x); }
        return data;
    }

    private static Value Unary(string op, Value x) => op switch
    {
        "neg" => -x,
        "exp" => Value.Exp(x),
        "log" => Value.Log(x),
        "sqrt" => Value.Sqrt(x),
        "sin" => Value.Sin(x),
        "cos" => Value.Cos(x),
        "tanh" => Value.Tanh(x),
        "sigmoid" => Value.Sigmoid(x),
        "relu" => Value.Relu(x),
        "leaky_relu" => Value.LeakyRelu(x, 0.1),
        "abs" => Value.Abs(x),
        "^2" => Value.Pow(x, 2),
        "^3" => x.Pow(3),
        "^-1" => x.Pow(-1),
        "^0.5" => x.Pow(0.5),
        "^-1.5" => x.Pow(-1.5),
        "apply" => x.Apply(Math.Sinh, Math.Cosh, "sinh"),
        "+c" => x + 1.5,
        "c-" => 1.5 - x,
        "*c" => x * -2.5,
        "c/" => 3.0 / x,
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(UnaryCases))]
    public void Unary_op_matches_finite_differences(string op, double x)
    {
        GradCheckResult r = GradCheck.Check(v => Unary(op, v), x);
        Assert.True(r.Passed(), $"{op} at {x}: {r}");
    }

    public static TheoryData<string, double, double> BinaryCases()
    {
        var data = new TheoryData<string, double, double>();
        (double, double)[] points = [(0.5, 2.0), (-1.5, 0.25), (3.0, -4.0), (0.1, 0.1)];
        foreach (string op in new[] { "+", "-", "*", "/" })
            foreach (var (a, b) in points) data.Add(op, a, b);
        foreach (var (a, b) in new[] { (0.5, 2.0), (2.0, -1.3), (1.7, 0.5), (3.0, 2.5) }) data.Add("pow", a, b);
        return data;
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_op_matches_finite_differences(string op, double a, double b)
    {
        Func<Value, Value, Value> f = op switch
        {
            "+" => (x, y) => x + y,
            "-" => (x, y) => x - y,
            "*" => (x, y) => x * y,
            "/" => (x, y) => x / y,
            "pow" => Value.Pow,
            _ => throw new ArgumentException(op),
        };
        GradCheckResult r = GradCheck.Check(f, a, b);
        Assert.True(r.Passed(), $"{op} at ({a}, {b}): {r}");
    }

    [Fact]
    public void Sum_matches_finite_differences_and_gives_one_to_each_term()
    {
        GradCheckResult r = GradCheck.Check(v => Value.Sum(v[0] * v[1], v[1], v[2].Tanh(), v[0]), [0.4, -1.2, 0.8]);
        Assert.True(r.Passed(), r.ToString());
        var xs = new[] { new Value(1), new Value(2), new Value(3) };
        Value s = Value.Sum(xs);
        s.Backward();
        Assert.Equal(6.0, s.Data);
        Assert.All(xs, x => Assert.Equal(1.0, x.Grad));
        Assert.Equal(3, s.ParentCount);
        Assert.Equal([1.0, 1.0, 1.0], s.LocalGradients);
    }

    [Fact]
    public void Sum_of_nothing_is_the_constant_zero()
    {
        Value s = Value.Sum();
        Assert.Equal(0.0, s.Data);
        Assert.True(s.IsConstant);
    }

    [Fact]
    public void Composite_expression_matches_finite_differences()
    {
        GradCheckResult r = GradCheck.Check(v =>
        {
            Value a = v[0], b = v[1], c = v[2];
            Value e = (a * b + c.Exp()).Tanh() / (1 + (a - c).Pow(2)) + Value.Sigmoid(b * c).Log();
            return e * e.Sin();
        }, [0.3, -0.8, 0.6]);
        Assert.True(r.Passed(), r.ToString());
    }

    [Fact]
    public void Local_gradients_are_readable_per_parent()
    {
        var a = new Value(3, "a");
        var b = new Value(-2, "b");
        Value y = a * b;
        Assert.Equal("*", y.Op);
        Assert.Equal([a, b], y.Parents);
        Assert.Equal([-2.0, 3.0], y.LocalGradients);
        Value sq = a * a;
        Assert.Equal([a, a], sq.Parents);
        sq.Backward();
        Assert.Equal(6.0, a.Grad); // both operand slots contribute
        Value t = b.Tanh();
        Assert.Equal(1 - Math.Tanh(-2) * Math.Tanh(-2), t.GetLocalGradient(0), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.GetParent(1));
        Assert.True(a.IsLeaf);
        Assert.Empty(a.Parents);
        Assert.Equal("", a.Op);
    }

    [Fact]
    public void Constants_from_doubles_are_marked_constant_leaves()
    {
        var x = new Value(2, "x");
        Value y = 3 * x;
        Value three = y.GetParent(0);
        Assert.True(three.IsConstant);
        Assert.Equal(3.0, three.Data);
        Assert.False(x.IsConstant);
        Value implicitConstant = 4.0;
        Assert.True(implicitConstant.IsConstant);
    }
}
