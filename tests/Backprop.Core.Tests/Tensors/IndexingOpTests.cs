namespace Backprop.Core.Tests.Tensors;

/// <summary>Values, shapes and errors of squeeze/unsqueeze/select/stack/gather/where/clamp/min/arg-min/var/std/logsumexp.</summary>
public class IndexingOpTests
{
    private static Tensor M(params double[] v) => Tensor.FromArray(v, 2, 3);

    [Fact]
    public void Views_share_storage_and_have_the_expected_shapes()
    {
        Tensor x = Tensor.Zeros(2, 1, 3, 1);
        Assert.Equal([2, 3], x.Squeeze().Shape);
        Assert.Equal([2, 3, 1], x.Squeeze(1).Shape);
        Assert.Equal([2, 1, 3, 1], x.Squeeze(0).Shape); // size 2: unchanged, as in PyTorch
        Assert.Equal([1, 2, 1, 3, 1], x.Unsqueeze(0).Shape);
        Assert.Equal([2, 1, 3, 1, 1], x.Unsqueeze(-1).Shape);
        Tensor s = x.Squeeze();
        s.AsSpan<float>()[4] = 7;
        Assert.Equal(7.0, x[1, 0, 1, 0]);
        Assert.Equal(0, Tensor.Ones(1, 1).Squeeze().Rank);
    }

    [Fact]
    public void Select_Stack_Gather_Where_values()
    {
        Tensor x = M(1, 2, 3, 4, 5, 6);
        Assert.Equal(new double[] { 4, 5, 6 }, x.Select(0, 1).ToArray());
        Assert.Equal(new double[] { 3, 6 }, x.Select(1, -1).ToArray());
        Assert.Equal(0, x.Select(0, 0).Select(0, 2).Rank);
        Tensor st = Tensor.Stack([x, x * 10.0], 1);
        Assert.Equal([2, 2, 3], st.Shape);
        Assert.Equal(new double[] { 1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60 }, st.ToArray());
        Assert.Equal(new double[] { 3, 4 }, x.Gather(1, [2, 0]).ToArray()); // inferred index shape [2, 1]
        Assert.Equal([2, 1], x.Gather(1, [2, 0]).Shape);
        Tensor w = Tensor.Where(M(1, 0, 1, 0, 0, 1), x, Tensor.Scalar(-1, DType.Float64));
        Assert.Equal(new double[] { 1, -1, 3, -1, -1, 6 }, w.ToArray());
    }

    [Fact]
    public void Min_ArgMin_Clamp_Var_Std_LogSumExp_values()
    {
        Tensor x = M(3, -1, 2, 0, 5, -1);
        Assert.Equal(-1.0, x.Min().Item());
        Assert.Equal(new double[] { -1, -1 }, x.Min(1).ToArray());
        Assert.Equal(new[] { 1, 2 }, x.ArgMin(1));
        Assert.Equal(new[] { 1, 0, 1 }, x.ArgMin(0));
        Assert.Equal(new[] { 0, 1 }, x.ArgMax(1));
        Assert.Equal(new double[] { 2, 0, 2, 0, 2, 0 }, x.Clamp(0, 2).ToArray());
        Assert.Equal(new double[] { 1, 1, 1, 1, 1, 1 }, x.Clamp(2, 1).ToArray()); // min > max: max, as in PyTorch
        Tensor v = Tensor.FromArray(new double[] { 1, 2, 3, 4 });
        Assert.Equal(5.0 / 3, v.Var().Item(), 14);
        Assert.Equal(1.25, v.Var(correction: 0).Item(), 14);
        Assert.Equal(Math.Sqrt(5.0 / 3), v.Std().Item(), 14);
        Assert.Equal(Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3) + Math.Exp(4)), v.LogSumExp().Item(), 14);
        Assert.Equal(1000 + Math.Log(2), Tensor.FromArray(new double[] { 1000, 1000 }).LogSumExp().Item(), 10);
        Assert.Equal(double.NegativeInfinity, Tensor.FromArray(new double[] { double.NegativeInfinity, double.NegativeInfinity }).LogSumExp().Item());
    }

    [Fact]
    public void Errors_name_the_op_the_shapes_and_what_was_expected()
    {
        Tensor x = Tensor.Zeros(2, 3);
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.Stack([x, Tensor.Zeros(3, 2)]));
        Assert.Equal("stack: cannot stack [2, 3] with [3, 2] (tensors[1]): expected equal shapes.", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => x.Gather(1, [0, 1, 2], [3, 1]));
        Assert.StartsWith("gather: cannot gather from [2, 3] along axis 1 with an index of shape [3, 1]", e.Message);
        Assert.Throws<ShapeMismatchException>(() => x.Gather(1, [0, 1, 2], [2, 1]));   // 3 indices for 2 places
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => x.Gather(1, [0, 3]));
        Assert.Contains("expected indices in [0, 2]", range.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Tensor.Where(Tensor.Zeros(4), x, x));
        Assert.StartsWith("where: cannot broadcast the condition [4] with the values [2, 3]", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Tensor.Where(x, x, Tensor.Zeros(2)));
        Assert.StartsWith("where: cannot broadcast a [2, 3] with b [2]", e.Message);
        range = Assert.Throws<ArgumentOutOfRangeException>(() => x.Select(1, 3));
        Assert.Contains("select: index 3 is out of range for axis 1 of a tensor of shape [2, 3]; expected an index in [-3, 2]", range.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Unsqueeze(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Squeeze(2));
        Assert.Throws<ArgumentException>(() => x.Clamp());
        Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(0).Min());
        Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(2, 0).ArgMin(1));
    }
}
