using static Backprop.Core.Tests.Tensors.TensorGradChecker;
namespace Backprop.Core.Tests.Tensors;

/// <summary>RegisterHook on tensors and values: called with the gradient during backward, may replace it,
/// removable through its handle (PyTorch's register_hook).</summary>
public class HookTests
{
    [Fact]
    public void A_hook_on_a_non_leaf_sees_its_total_gradient_and_its_replacement_flows_downstream()
    {
        Tensor x = Leaf(1, 2, 3);
        Tensor h = x * 3.0;
        double[]? seen = null;
        using HookHandle observe = h.RegisterHook(g => { seen = g.ToArray(); });
        using HookHandle twice = h.RegisterHook(g => g * 2.0);
        (h * h + h).Sum().Backward(); // ∂/∂h = 2h + 1 (both paths summed before the hook)
        Assert.Equal(new double[] { 7, 13, 19 }, seen);
        Assert.Equal(new double[] { 42, 78, 114 }, x.Grad!.ToArray()); // 2·(2h + 1)·3
    }

    [Fact]
    public void A_replaced_gradient_is_what_a_retained_non_leaf_keeps()
    {
        Tensor x = Leaf(1, 2);
        Tensor h = (x * 1.0).RetainGrad();
        h.RegisterHook(_ => Tensor.FromArray(new double[] { 10, 20 }));
        h.Sum().Backward();
        Assert.Equal(new double[] { 10, 20 }, h.Grad!.ToArray());
        Assert.Equal(new double[] { 10, 20 }, x.Grad!.ToArray());
    }

    [Fact]
    public void A_leaf_hook_sees_this_pass_only_and_its_replacement_accumulates_into_Grad()
    {
        Tensor x = Leaf(1, 2, 3);
        var seen = new List<double[]>();
        x.RegisterHook(g => { seen.Add(g.ToArray()); });
        HookHandle zeroFirst = x.RegisterHook(g => g * 0.0 + 1.0);
        (x * x).Sum().Backward();
        (x * x).Sum().Backward();
        Assert.Equal(new double[] { 2, 4, 6 }, seen[0]);
        Assert.Equal(new double[] { 2, 4, 6 }, seen[1]); // not the accumulated Grad
        Assert.Equal(new double[] { 2, 2, 2 }, x.Grad!.ToArray()); // 1 + 1 per element

        zeroFirst.Remove();
        zeroFirst.Dispose(); // a second removal does nothing
        x.ZeroGrad();
        (x * x).Sum().Backward();
        Assert.Equal(new double[] { 2, 4, 6 }, x.Grad!.ToArray());
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void Removed_hooks_are_not_called()
    {
        Tensor x = Leaf(1, 2);
        Tensor h = x * 2.0;
        int calls = 0;
        HookHandle handle = h.RegisterHook(g => { calls++; return g * 100.0; });
        handle.Dispose();
        h.Sum().Backward();
        Assert.Equal(0, calls);
        Assert.Equal(new double[] { 2, 2 }, x.Grad!.ToArray());
    }

    [Fact]
    public void Hooks_refuse_tensors_without_gradients_and_replacements_of_another_shape()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(2).RegisterHook(_ => { }));
        Assert.StartsWith("RegisterHook:", e.Message);
        Tensor x = Leaf(1, 2);
        Tensor h = x * 2.0;
        h.RegisterHook(_ => Tensor.Zeros([3], DType.Float64));
        var shape = Assert.Throws<ShapeMismatchException>(() => h.Sum().Backward());
        Assert.Contains("returned a gradient of shape [3]; expected the tensor's shape [2]", shape.Message);
    }

    [Fact]
    public void Value_hooks_replace_observe_and_remove()
    {
        var x = new Value(2.0, "x");
        Value v = x * 3;
        double seen = double.NaN;
        using (v.RegisterHook(g => { seen = g; }))
        using (v.RegisterHook(g => 2 * g))
        {
            Value f = v * v; // ∂f/∂v = 2v = 12
            f.Backward();
            Assert.Equal(12.0, seen);
            Assert.Equal(24.0, v.Grad);
            Assert.Equal(72.0, x.Grad); // 24 · 3
        }
        x.ZeroGrad();
        (v * v).Backward(); // hooks removed
        Assert.Equal(36.0, x.Grad);
        Assert.Equal(2, v.ParentCount); // x and the constant 3: the flag bit leaves the arity alone

        var leaf = new Value(1.5);
        leaf.RegisterHook(_ => 0.0);
        (leaf * leaf).Backward(detectAnomaly: true);
        Assert.Equal(0.0, leaf.Grad);
    }
}
