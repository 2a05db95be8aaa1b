using System.Numerics.Tensors;

namespace Backprop.Core.Tests.Tensors;

/// <summary>The internal extension point other Core code (fused losses, fused linear) uses to add ops.</summary>
public class TensorExtensionPointTests
{
    // A fused op: y = Σ (x − t)² / n with ∂y/∂x = 2(x − t)/n, declared forward and backward together.
    private static Tensor FusedMeanSquaredError(Tensor x, Tensor target)
    {
        var diff = new double[x.ElementCount];
        TensorPrimitives.Subtract(x.AsReadOnlySpan<double>(), target.AsReadOnlySpan<double>(), diff); // AsSpan would count as a write
        double n = x.ElementCount;
        Tensor y = Tensor.Scalar(TensorPrimitives.SumOfSquares<double>(diff) / n, DType.Float64);
        return Tensor.Record(new TensorOp("fused_mse", "2(x − t)/n", "−2(x − t)/n"), y, [x, target], ctx =>
        {
            double g = ctx.Upstream<double>()[0] * 2 / n;
            if (ctx.NeedsGrad(0)) TensorPrimitives.MultiplyAdd<double>(diff, g, ctx.Grad<double>(0), ctx.Grad<double>(0));
            if (ctx.NeedsGrad(1)) TensorPrimitives.MultiplyAdd<double>(diff, -g, ctx.Grad<double>(1), ctx.Grad<double>(1));
        });
    }

    [Fact]
    public void FusedOp_RecordsItselfAndPassesTheGradientCheck()
    {
        Tensor x = TensorGradChecker.Randn(1, 3, 2), t = TensorGradChecker.Randn(2, 3, 2);
        x.RequiresGrad = true;
        Tensor loss = FusedMeanSquaredError(x, t);
        Assert.Equal("fused_mse", loss.Op);
        Assert.Equal("−2(x − t)/n", loss.Operation!.Derivative(1));
        Assert.Equal(new[] { x, t }, loss.Parents);
        TensorGradChecker.Check(p => FusedMeanSquaredError(p[0].Exp(), p[1]), x, t);
    }

    [Fact]
    public void FusedOp_RecordsNothingUnderNoGrad()
    {
        Tensor x = Tensor.Ones([2], DType.Float64);
        x.RequiresGrad = true;
        using (new NoGrad())
            Assert.True(FusedMeanSquaredError(x, Tensor.ZerosLike(x)).IsLeaf);
    }

    [Fact]
    public void Reshape_SharesStorageLikeAView()
    {
        Tensor x = Tensor.Zeros(2, 3);
        Tensor r = x.Reshape(-1);
        r[4] = 7;
        Assert.Equal(7, x[1, 1]);
        Assert.Equal(new[] { 6 }, r.Shape);
    }
}
