using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with
/// exactly PyTorch 1.13's update (torch/optim/sgd.py), for each parameter p with gradient g:
/// <code>
/// d = g + λ·p                              (weight decay λ)
/// if μ ≠ 0: b = d on the first step, else b = μ·b + (1 − τ)·d   (momentum μ, dampening τ)
///           d = d + μ·b if nesterov, else d = b
/// p = p − η·d
/// </code>
/// </summary>
public sealed class SGD : Optimizer
{
    private readonly Array?[] _momentumBuffers;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ ∈ [0, 1) (0: plain SGD).</param>
    /// <param name="nesterov">Use Nesterov momentum (needs μ &gt; 0 and no dampening).</param>
    /// <param name="weightDecay">λ ≥ 0: adds λ·p to the gradient (L2 regularisation).</param>
    /// <param name="dampening">τ ∈ [0, 1]: scales the gradient's contribution to the momentum buffer by 1 − τ.</param>
    public SGD(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, bool nesterov = false,
        double weightDecay = 0, double dampening = 0)
        : base(parameters, learningRate)
    {
        CheckHyperparameter(nameof(momentum), momentum, 0, 1);
        CheckHyperparameter(nameof(weightDecay), weightDecay, 0, double.MaxValue);
        CheckHyperparameter(nameof(dampening), dampening, 0, 1);
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException($"SGD: Nesterov momentum requires momentum > 0 and dampening = 0 (got momentum {momentum}, dampening {dampening}).");
        Momentum = momentum;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
        Dampening = dampening;
        _momentumBuffers = new Array?[Parameters.Count];
    }

    /// <summary>μ.</summary>
    public double Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>λ (L2 weight decay added to the gradient).</summary>
    public double WeightDecay { get; }

    /// <summary>τ.</summary>
    public double Dampening { get; }

    internal override IEnumerable<(string Key, Array?[] Slots)> StateBuffers() => [("momentum_buffer", _momentumBuffers)];

    /// <inheritdoc/>
    protected override unsafe void Update<T>(int index, Span<T> p, ReadOnlySpan<T> g)
    {
        if (WeightDecay == 0 && Momentum == 0)
        {
            Kernels.InHalves.MultiplyAdd(g, T.CreateTruncating(-LearningRate), p);                  // p = p − η·g
            return;
        }
        bool first = Momentum != 0 && _momentumBuffers[index] is null;
        Span<T> b = Momentum != 0 ? State<T>(_momentumBuffers, index) : default;
        var constants = new MomentumConstants<T>
        {
            WeightDecay = T.CreateTruncating(WeightDecay),
            Momentum = T.CreateTruncating(Momentum),
            OneMinusDampening = T.CreateTruncating(1 - Dampening),
            MinusLearningRate = T.CreateTruncating(-LearningRate),
            HasWeightDecay = WeightDecay != 0,
            HasMomentum = Momentum != 0,
            First = first,
            Nesterov = Nesterov,
        };
        fixed (T* pp = p, pg = g, pb = b)
            Kernels.Halves.Run(new MomentumJob<T>(constants, pp, pg, pb), p.Length, p.Length, Kernels.Halves.ElementChunk<T>(p.Length, 3));
    }

    private struct MomentumConstants<T>
    {
        public T WeightDecay, Momentum, OneMinusDampening, MinusLearningRate;
        public bool HasWeightDecay, HasMomentum, First, Nesterov;
    }

    /// <summary>The update of elements [from, to), a chunk at a time so that each chunk's passes stay in L1;
    /// every element goes through the same operations, so chunking (and the two-way split) leaves results unchanged.</summary>
    private readonly unsafe struct MomentumJob<T>(MomentumConstants<T> k, T* param, T* grad, T* buffer) : Kernels.IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private const int Chunk = 1024;

        public void Run(int from, int to)
        {
            Span<T> scratch = stackalloc T[Chunk];
            for (int start = from, n; start < to; start += n)   // += n: no overflow near int.MaxValue
            {
                n = Math.Min(Chunk, to - start);
                Span<T> p = new(param + start, n), d = scratch[..n];
                ReadOnlySpan<T> g = new(grad + start, n);
                if (k.HasWeightDecay) TensorPrimitives.MultiplyAdd(p, k.WeightDecay, g, d);             // d = g + λ·p
                else g.CopyTo(d);
                ReadOnlySpan<T> step = d;
                if (k.HasMomentum)
                {
                    Span<T> b = new(buffer + start, n);
                    if (k.First) d.CopyTo(b);
                    else
                    {
                        TensorPrimitives.Multiply(b, k.Momentum, b);
                        TensorPrimitives.MultiplyAdd(d, k.OneMinusDampening, b, b);                   // b = μ·b + (1 − τ)·d
                    }
                    if (k.Nesterov) TensorPrimitives.MultiplyAdd(b, k.Momentum, d, d);                  // d = d + μ·b
                    else step = b;
                }
                TensorPrimitives.MultiplyAdd(step, k.MinusLearningRate, p, p);                        // p = p − η·d
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"SGD(lr={LearningRate}, momentum={Momentum}, nesterov={Nesterov}, weight_decay={WeightDecay}, dampening={Dampening})");
}
