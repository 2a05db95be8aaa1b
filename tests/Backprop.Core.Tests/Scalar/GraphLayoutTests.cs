using Backprop.Scalar;

namespace Backprop.Core.Tests.Scalar;

/// <summary>The compact node layout and the pooled backward pass: n-ary sums, packed flags, buffers that
/// grow past their first size, traversals of overlapping graphs one after another.</summary>
public class GraphLayoutTests
{
    [Fact]
    public void A_sum_of_many_values_lists_its_operands_with_unit_local_gradients()
    {
        var xs = new Value[5];
        for (int i = 0; i < xs.Length; i++) xs[i] = new Value(i + 0.5, $"x{i}");
        Value s = Value.Sum(xs[0], xs[1], xs[2], xs[3], xs[4], xs[1]); // x1 twice
        Assert.Equal("sum", s.Op);
        Assert.Equal(6, s.ParentCount);
        Assert.False(s.IsLeaf);
        Assert.Equal(0.5 + 1.5 + 2.5 + 3.5 + 4.5 + 1.5, s.Data);
        IReadOnlyList<Value> parents = s.Parents;
        for (int k = 0; k < 5; k++) Assert.Same(xs[k], parents[k]);
        Assert.Same(xs[1], s.GetParent(5));
        Assert.All(s.LocalGradients, d => Assert.Equal(1.0, d));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.GetParent(6));

