using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Core.Tests.Tensors;

/// <summary>Tensor.Scope() and Tensor.Dispose: released tensors throw, kept ones survive, storage is reused only when
/// nothing can still see it, and results do not depend on whether a scope is used.</summary>
public class TensorScopeTests
{
    [Fact]
    public void An_op_result_is_released_at_the_end_of_its_scope_and_throws_a_clear_error_on_use()
    {
        Tensor x = Tensor.FromArray([1.0, -2.0, 3.0], [3], DType.Float64);
        Tensor y;
        using (Tensor.Scope()) y = x.Relu();

        Assert.True(y.IsDisposed);
        Assert.False(x.IsDisposed); // made by a factory: never released by a scope
        var error = Assert.Throws<ObjectDisposedException>(() => y.ToArray());
        Assert.Contains(y.DisplayName, error.Message);
        Assert.Contains("released", error.Message);
        Assert.Contains("MoveToOuterScope", error.Message);
        Assert.Throws<ObjectDisposedException>(() => y.AsReadOnlySpan<double>());
        Assert.Throws<ObjectDisposedException>(() => y.Reshape(3, 1));
        Assert.Throws<ObjectDisposedException>(() => y + x);
        Assert.Throws<ObjectDisposedException>(() => y.ElementCount);
        Assert.Contains("<released>", y.ToString());
        Assert.Equal([1.0, -2.0, 3.0], x.ToArray());
    }

    [Fact]
    public void Backward_through_a_released_node_throws_instead_of_reading_recycled_memory()
    {
        Tensor w = Tensor.FromArray([0.5, -1.5], [2], DType.Float64);
        w.RequiresGrad = true;
        Tensor loss;
        using (Tensor.Scope())
        {
            Tensor h = (w * 3.0).Tanh();
            loss = h.Sum().MoveToOuterScope(); // the loss survives, the activations it was computed from do not
        }
        Assert.False(loss.IsDisposed);
        var error = Assert.Throws<ObjectDisposedException>(() => loss.Backward());
        Assert.Contains("released", error.Message);
    }

    [Fact]
    public void A_tensor_moved_out_survives_its_scope_with_its_values()
    {
        Tensor x = Tensor.FromArray([1.0, -2.0, 3.0, -4.0], [2, 2], DType.Float64);
        Tensor kept;
        using (Tensor.Scope())
        {
            kept = (x * 2.0).Relu().MoveToOuterScope();
            _ = x.Exp(); // released
            using (Tensor.Scope()) _ = x.Exp() * 3.0; // their storage goes back to the pool...
        }
        using (Tensor.Scope())
            for (int i = 0; i < 4; i++) _ = (x * 7.0).Relu(); // ...and is rented again: the kept tensor's is not
        Assert.Equal([2.0, 0.0, 6.0, 0.0], kept.ToArray());
    }

    [Fact]
    public void Nested_scopes_release_their_own_results_and_a_move_goes_one_level_out()
    {
        Tensor x = Tensor.FromArray([1.0, 2.0], [2], DType.Float64);
        Tensor outer, inner, movedOnce, movedTwice;
        using (TensorScope a = Tensor.Scope())
        {
            outer = x * 2.0;
            using (TensorScope b = Tensor.Scope())
            {
                inner = x * 3.0;
                movedOnce = (x * 4.0).MoveToOuterScope();
                movedTwice = (x * 5.0).MoveToOuterScope().MoveToOuterScope();
                Assert.Equal(3, b.Count); // the moved ones are counted too, but no longer belong to b
            }
            Assert.True(inner.IsDisposed);
            Assert.False(outer.IsDisposed);
            Assert.False(movedOnce.IsDisposed);
            Assert.Equal([4.0, 8.0], movedOnce.ToArray());
        }
        Assert.True(outer.IsDisposed);
        Assert.True(movedOnce.IsDisposed);
        Assert.False(movedTwice.IsDisposed);
        Assert.Equal([5.0, 10.0], movedTwice.ToArray());
    }

