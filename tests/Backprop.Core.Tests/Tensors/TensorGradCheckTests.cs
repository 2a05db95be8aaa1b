using Backprop.Core.Tests.Ops;
using static Backprop.Core.Tests.Tensors.TensorGradChecker;

namespace Backprop.Core.Tests.Tensors;

/// <summary>Every differentiable tensor op against central finite differences (float64): every row of the
/// <see cref="OpTable"/>, broadcasting, and the ops listed here.</summary>
public class TensorGradCheckTests
{
    [Theory]
    [InlineData(new[] { 2, 3 }, new[] { 2, 3 })]
    [InlineData(new[] { 3, 1 }, new[] { 1, 4 })]
    [InlineData(new[] { 2, 3 }, new[] { 3 })]
    [InlineData(new[] { 4 }, new[] { 2, 3, 4 })]
    [InlineData(new[] { 2, 1, 3 }, new[] { 4, 1 })]
    [InlineData(new int[0], new[] { 2, 3 })]
    public void Add_Subtract_Multiply_Divide_Broadcast(int[] sa, int[] sb)
    {
        Check(x => x[0] + x[1], Randn(1, sa), Randn(2, sb));
        Check(x => x[0] - x[1], Randn(3, sa), Randn(4, sb));
        Check(x => x[0] * x[1], Randn(5, sa), Randn(6, sb));
        Check(x => x[0] / x[1], Randn(7, sa), Positive(8, sb));
        Check(x => x[1] / x[0], Positive(9, sa), Randn(10, sb));
    }

    [Theory]
    [MemberData(nameof(OpTable.Names), MemberType = typeof(OpTable))]
    public void EveryTableOp_MatchesFiniteDifferences(string name)
    {
        OpRow row = OpTable.Row(name);
        Check(row.Ours, OpTable.Inputs(row, 1, DType.Float64));
    }

