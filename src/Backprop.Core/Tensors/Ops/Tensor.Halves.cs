using System.Numerics;
using Backprop.Kernels;

namespace Backprop;

// Large elementwise ops run as two halves, one per core (Kernels/Halves): each job below is an op's own
// span kernel applied to a sub-range, so the arithmetic, and hence every result bit, is the same split or not.
public sealed partial class Tensor
{
    /// <summary>The work per element of exp, tanh and the other transcendental functions relative to a copy (see
    /// <see cref="IUnaryOperator.Cost"/>): a 16,000-element exp takes about 7 µs on one core, ten times a copy.</summary>
    internal const int TranscendentalCost = 10;

    /// <summary>y = f(x), in halves when large.</summary>
    private static unsafe void MapForward<T, TOp>(ReadOnlySpan<T> x, UnaryParameters p, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IUnaryOperator
    {
        fixed (T* px = x, py = y) Halves.Run(new UnaryForwardJob<T, TOp>(px, p, py), x.Length, (long)x.Length * TOp.Cost, Halves.ElementChunk<T>(x.Length, 2));
    }

    /// <summary>dx += dy · f′(x), in halves when large (t is scratch of the same length).</summary>
    private static unsafe void MapBackward<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, UnaryParameters p, Span<T> dx, Span<T> t)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IUnaryOperator
    {
        fixed (T* px = x, py = y, pdy = dy, pdx = dx, pt = t)
            Halves.Run(new UnaryBackwardJob<T, TOp>(px, py, pdy, p, pdx, pt), dy.Length, dy.Length, Halves.ElementChunk<T>(dy.Length, 5));
    }

    /// <summary>y = a ∘ b on operands of the result's shape, in halves when large.</summary>
    private static unsafe void SameShapeForward<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IBinaryOperator
    {
        fixed (T* pa = a, pb = b, py = y) Halves.Run(new BinaryJob<T, TOp>(pa, pb, py), y.Length, y.Length, Halves.ElementChunk<T>(y.Length, 3));
    }

    /// <summary>y = x ∘ c, in halves when large.</summary>
    private static unsafe void ScalarForwardInHalves<T>(ReadOnlySpan<T> x, T c, ScalarOp kind, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* px = x, py = y) Halves.Run(new ScalarJob<T>(px, c, kind, py), x.Length, x.Length, Halves.ElementChunk<T>(x.Length, 2));
    }

    /// <summary>Softmax over [outer, n, inner], the outer slices in halves when large.</summary>
    private static unsafe void SoftmaxForwardInHalves<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int n, int inner, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* px = x, py = y) Halves.Run(new SoftmaxJob<T>(px, py, n, inner, log), outer, (long)outer * n * inner * TranscendentalCost, Math.Max(1, Halves.ElementChunk<T>(x.Length, 2) / Math.Max(1, n * inner)), grain: 1);
    }

    private readonly unsafe struct UnaryForwardJob<T, TOp>(T* x, UnaryParameters p, T* y) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IUnaryOperator
    {
        public void Run(int from, int to) => TOp.Forward(new ReadOnlySpan<T>(x + from, to - from), p, new Span<T>(y + from, to - from));
    }

    private readonly unsafe struct UnaryBackwardJob<T, TOp>(T* x, T* y, T* dy, UnaryParameters p, T* dx, T* t) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IUnaryOperator
    {
        public void Run(int from, int to)
        {
            int n = to - from;
            TOp.Backward(new ReadOnlySpan<T>(x + from, n), new ReadOnlySpan<T>(y + from, n), new ReadOnlySpan<T>(dy + from, n), p,
                new Span<T>(dx + from, n), new Span<T>(t + from, n));
        }
    }

    private readonly unsafe struct BinaryJob<T, TOp>(T* a, T* b, T* y) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IBinaryOperator
    {
        public void Run(int from, int to) =>
            TOp.Apply(new ReadOnlySpan<T>(a + from, to - from), new ReadOnlySpan<T>(b + from, to - from), new Span<T>(y + from, to - from));
    }

    private readonly unsafe struct ScalarJob<T>(T* x, T c, ScalarOp kind, T* y) : IRangeJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int from, int to) => ScalarForward(new ReadOnlySpan<T>(x + from, to - from), c, kind, new Span<T>(y + from, to - from));
    }

    private readonly unsafe struct SoftmaxJob<T>(T* x, T* y, int n, int inner, bool log) : IRangeJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int from, int to)
        {
            int slice = n * inner, length = (to - from) * slice;
            SoftmaxForward(new ReadOnlySpan<T>(x + (long)from * slice, length), new Span<T>(y + (long)from * slice, length), to - from, n, inner, log);
        }
    }
}