    [Fact]
    public void Ending_an_outer_scope_before_the_inner_one_throws_and_ending_twice_is_harmless()
    {
        TensorScope outer = Tensor.Scope();
        TensorScope inner = Tensor.Scope();
        var error = Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        Assert.Contains("innermost", error.Message);
        inner.Dispose();
        inner.Dispose();
        outer.Dispose();
        outer.Dispose();
        default(TensorScope).Dispose();
        Assert.Equal(0, outer.Count);
    }

    [Fact]
    public void A_view_or_detached_copy_kept_after_the_scope_keeps_the_shared_storage()
    {
        Tensor x = Tensor.FromArray([1.0, 2.0, 3.0, 4.0], [4], DType.Float64);
        Tensor view, detached;
        using (Tensor.Scope())
        {
            Tensor y = x * 10.0;
            view = y.Reshape(2, 2).MoveToOuterScope();
            detached = (x * 100.0).Detach();
        }
        using (Tensor.Scope())
            for (int i = 0; i < 4; i++) _ = x * -1.0; // would reuse a returned storage of 4 doubles
        Assert.Equal([10.0, 20.0, 30.0, 40.0], view.ToArray());
        Assert.Equal([100.0, 200.0, 300.0, 400.0], detached.ToArray());
    }

    [Fact]
    public void Dispose_releases_a_single_result_once_and_parameters_and_gradients_outlive_scopes()
    {
        var model = MLP.Create(3, [4], 2, Activation.Tanh, seed: 1, fuseActivations: true);
        Tensor x = Tensor.Randn([5, 3], 2);
        using (Tensor.Scope())
        {
            Tensor loss = model.Forward(x).Pow(2).Mean();
            loss.Backward();
        }
        foreach (Tensor p in model.Parameters())
        {
            Assert.False(p.IsDisposed);
            Assert.NotNull(p.Grad);
            Assert.False(p.Grad!.IsDisposed);
        }

        Tensor y = x.Relu();
        y.Dispose();
        y.Dispose();
        Assert.True(y.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => y.Sum());
        Assert.Throws<ObjectDisposedException>(() => y.MoveToOuterScope());
    }

    [Fact]
    public void Parameters_and_data_sets_made_by_ops_inside_a_scope_outlive_it()
    {
        Tensor w, features;
        Backprop.Data.TensorDataset data;
        using (Tensor.Scope())
        {
            w = Tensor.Randn([3], 1, DType.Float64) * 0.5;
            w.RequiresGrad = true;
            features = Tensor.Ones([4, 2], DType.Float64) * 2.0;
            data = new Backprop.Data.TensorDataset(features, [0, 1, 0, 1]);
        }
        Assert.False(w.IsDisposed);
        Assert.False(features.IsDisposed);
        Assert.Equal(16.0, data.Features.Sum().Item());
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Training_in_scopes_gives_bit_identical_weights_and_losses(DType dtype)
    {
        double[] withScopes = Train(useScopes: true, dtype), without = Train(useScopes: false, dtype);
        Assert.Equal(without, withScopes); // exact: the same operations on the same numbers
    }

    private static double[] Train(bool useScopes, DType dtype)
    {
        var model = MLP.Create(6, [8, 8], 3, Activation.ReLU, seed: 11, dtype: dtype, fuseActivations: true);
        var adam = new Adam(model.Parameters(), 0.01);
        Tensor x = Tensor.Randn([16, 6], 12, dtype);
        var labels = new int[16];
        for (int i = 0; i < labels.Length; i++) labels[i] = i % 3;
        var trace = new List<double>();
        for (int step = 0; step < 12; step++)
        {
            TensorScope scope = useScopes ? Tensor.Scope() : default;
            Tensor loss = Functional.CrossEntropy(model.Forward(x), labels);
            adam.ZeroGrad();
            loss.Backward();
            adam.Step();
            trace.Add(loss.Item());
            scope.Dispose();
        }
        foreach (Tensor p in model.Parameters()) trace.AddRange(p.ToArray());
        return [.. trace];
    }
}
