namespace Backprop.Core.Tests.Scalar;

/// <summary>Edges of the op definitions, and invalid arguments.</summary>
public class ValueEdgeCaseTests
{
    private static double GradAt(Func<Value, Value> f, double x)
    {
        var v = new Value(x);
        f(v).Backward();
        return v.Grad;
    }

    [Fact]
    public void Relu_at_zero_has_derivative_zero() => Assert.Equal(0.0, GradAt(Value.Relu, 0.0));

    [Fact]
    public void Relu_passes_positive_and_blocks_negative()
    {
        Assert.Equal(1.0, GradAt(Value.Relu, 1e-9));
        Assert.Equal(0.0, GradAt(Value.Relu, -1e-9));
        Assert.Equal(0.0, Value.Relu(new Value(-3)).Data);
    }

    [Fact]
    public void Leaky_relu_at_zero_has_the_slope() => Assert.Equal(0.2, GradAt(x => x.LeakyRelu(0.2), 0.0));

    [Fact]
    public void Abs_at_zero_has_derivative_zero() => Assert.Equal(0.0, GradAt(Value.Abs, 0.0));

    [Fact]
    public void Sigmoid_is_finite_and_exact_at_extremes()
    {
        Assert.Equal(1.0, Value.Sigmoid(new Value(1000)).Data);
        Assert.Equal(0.0, Value.Sigmoid(new Value(-1000)).Data);
        Assert.Equal(0.0, GradAt(Value.Sigmoid, -1000));
        Assert.Equal(0.25, GradAt(Value.Sigmoid, 0));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public void Log_of_non_positive_throws_a_clear_error(double x)
    {
        var e = Assert.Throws<ArgumentException>(() => new Value(x, "p").Log());
        Assert.Contains("Log", e.Message);
        Assert.Contains("positive", e.Message);
        Assert.Contains("p", e.Message);
    }

    [Fact]
    public void Sqrt_of_negative_throws() =>
        Assert.Contains("Sqrt", Assert.Throws<ArgumentException>(() => new Value(-4).Sqrt()).Message);

    [Fact]
    public void Pow_with_negative_base_and_fractional_exponent_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new Value(-2, "b").Pow(0.5));
        Assert.Contains("Pow", e.Message);
        Assert.Contains("negative", e.Message);
    }

    [Fact]
    public void Pow_with_negative_base_and_integer_exponent_works()
    {
        var x = new Value(-2);
        Value y = x.Pow(3);
        y.Backward();
        Assert.Equal(-8.0, y.Data);
        Assert.Equal(12.0, x.Grad);
    }

    [Fact]
    public void Pow_with_value_exponent_rejects_negative_base() =>
        Assert.Throws<ArgumentException>(() => Value.Pow(new Value(-2), new Value(2)));

    [Fact]
    public void Pow_with_value_exponent_at_zero_base_has_zero_exponent_gradient()
    {
        var a = new Value(0);
        var b = new Value(2);
        Value.Pow(a, b).Backward();
        Assert.Equal(0.0, b.Grad);
        Assert.Equal(0.0, a.Grad);
    }

    [Fact]
    public void Apply_requires_a_name_and_functions()
    {
        var x = new Value(1);
        Assert.Throws<ArgumentException>(() => x.Apply(z => z, z => 1, " "));
        Assert.Throws<ArgumentNullException>(() => x.Apply(null!, z => 1, "f"));
        Assert.Throws<ArgumentException>(() => x.LeakyRelu(double.NaN));
    }

    [Fact]
    public void Division_by_zero_is_not_hidden()
    {
        var a = new Value(1);
        var b = new Value(0);
        Value y = a / b;
        y.Backward();
        Assert.True(double.IsPositiveInfinity(y.Data));
        Assert.True(double.IsPositiveInfinity(a.Grad));
        Assert.True(double.IsNaN(b.Grad) || double.IsInfinity(b.Grad));
    }

    [Fact]
    public void Anomaly_check_names_the_forward_node_that_made_a_nan()
    {
        var a = new Value(0, "a");
        var b = new Value(0, "b");
        Value q = a / b;
        q.Label = "ratio";
        Value y = q + 1;
        var e = Assert.Throws<NonFiniteValueException>(() => y.Backward(detectAnomaly: true));
        Assert.Same(q, e.Node);
        Assert.Contains("ratio", e.Message);
        Assert.Equal(0.0, a.Grad); // nothing was accumulated
    }

    [Fact]
    public void Anomaly_check_names_the_backward_link_that_made_an_infinity()
    {
        var x = new Value(0, "x");
        Value s = x.Sqrt(); // ∂√x/∂x = +∞ at 0
        Value y = 2 * s;
        var e = Assert.Throws<NonFiniteValueException>(() => y.Backward(detectAnomaly: true));
        Assert.Same(s, e.Node);
        Assert.Contains("sqrt", e.Message);
        Assert.Equal(0.0, x.Grad);
        // Without the check the infinity reaches the gradient: visible, not hidden.
        y.Backward();
        Assert.True(double.IsPositiveInfinity(x.Grad));
    }

    [Fact]
    public void ToString_reads_like_micrograd()
    {
        var x = new Value(2, "x");
        Assert.Equal("Value(x: data=2, grad=0)", x.ToString());
        Assert.Equal("Value(data=0.5, grad=0)", new Value(0.5).ToString());
    }

    [Fact]
    public void Power_zero_has_zero_gradient_at_zero_in_both_engines()
    {
        var x = new Value(0.0);
        x.Pow(0).Backward();
        Assert.Equal(0.0, x.Grad);
        var t = Tensor.Zeros([3], DType.Float64);
        t.RequiresGrad = true;
        t.Pow(0).Sum().Backward();
        Assert.All(t.Grad!.ToArray(), g => Assert.Equal(0.0, g));
    }
}
