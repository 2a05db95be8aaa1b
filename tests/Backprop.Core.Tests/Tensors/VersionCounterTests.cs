using static Backprop.Core.Tests.Tensors.TensorGradChecker;
using Backprop.Optim;

namespace Backprop.Core.Tests.Tensors;

/// <summary>Version counters: every in-place write bumps the storage's version, and Backward refuses a saved
/// tensor that changed after it was saved (PyTorch's "modified by an inplace operation").</summary>
public class VersionCounterTests
{
    [Fact]
    public void Every_in_place_write_bumps_the_version_and_reads_do_not()
    {
        Tensor t = Tensor.Zeros([2, 3], DType.Float64);
        Assert.Equal(0, t.Version);
        t.Fill(1);
        Assert.Equal(1, t.Version);
        t[0, 1] = 5;
        Assert.Equal(2, t.Version);
        t.AsSpan<double>()[0] = 3;
        Assert.Equal(3, t.Version);
        _ = t.AsReadOnlySpan<double>();
        _ = t[0, 0];
        _ = t.ToArray();
        Assert.Equal(3, t.Version);
        Tensor.Add(t, t, t);
        Tensor.Exp(t, t);
        Assert.Equal(5, t.Version);
        Assert.Equal(0, Tensor.Ones(2, 2).Version); // factories are not writes
        Assert.Equal(0, Tensor.Full([2], 3.0).Version);
    }

    [Fact]
    public void Tensors_sharing_storage_share_the_version()
    {
        Tensor t = Tensor.Zeros(2, 3);
        Tensor detached = t.Detach(), view = t.Reshape(3, 2), squeezed = t.Unsqueeze(0).Squeeze();
        detached.Fill(1);
        Assert.Equal(1, t.Version);
        view[0, 0] = 2;
        Assert.Equal(2, t.Version);
        Assert.Equal(2, squeezed.Version);
        Assert.Equal(2, detached.Version);
        Assert.Equal(0, t.Select(0, 0).Version); // a copy has its own storage
    }

    [Fact]
    public void Backward_throws_when_a_saved_input_was_modified_naming_it_and_the_op()
    {
        Tensor a = Leaf(1, 2, 3);
        Tensor b = Tensor.FromArray(new double[] { 4, 5, 6 });
        b.Label = "b";
        Tensor loss = (a * b).Sum();
        b.Fill(0);
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("modified by an in-place operation", e.Message);
        Assert.Contains("b [3], the input 1 of 'mul'", e.Message);
        Assert.Contains("saved at version 0 and is now at version 1", e.Message);
    }

    [Fact]
    public void Backward_throws_when_a_saved_result_was_modified_and_through_a_view()
    {
        Tensor a = Leaf(1, 2, 3);
        Tensor y = a.Exp();
        Tensor loss = y.Sum();
        using (new NoGrad()) y.AsSpan<double>()[0] = 0; // the explicit opt-out: outside NoGrad the write itself is refused
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("the result of 'exp'", e.Message);

        Tensor x = Tensor.FromArray(new double[] { 1, 2, 3, 4 });
        Tensor w = Leaf(1, 1, 1, 1);
        Tensor z = (w.Reshape(2, 2).MatMul(x.Reshape(2, 2))).Sum();
        x.Detach()[3] = 9; // through storage shared with the saved view
        e = Assert.Throws<InvalidOperationException>(() => z.Backward());
        Assert.Contains("'matmul'", e.Message);
    }

    [Fact]
    public void Writes_into_tensors_no_backward_step_reads_stay_legal()
    {
        Tensor a = Leaf(1, 2, 3);
        Tensor b = Tensor.FromArray(new double[] { 4, 5, 6 });
        Tensor loss = (a + b).Sum() + (a * 2.0).Reshape(3, 1).Select(1, 0).Sum();
        b.Fill(0);
        loss.Backward();
        Assert.Equal(new double[] { 3, 3, 3 }, a.Grad!.ToArray());
    }

    [Fact]
    public void Elementwise_functions_check_only_what_their_derivative_reads()
    {
        Tensor a = Leaf(1, 2, 3);
        Tensor h = a * 1.0;
        Tensor viaResult = h.Exp().Sum();  // exp′ = exp: reads its result, not h
        Tensor viaInput = h.Log().Sum();   // log′ = 1/x: reads h
        using (new NoGrad()) h.AsSpan<double>()[0] = 5; // the explicit opt-out: outside NoGrad the write itself is refused
        viaResult.Backward();
        Assert.Equal(Math.Exp(2), a.Grad!.ToArray()[1], 12);
        var e = Assert.Throws<InvalidOperationException>(() => viaInput.Backward());
        Assert.Contains("the input 0 of 'log'", e.Message);
    }

    [Fact]
    public void The_optimizer_step_after_backward_is_legal_and_a_stale_graph_is_refused()
    {
        Tensor w = Leaf(0.5, -1, 2);
        Tensor x = Tensor.FromArray(new double[] { 1, 2, 3 });
        var sgd = new SGD([w], 0.1);
        for (int step = 0; step < 3; step++)
        {
            Tensor loss = (w * x).Sum();
            sgd.ZeroGrad();
            loss.Backward();
            int before = w.Version;
            sgd.Step();
            Assert.Equal(before + 1, w.Version);
        }
        Tensor stale = (w * x).Sum();
        stale.Backward();
        sgd.Step();
        var e = Assert.Throws<InvalidOperationException>(() => stale.Backward()); // the graph saved w before the step
        Assert.Contains("the input 0 of 'mul'", e.Message);
    }

    [Fact]
    public void A_computed_tensor_that_requires_gradients_cannot_be_written_in_place()
    {
        Tensor x = Tensor.Ones([2, 2], DType.Float64);
        x.RequiresGrad = true;
        Tensor y = x * 2;
        // Through the tensor or through a view of it: the recorded history would no longer describe the values.
        var fill = Assert.Throws<InvalidOperationException>(() => y.Reshape(4).Fill(1));
        Assert.Contains("Fill:", fill.Message);
        Assert.Contains("cannot be written in place", fill.Message);
        Assert.Throws<InvalidOperationException>(() => y[0, 0] = 3);
        Assert.Throws<InvalidOperationException>(() => y.AsSpan<double>());
        Assert.Equal(2.0, y[0, 0]);                          // nothing was written
        _ = y.AsReadOnlySpan<double>();                      // reading stays allowed
        using (new NoGrad()) y.Fill(0);                      // an explicit opt-out, as in PyTorch
        x.Fill(5);                                           // leaves stay writable
        Tensor copy = y.Detach() * 1;
        copy.Fill(7);
        Assert.Equal(0.0, y[0, 0]);
    }
}