    [Fact]
    public void SameTensorUsedTwice_CollectsBothContributions()
    {
        Check(x => x[0] * x[0], Randn(1, 3, 2));
        Check(x => x[0] / x[0].Exp(), Randn(2, 3, 2));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void Softmax_And_LogSoftmax_BothAxes(int axis)
    {
        Check(x => x[0].Softmax(axis), Randn(1, 3, 4));
        Check(x => x[0].LogSoftmax(axis), Randn(2, 3, 4));
    }

    [Fact]
    public void Softmax_MiddleAxisOf3D()
    {
        Check(x => x[0].Softmax(1), Randn(3, 2, 3, 4));
        Check(x => x[0].LogSoftmax(1), Randn(4, 2, 3, 4));
    }

    [Fact]
    public void MatMul_2D_Batched3Dx2D_And_3Dx3D()
    {
        Check(x => Tensor.MatMul(x[0], x[1]), Randn(1, 3, 4), Randn(2, 4, 5));
        Check(x => x[0].MatMul(x[1]), Randn(3, 2, 3, 4), Randn(4, 4, 5));
        Check(x => Tensor.MatMul(x[0], x[1]), Randn(5, 2, 3, 4), Randn(6, 2, 4, 2));
        Check(x => Tensor.MatMul(x[0], x[0]), Randn(7, 3, 3)); // both operands the same tensor
    }

    [Theory]
    [InlineData(new[] { 4 }, new[] { 4, 3 })]          // row vector · matrix
    [InlineData(new[] { 2, 4 }, new[] { 4 })]          // matrix · column vector
    [InlineData(new[] { 4 }, new[] { 4 })]             // dot product → rank 0
    [InlineData(new[] { 4 }, new[] { 2, 4, 3 })]       // vector · batch
    [InlineData(new[] { 2, 3, 4 }, new[] { 4 })]       // batch · vector
    [InlineData(new[] { 2, 1, 3, 4 }, new[] { 5, 4, 2 })] // broadcast batch dimensions
    [InlineData(new[] { 3, 4 }, new[] { 2, 4, 5 })]    // one matrix A against a batch of B
    [InlineData(new[] { 1, 2, 3 }, new[] { 4, 3, 2 })] // a batch of one, broadcast
    [InlineData(new[] { 2, 2, 2, 3 }, new[] { 2, 1, 3, 2 })]
    public void MatMul_VectorsAndBroadcastBatches(int[] sa, int[] sb)
    {
        Check(x => Tensor.MatMul(x[0], x[1]), Randn(1, sa), Randn(2, sb));
    }

    [Fact]
    public void Transpose_Reshape()
    {
        Check(x => x[0].Transpose() * x[1], Randn(1, 2, 3), Randn(2, 3, 2));
        Check(x => x[0].T.MatMul(x[0]), Randn(3, 4, 3));
        Check(x => x[0].Reshape(3, -1) * x[1], Randn(4, 2, 3), Randn(5, 3, 2));
        Check(x => x[0].Reshape(6).Exp(), Randn(6, 2, 3));
    }

    [Theory]
    [InlineData(37, 70)]   // the tiles' edges fall mid-tile in both directions
    [InlineData(1, 65)]
    [InlineData(64, 32)]
    public void Transpose_of_shapes_that_do_not_fill_whole_tiles_moves_every_element_and_gradient(int m, int n)
    {
        Tensor x = Randn(11, m, n);
        x.RequiresGrad = true;
        Tensor y = x.T;
        Assert.Equal([n, m], y.Shape);
        Tensor weights = Randn(12, n, m);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) Assert.Equal(x[i, j], y[j, i]);
        (y * weights).Sum().Backward();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) Assert.Equal(weights[j, i], x.Grad![i, j]);
    }

    [Fact]
    public void Sum_Mean_AllAndAlongAxes()
    {
        Check(x => x[0].Sum(), Randn(1, 2, 3));
        Check(x => x[0].Mean(), Randn(2, 2, 3));
        foreach (int axis in new[] { 0, 1, 2, -1 })
            foreach (bool keep in new[] { false, true })
            {
                Check(x => x[0].Sum(axis, keep), Randn(3, 2, 3, 4));
                Check(x => x[0].Mean(axis, keep), Randn(4, 2, 3, 4));
            }
    }

    [Fact]
    public void Max_AllAndAlongAxes()
    {
        Check(x => x[0].Max(), Randn(1, 3, 4));
        foreach (int axis in new[] { 0, 1, -1 })
        {
            Check(x => x[0].Max(axis), Randn(2, 3, 4));
            Check(x => x[0].Max(axis, keepDim: true), Randn(3, 3, 4));
        }
        Check(x => x[0].Max(1), Randn(4, 2, 3, 4));
    }

    [Fact]
    public void Max_Ties_AxisGoesToFirstArgMax_FullReductionSharesEqually()
    {
        var x = Tensor.FromArray(new double[] { 1, 5, 5, 2, 7, 7 }, 2, 3);
        x.RequiresGrad = true;
        x.Max(1).Sum().Backward();
        Assert.Equal(new double[] { 0, 1, 0, 0, 1, 0 }, x.Grad!.ToArray());

        x.Grad = null;
        x.Max().Backward();
        Assert.Equal(new double[] { 0, 0, 0, 0, 0.5, 0.5 }, x.Grad!.ToArray()); // as PyTorch: split among the maxima

        var cols = Tensor.FromArray(new double[] { 3, 1, 3, 1 }, 2, 2);
        cols.RequiresGrad = true;
        cols.Max(0).Sum().Backward();
        Assert.Equal(new double[] { 1, 1, 0, 0 }, cols.Grad!.ToArray());
    }

    [Fact]
    public void Slice_IndexSelect_WithRepeatedRows()
    {
        Check(x => x[0].Slice(1, 2), Randn(1, 4, 3));
        Check(x => x[0].IndexSelect([2, 0, 2, 2]), Randn(2, 3, 2));
        var x = Tensor.Ones([3, 2], DType.Float64);
        x.RequiresGrad = true;
        x.IndexSelect([1, 1, 0, 1]).Sum().Backward();
        Assert.Equal(new double[] { 1, 1, 3, 3, 0, 0 }, x.Grad!.ToArray());
    }

    [Fact]
    public void Concat_AlongEachAxis()
    {
        Check(x => Tensor.Concat([x[0], x[1]], 0), Randn(1, 2, 3), Randn(2, 1, 3));
        Check(x => Tensor.Concat([x[0], x[1], x[0]], 1), Randn(3, 2, 3), Randn(4, 2, 1));
        Check(x => Tensor.Concat([x[0], x[1]], -1), Randn(5, 2, 2, 3), Randn(6, 2, 2, 2));
    }

    [Fact]
    public void Squeeze_Unsqueeze_Select_Stack()
    {
        Check(x => x[0].Squeeze() * x[1], Randn(1, 2, 1, 3), Randn(2, 2, 3));
        Check(x => x[0].Squeeze(1).Exp(), Randn(3, 2, 1, 3));
        Check(x => x[0].Unsqueeze(1) * x[1], Randn(4, 2, 3), Randn(5, 2, 4, 3));
        foreach ((int axis, int index) in new[] { (0, 1), (1, -1), (2, 0) })
            Check(x => x[0].Select(axis, index).Exp(), Randn(6, 2, 4, 3));
        foreach (int axis in new[] { 0, 1, -1 })
            Check(x => Tensor.Stack([x[0], x[1], x[0]], axis), Randn(7, 2, 3), Randn(8, 2, 3));
    }

    [Fact]
    public void Gather_Where_Clamp()
    {
        Check(x => x[0].Gather(1, [0, 3, 3, 1, 2, 2], [3, 2]), Randn(1, 3, 4));
        Check(x => x[0].Gather(0, [2, 0, 1, 1, 1, 0, 2, 2], [2, 4]), Randn(2, 3, 4));
        Check(x => x[0].Gather(-1, [3, 0, 1, 2, 2, 2]), Randn(3, 2, 3, 4)); // index shape inferred: [2, 3, 1]
        Tensor condition = Tensor.FromArray(new double[] { 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1 }, 3, 4);
        Check(x => Tensor.Where(condition, x[0], x[1]), Randn(4, 3, 4), Randn(5, 3, 4));
        Check(x => Tensor.Where(condition, x[0], x[1]), Randn(6, 1, 4), Randn(7, 3, 1));
        Check(x => Tensor.Where(condition.Select(0, 0), x[0], x[1]), Randn(8, 2, 4), Randn(9));
        Check(x => x[0].Clamp(-0.5, 0.7), AwayFrom(AwayFrom(Randn(10, 3, 4), -0.5), 0.7));
        Check(x => x[0].Clamp(min: 0.3), AwayFrom(Randn(11, 3, 4), 0.3));
    }

    private static Tensor AwayFrom(Tensor t, double bound)
    {
        for (int i = 0; i < t.ElementCount; i++)
            if (Math.Abs(t.GetFlat(i) - bound) < 0.05) t.SetFlat(i, bound + 0.1);
        return t;
    }

    [Fact]
    public void Min_Var_Std_LogSumExp()
    {
        Check(x => x[0].Min(), Randn(1, 3, 4));
        Check(x => x[0].Var(), Randn(2, 3, 4));
        Check(x => x[0].Std(correction: 0), Randn(3, 3, 4));
        Check(x => x[0].LogSumExp(), Randn(4, 3, 4));
        foreach (int axis in new[] { 0, 1, 2, -1 })
            foreach (bool keep in new[] { false, true })
            {
                Check(x => x[0].Min(axis, keep), Randn(5, 2, 3, 4));
                Check(x => x[0].Var(axis, keep), Randn(6, 2, 3, 4));
                Check(x => x[0].Std(axis, keep, correction: 0), Randn(7, 2, 3, 4));
                Check(x => x[0].LogSumExp(axis, keep), Randn(8, 2, 3, 4));
            }
    }

    [Fact]
    public void DTypeConversion_PassesGradientThrough()
    {
        // Float32 rounding defeats finite differences, so check the exact gradient instead: y = 3·x.
        var x = Tensor.FromArray(new double[] { 1, 2, 3 });
        x.RequiresGrad = true;
        Tensor y = x.To(DType.Float32) * 3.0;
        Assert.Equal(DType.Float32, y.DType);
        y.Sum().Backward();
        Assert.Equal(DType.Float64, x.Grad!.DType);
        Assert.Equal(new double[] { 3, 3, 3 }, x.Grad.ToArray());

        var f = Tensor.FromArray(new float[] { 1, 2 });
        f.RequiresGrad = true;
        (f.To(DType.Float64) * f.To(DType.Float64)).Sum().Backward();
        Assert.Equal(new float[] { 2, 4 }, f.Grad!.ToFloatArray());
        Assert.Same(f, f.To(DType.Float32));
    }

    [Fact]
    public void Composite_TwoLayerNetworkLoss()
    {
        // A small MLP with a stable cross-entropy, checked end to end.
        Tensor input = Randn(1, 4, 3);
        Check(p =>
        {
            Tensor h = (input.MatMul(p[0]) + p[1]).Tanh();
            Tensor logits = h.MatMul(p[2]) + p[3];
            return -(logits.LogSoftmax(1) * Tensor.Eye(4, DType.Float64).Slice(0, 4)).Sum(1).Mean();
        }, Randn(2, 3, 5), Randn(3, 5), Randn(4, 5, 4), Randn(5, 4));
    }
}
