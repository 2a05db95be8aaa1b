using Backprop.Core.Tests;
namespace Backprop.Core.Tests.Tensors;

/// <summary>Ops that write into a caller's tensor (PyTorch's out=): same values as the allocating ops, in place
/// allowed, nothing allocated per call, and clear errors where a write would be wrong.</summary>
public class TensorDestinationTests
{
    private static Tensor Random(int seed, DType dtype, params int[] shape)
    {
        var rng = new Rng((ulong)seed);
        int n = 1;
        foreach (int d in shape) n *= d;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.Uniform(0.1, 2);
        return dtype == DType.Float32 ? Tensor.FromArray(Array.ConvertAll(v, x => (float)x), shape) : Tensor.FromArray(v, shape);
    }

    public static TheoryData<string, DType> Cases()
    {
        var data = new TheoryData<string, DType>();
        foreach (string op in new[] { "add", "sub", "mul", "div", "add-broadcast", "exp", "log", "sqrt", "tanh", "sigmoid", "relu" })
            foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
                data.Add(op, dtype);
        return data;
    }

    private static (Tensor Expected, Func<Tensor, Tensor> Into, int[] Shape) Op(string op, Tensor a, Tensor b, Tensor row) => op switch
    {
        "add" => (a + b, d => Tensor.Add(a, b, d), [3, 5]),
        "sub" => (a - b, d => Tensor.Subtract(a, b, d), [3, 5]),
        "mul" => (a * b, d => Tensor.Multiply(a, b, d), [3, 5]),
        "div" => (a / b, d => Tensor.Divide(a, b, d), [3, 5]),
        "add-broadcast" => (a + row, d => Tensor.Add(a, row, d), [3, 5]),
        "exp" => (a.Exp(), d => Tensor.Exp(a, d), [3, 5]),
        "log" => (a.Log(), d => Tensor.Log(a, d), [3, 5]),
        "sqrt" => (a.Sqrt(), d => Tensor.Sqrt(a, d), [3, 5]),
        "tanh" => (a.Tanh(), d => Tensor.Tanh(a, d), [3, 5]),
        "sigmoid" => (Tensor.Sigmoid(a), d => Tensor.Sigmoid(a, d), [3, 5]),
        "relu" => ((a - 1).Relu(), d => Tensor.Relu(a - 1, d), [3, 5]),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Writing_into_a_destination_gives_the_allocating_ops_values(string op, DType dtype)
    {
        Tensor a = Random(1, dtype, 3, 5), b = Random(2, dtype, 3, 5), row = Random(3, dtype, 5);
        var (expected, into, shape) = Op(op, a, b, row);
        Tensor destination = Tensor.Zeros(shape, dtype);
        Assert.Same(destination, into(destination));
        Assert.Equal(expected.ToArray(), destination.ToArray());
        Assert.True(destination.IsLeaf);
        Assert.False(destination.RequiresGrad);
    }

    [Fact]
    public void The_destination_may_be_an_operand()
    {
        Tensor a = Random(1, DType.Float64, 4, 3), b = Random(2, DType.Float64, 4, 3), row = Random(3, DType.Float64, 3);
        double[] expected = ((a * b) + row).Exp().ToArray();
        Tensor.Multiply(a, b, a);
        Tensor.Add(a, row, a);
        Tensor.Exp(a, a);
        Assert.Equal(expected, a.ToArray());
    }

    [Fact]
    public void A_large_destination_op_allocates_nothing()
    {
        Tensor a = Random(1, DType.Float32, 1000, 300), b = Random(2, DType.Float32, 1000, 300), d = Tensor.Zeros([1000, 300], DType.Float32);
        long allocated = AllocationCounter.LeastPerBatch(() => { Tensor.Add(a, b, d); Tensor.Tanh(d, d); });
        // The allocating forms would take 2 × 1.2 MB; what remains is the broadcast plan (a few small arrays).
        Assert.True(allocated < 4096, $"{allocated} bytes per call");
    }

    [Fact]
    public void A_destination_of_another_shape_or_dtype_is_refused_with_the_shapes()
    {
        Tensor a = Random(1, DType.Float32, 3, 5), b = Random(2, DType.Float32, 3, 5);
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.Add(a, b, Tensor.Zeros([5, 3], DType.Float32)));
        Assert.Contains("add:", e.Message);
        Assert.Contains("[5, 3]", e.Message);
        Assert.Contains("[3, 5]", e.Message);
        var d = Assert.Throws<ArgumentException>(() => Tensor.Exp(a, Tensor.Zeros([3, 5], DType.Float64)));
        Assert.Contains("exp:", d.Message);
    }

    [Fact]
    public void Inputs_that_would_be_recorded_are_refused_and_accepted_under_NoGrad()
    {
        Tensor w = Random(1, DType.Float64, 2, 2);
        w.RequiresGrad = true;
        Tensor d = Tensor.Zeros([2, 2], DType.Float64);
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.Tanh(w, d));
        Assert.Contains("tanh:", e.Message);
        Assert.Contains("NoGrad", e.Message);
        using (new NoGrad()) Tensor.Tanh(w, d);
        Assert.Equal(w.Tanh().ToArray(), d.ToArray());
    }

    [Fact]
    public void A_destination_that_is_part_of_a_graph_is_refused()
    {
        Tensor w = Random(1, DType.Float64, 2, 2), x = Random(2, DType.Float64, 2, 2);
        w.RequiresGrad = true;
        Tensor computed = w * 2;
        Assert.Contains("requires gradients", Assert.Throws<InvalidOperationException>(() => Tensor.Exp(x, w)).Message);
        using (new NoGrad())
            Assert.Contains("computed by", Assert.Throws<InvalidOperationException>(() => Tensor.Exp(x, computed)).Message);
    }

    [Fact]
    public void A_parameter_can_be_updated_in_place_inside_NoGrad()
    {
        // The hand-written optimizer step of a notebook: w ← w − η·∂L/∂w, as PyTorch allows under no_grad.
        Tensor w = Random(1, DType.Float64, 2, 3), x = Random(2, DType.Float64, 2, 3);
        w.RequiresGrad = true;
        (w * x).Sum().Backward();                  // ∂L/∂w = x
        double[] expected = (w.Detach() - x * 0.5).ToArray();
        using (new NoGrad()) Tensor.Subtract(w, w.Grad! * 0.5, w);
        Assert.Equal(expected, w.ToArray());
        Assert.True(w.RequiresGrad && w.IsLeaf);
    }
}