        s.Backward();
        Assert.Equal(1.0, xs[0].Grad);
        Assert.Equal(2.0, xs[1].Grad); // reached through two operand slots
        Assert.Equal(1.0, xs[4].Grad);
    }

    [Fact]
    public void Sums_of_zero_one_two_and_many_values_pass_the_finite_difference_check()
    {
        for (int n = 1; n <= 6; n++)
        {
            var inputs = new double[n];
            for (int i = 0; i < n; i++) inputs[i] = 0.3 * i - 0.7;
            // Σ xᵢ², then through tanh: the sum node's unit locals meet non-trivial upstream gradients.
            GradCheckResult r = GradCheck.Check(xs =>
            {
                var squares = new Value[xs.Count];
                for (int i = 0; i < squares.Length; i++) squares[i] = xs[i] * xs[i];
                return Value.Sum(squares).Tanh() * 3.0;
            }, inputs);
            Assert.True(r.Passed(1e-6, 1e-9), $"n = {n}: {r}");
        }
        Value empty = Value.Sum();
        Assert.True(empty.IsConstant);
        Assert.Equal(0.0, empty.Data);
    }

    [Fact]
    public void Sum_copies_its_operands_so_later_changes_to_the_array_do_not_change_the_graph()
    {
        var a = new Value(1.0, "a");
        var b = new Value(2.0, "b");
        var c = new Value(3.0, "c");
        var d = new Value(4.0, "d");
        Value[] operands = [a, b, c];
        Value s = Value.Sum(operands);
        operands[0] = d;
        Assert.Same(a, s.GetParent(0));
        s.Backward();
        Assert.Equal(1.0, a.Grad);
        Assert.Equal(0.0, d.Grad);
    }

    [Fact]
    public void A_null_operand_of_a_sum_is_named_by_index()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => Value.Sum(new Value(1), new Value(2), null!));
        Assert.Equal("values[2]", ex.ParamName);
    }

    [Fact]
    public void Parameter_and_constant_flags_are_independent_of_the_parents()
    {
        var x = new Value(2.0);
        Value y = x * x + x;            // two parents
        Value s = Value.Sum(x, y, x);   // three parents, stored as an array
        foreach (Value v in new[] { y, s })
        {
            int parents = v.ParentCount;
            Assert.False(v.IsParameter);
            Assert.False(v.IsConstant);
            v.IsParameter = true;
            Assert.True(v.IsParameter);
            Assert.Equal(parents, v.ParentCount);
            Assert.False(v.IsLeaf);
            v.IsParameter = false;
            Assert.False(v.IsParameter);
            Assert.Equal(parents, v.ParentCount);
        }
        Value c = Value.Constant(5);
        Assert.True(c.IsConstant);
        Assert.False(c.IsParameter);
        Assert.True(c.IsLeaf);
        c.IsParameter = true; // unusual, but the two flags are separate bits
        Assert.True(c.IsConstant);
        Assert.True(c.IsParameter);
        Assert.Equal(0, c.ParentCount);
        Value p = Value.Parameter(1.5, "p");
        Assert.True(p.IsParameter);
        Assert.False(p.IsConstant);
    }

    [Fact]
    public void A_wide_and_deep_graph_outgrowing_the_first_buffers_gets_the_same_gradients_as_by_hand()
    {
        // L = Σᵢ (w·xᵢ)² over 3000 terms (order buffer starts at 1024), plus a 200-deep chain on w
        // (the traversal stack starts at 64 frames).
        var w = Value.Parameter(0.9, "w");
        const int terms = 3000;
        var squares = new Value[terms];
        double sumX2 = 0;
        for (int i = 0; i < terms; i++)
        {
            double x = Math.Sin(i);
            sumX2 += x * x;
            Value t = w * x;
            squares[i] = t * t;
        }
        Value chain = w;
        for (int i = 0; i < 200; i++) chain = chain * 1.001;
        Value loss = Value.Sum(squares) + chain;

        loss.Backward();
        // ∂/∂w Σ (w xᵢ)² = 2 w Σ xᵢ²; ∂/∂w of the chain = 1.001²⁰⁰.
        double expected = 2 * 0.9 * sumX2 + Math.Pow(1.001, 200);
        Assert.Equal(expected, w.Grad, 1e-9 * expected);
        Assert.Equal(1.0, loss.Grad);

        // A second pass over the same graph adds the same again (buffers come back from the pool).
        loss.Backward();
        Assert.Equal(2 * expected, w.Grad, 2e-9 * expected);
        loss.ZeroGrad();
        Assert.Equal(0.0, w.Grad);
        Assert.Equal(0.0, squares[17].Grad);
    }

    [Fact]
    public void Backward_through_overlapping_graphs_one_after_another_keeps_each_pass_to_itself()
    {
        // b is inside c. b.Backward() then c.Backward(): each pass propagates only its own gradients,
        // and Grad holds the sum of both passes.
        var x = new Value(1.5, "x");
        Value b = x * x;        // db/dx = 2x = 3
        Value c = b * 4.0 + x;  // dc/dx = 8x + 1 = 13, dc/db = 4
        b.Backward();
        Assert.Equal(3.0, x.Grad);
        Assert.Equal(1.0, b.Grad);
        c.Backward();
        Assert.Equal(3.0 + 13.0, x.Grad);
        Assert.Equal(1.0 + 4.0, b.Grad);
        Assert.Equal(1.0, c.Grad);
    }

    [Fact]
    public void Backward_with_anomaly_detection_gives_the_same_gradients_when_everything_is_finite()
    {
        var mlp = new ValueMLP(2, [4], 1, Activation.Tanh, seed: 11);
        Value Loss() => ScalarLosses.MSE(mlp.Forward(0.4, -0.9), [0.25]) + ScalarLosses.L2(mlp.Parameters(), 1e-3);
        mlp.ZeroGrad();
        Loss().Backward();
        double[] plain = mlp.Parameters().Select(p => p.Grad).ToArray();
        mlp.ZeroGrad();
        Loss().Backward(detectAnomaly: true);
        double[] checkedGrads = mlp.Parameters().Select(p => p.Grad).ToArray();
        Assert.Equal(plain, checkedGrads);
        Assert.Contains(plain, g => g != 0);
    }

    [Fact]
    public void A_neuron_reads_any_list_of_inputs_the_same_as_an_array()
    {
        var neuron = new Neuron(3, Activation.Tanh, new Rng(5), "N");
        Value[] xs = [new Value(0.2), new Value(-1.1), new Value(0.6)];
        Value fromArray = neuron.Forward(xs);
        Value fromList = neuron.Forward(new List<Value>(xs));
        Assert.Equal(fromArray.Data, fromList.Data);
        Value z = neuron.Preactivation(new List<Value>(xs));
        Assert.Equal("sum", z.Op);
        Assert.Equal(4, z.ParentCount);
        Assert.Same(neuron.Bias, z.GetParent(3));
        var ex = Assert.Throws<ArgumentException>(() => neuron.Forward(new List<Value> { new(1) }));
        Assert.Contains("Neuron N", ex.Message);
    }

    [Fact]
    public void Network_inputs_are_labelled_x0_x1_and_so_on_past_the_cached_labels()
    {
        var mlp = new ValueMLP(20, [], 1, seed: 2);
        var x = new double[20];
        Value y = mlp.Predict(x);
        var labels = new HashSet<string?>();
        foreach (Value v in y.TopologicalOrder()) if (v.IsLeaf && !v.IsParameter) labels.Add(v.Label);
        for (int i = 0; i < 20; i++) Assert.Contains($"x{i}", labels);
    }
}
