namespace Backprop.Core.Tests.Scalar;

/// <summary>The backward pass: ordering, accumulation, depth, no-grad.</summary>
public class BackwardTests
{
    [Fact]
    public void Topological_order_lists_each_node_once_with_parents_first()
    {
        var x = new Value(1.5, "x");
        Value a = x * x;
        Value b = a + x;
        Value c = b * a;
        IReadOnlyList<Value> order = c.TopologicalOrder();
        Assert.Equal(4, order.Count);
        Assert.Same(c, order[^1]);
        for (int i = 0; i < order.Count; i++)
            foreach (Value p in order[i].Parents)
                Assert.True(IndexOf(order, p) < i);
    }

    private static int IndexOf(IReadOnlyList<Value> list, Value v)
    {
        for (int i = 0; i < list.Count; i++) if (ReferenceEquals(list[i], v)) return i;
        return -1;
    }

    [Fact]
    public void Sub_gradients_from_every_path_add_up()
    {
        // y = x·x + 3x: x reaches y through three operand slots: 2x + 3.
        var x = new Value(2.0);
        Value y = x * x + 3 * x;
        y.Backward();
        Assert.Equal(7.0, x.Grad);
    }

    [Fact]
    public void Backward_twice_without_zeroing_accumulates_exactly_double()
    {
        var x = new Value(0.7, "x");
        var w = Value.Parameter(-1.3, "w");
        Value h = (w * x).Tanh();
        Value y = h * h + w;
        y.Backward();
        double gx = x.Grad, gw = w.Grad, gh = h.Grad, gy = y.Grad;
        y.Backward();
        Assert.Equal(2 * gx, x.Grad, 15);
        Assert.Equal(2 * gw, w.Grad, 15);
        Assert.Equal(2 * gh, h.Grad, 15);
        Assert.Equal(2 * gy, y.Grad, 15);
        y.ZeroGrad();
        Assert.Equal(0.0, x.Grad);
        Assert.Equal(0.0, h.Grad);
        y.Backward();
        Assert.Equal(gw, w.Grad, 15);
    }

    [Fact]
    public void Seed_scales_every_gradient()
    {
        var x = new Value(3);
        Value y = x * x;
        y.Backward(seed: 0.5);
        Assert.Equal(3.0, x.Grad);
    }

    [Fact]
    public void A_chain_of_a_million_nodes_backpropagates_without_recursion_and_accumulates()
    {
        const int n = 1_000_000;
        var x = new Value(1.0, "x");
        Value y = x;
        for (int i = 0; i < n; i++) y = y * 1.000001; // each link: ∂/∂prev = 1.000001
        Assert.Equal(2 * n + 1, y.TopologicalOrder().Count); // the chain plus one constant per link
        y.Backward();
        double expected = Math.Pow(1.000001, n);
        Assert.Equal(expected, x.Grad, 1e-9 * expected);
        Assert.Equal(expected, y.Data, 1e-9 * expected);
        y.Backward();
        Assert.Equal(2 * expected, x.Grad, 2e-9 * expected);
    }

    [Fact]
    public void NoGrad_records_no_graph_and_nests()
    {
        var w = Value.Parameter(2.0, "w");
        using (new NoGrad())
        {
            Assert.True(NoGrad.IsActive);
            Value y = w * 3 + 1;
            Assert.Equal(7.0, y.Data);
            Assert.True(y.IsLeaf);
            Assert.Empty(y.Parents);
            using (new NoGrad()) Assert.True((w.Tanh()).IsLeaf);
            Assert.True(NoGrad.IsActive);
            w.Data -= 0.5;
        }
        Assert.False(NoGrad.IsActive);
        Value z = w * 3;
        Assert.False(z.IsLeaf);
        z.Backward();
        Assert.Equal(3.0, w.Grad);
        Assert.Equal(1.5, w.Data);
    }

    [Fact]
    public void Disposing_a_NoGrad_scope_twice_does_not_unbalance_it()
    {
        var outer = new NoGrad();
        var inner = new NoGrad();
        inner.Dispose();
        inner.Dispose();
        Assert.True(NoGrad.IsActive);
        outer.Dispose();
        Assert.False(NoGrad.IsActive);
    }

    [Fact]
    public void NoGrad_does_not_reach_threads_outside_its_flow_of_control()
    {
        using var entered = new ManualResetEventSlim();
        bool activeElsewhere = true;
        var thread = new Thread(() =>
        {
            entered.Wait();
            activeElsewhere = NoGrad.IsActive;
        });
        thread.Start(); // started before the scope: not inside it
        using (new NoGrad())
        {
            entered.Set();
            thread.Join();
        }
        Assert.False(activeElsewhere);
    }
}
