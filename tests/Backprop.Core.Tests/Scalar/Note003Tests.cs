namespace Backprop.Core.Tests.Scalar;

/// <summary>The worked examples of note 003 (derivatives, chain rule, autograd).</summary>
public class Note003Tests
{
    [Fact]
    public void Gradient_of_3x2_plus_4x_at_2_is_16()
    {
        var x = new Value(2.0, "x");
        Value f = 3 * x.Pow(2) + 4 * x;
        f.Backward();
        Assert.Equal(3 * 4 + 4 * 2, f.Data); // f(2) = 20
        Assert.Equal(6 * 2 + 4, x.Grad);     // f'(x) = 6x + 4
    }

    [Fact]
    public void Addition_passes_the_gradient_unchanged_to_both_operands()
    {
        var a = new Value(3.0, "a");
        var b = new Value(-5.0, "b");
        (a + b).Backward();
        Assert.Equal(1.0, a.Grad);
        Assert.Equal(1.0, b.Grad);
    }

    [Fact]
    public void Multiplication_gives_each_operand_the_other_one()
    {
        var a = new Value(3.0, "a");
        var b = new Value(-5.0, "b");
        (a * b).Backward();
        Assert.Equal(-5.0, a.Grad);
        Assert.Equal(3.0, b.Grad);
    }

    [Fact]
    public void Chain_rule_w1_grad_is_x1_times_a_grad()
    {
        var w1 = new Value(0.7, "w1");
        var x1 = new Value(-1.5, "x1");
        var w2 = new Value(2.0, "w2");
        var x2 = new Value(0.25, "x2");
        Value a = w1 * x1;
        Value b = w2 * x2;
        Value y = a + b;
        y.Backward();
        Assert.Equal(1.0, a.Grad);
        Assert.Equal(1.0, b.Grad);
        Assert.Equal(x1.Data * a.Grad, w1.Grad);
        Assert.Equal(x2.Data * b.Grad, w2.Grad);
        Assert.Equal(w1.Data, x1.Grad);
    }

    [Fact]
    public void Car_bicycle_man_chain_multiplies_rates()
    {
        // man → bicycle (4× as fast) → car (2× as fast): d car / d man = 2 · 4 = 8.
        var man = new Value(1.0, "man");
        Value bicycle = 4 * man;
        Value car = 2 * bicycle;
        car.Backward();
        Assert.Equal(8.0, man.Grad);
    }
}
