using System.Globalization;
using System.Numerics;

namespace Backprop.Optim;

/// <summary>
/// Adam with exactly PyTorch 1.13's update (torch/optim/adam.py), for each parameter p with gradient g at
/// its step t (counted per parameter, from 1):
/// <code>
/// g = g + λ·p                                  (L2 weight decay λ, coupled into the gradient)
/// m = β₁·m + (1 − β₁)·g
/// v = β₂·v + (1 − β₂)·g²
/// p = p − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// With <c>amsgrad</c>, v in the denominator is the running maximum of v. <see cref="AdamW"/> decouples the decay instead.
/// </summary>
public class Adam : Optimizer
{
    private readonly Array?[] _firstMoments, _secondMoments, _maxSecondMoments;
    private readonly int[] _steps;
    private readonly bool _decoupled;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="beta1">β₁ ∈ [0, 1): decay of the first-moment (mean) estimate.</param>
    /// <param name="beta2">β₂ ∈ [0, 1): decay of the second-moment (uncentred variance) estimate.</param>
    /// <param name="eps">ε &gt; 0 added to the denominator.</param>
    /// <param name="weightDecay">λ ≥ 0, added to the gradient as λ·p.</param>
    /// <param name="amsgrad">Use the running maximum of v (AMSGrad).</param>
    public Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this(parameters, learningRate, beta1, beta2, eps, weightDecay, amsgrad, decoupled: false)
    {
    }

    private protected Adam(IEnumerable<Tensor> parameters, double learningRate, double beta1, double beta2,
        double eps, double weightDecay, bool amsgrad, bool decoupled)
        : base(parameters, learningRate)
    {
        CheckHyperparameter(nameof(beta1), beta1, 0, Math.BitDecrement(1.0));
        CheckHyperparameter(nameof(beta2), beta2, 0, Math.BitDecrement(1.0));
        CheckHyperparameter(nameof(eps), eps, 0, double.MaxValue);
        CheckHyperparameter(nameof(weightDecay), weightDecay, 0, double.MaxValue);
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        AmsGrad = amsgrad;
        _decoupled = decoupled;
        int n = Parameters.Count;
        _firstMoments = new Array?[n];
        _secondMoments = new Array?[n];
        _maxSecondMoments = new Array?[n];
        _steps = new int[n];
    }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>λ: L2 decay added to the gradient (Adam) or decoupled decay p ← p·(1 − η·λ) (AdamW).</summary>
    public double WeightDecay { get; }

    /// <summary>Whether AMSGrad is used.</summary>
    public bool AmsGrad { get; }

    /// <summary>How many updates parameter <paramref name="index"/> has received (its t).</summary>
    public int ParameterStep(int index) => _steps[index];

    internal override IEnumerable<(string Key, Array?[] Slots)> StateBuffers() =>
        [("exp_avg", _firstMoments), ("exp_avg_sq", _secondMoments), ("max_exp_avg_sq", _maxSecondMoments)];

    internal override int[]? ParameterSteps => _steps;

    /// <inheritdoc/>
    protected override unsafe void Update<T>(int index, Span<T> p, ReadOnlySpan<T> grad)
    {
        int t = ++_steps[index];
        double biasCorrection1 = 1 - Power(Beta1, t);
        double biasCorrection2 = 1 - Power(Beta2, t);
        var constants = new AdamConstants<T>
        {
            Decay = T.CreateTruncating(_decoupled ? 1 - LearningRate * WeightDecay : WeightDecay),
            Beta1 = T.CreateTruncating(Beta1),
            OneMinusBeta1 = T.CreateTruncating(1 - Beta1),
            Beta2 = T.CreateTruncating(Beta2),
            OneMinusBeta2 = T.CreateTruncating(1 - Beta2),
            SqrtBiasCorrection2 = T.CreateTruncating(Math.Sqrt(biasCorrection2)),
            Eps = T.CreateTruncating(Eps),
            MinusStepSize = T.CreateTruncating(-(LearningRate / biasCorrection1)),
            Decoupled = _decoupled,
            WeightDecay = WeightDecay != 0,
        };
        Span<T> m = State<T>(_firstMoments, index), v = State<T>(_secondMoments, index);
        Span<T> vMax = AmsGrad ? State<T>(_maxSecondMoments, index) : default;
        fixed (T* pp = p, pg = grad, pm = m, pv = v, pvm = vMax)
            Kernels.Halves.Run(new AdamUpdate<T>(constants, pp, pg, pm, pv, AmsGrad ? pvm : null), p.Length, p.Length, Kernels.Halves.ElementChunk<T>(p.Length, AmsGrad ? 5 : 4));
    }

    /// <summary>βᵗ by repeated squaring: IEEE multiplications only, so the same bits on every machine (the C
    /// runtime's pow may differ between libraries; docs/reproducibility.md).</summary>
    internal static double Power(double beta, int t)
    {
        double result = 1, square = beta;
        for (int e = t; e > 0; e >>= 1, square *= square)
            if ((e & 1) != 0) result *= square;
        return result;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{GetType().Name}(lr={LearningRate}, betas=({Beta1}, {Beta2}), eps={Eps}, weight_decay={WeightDecay}, amsgrad={AmsGrad})");
}

/// <summary>
/// AdamW (Loshchilov &amp; Hutter) with exactly PyTorch 1.13's update (torch/optim/adamw.py): the decay is
/// decoupled from the gradient — first p ← p·(1 − η·λ), then the <see cref="Adam"/> update with λ = 0.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer (PyTorch's defaults, including λ = 0.01).</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="beta1">β₁ ∈ [0, 1).</param>
    /// <param name="beta2">β₂ ∈ [0, 1).</param>
    /// <param name="eps">ε &gt; 0.</param>
    /// <param name="weightDecay">λ ≥ 0 (decoupled).</param>
    /// <param name="amsgrad">Use AMSGrad.</param>
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0.01, bool amsgrad = false)
        : base(parameters, learningRate, beta1, beta2, eps, weightDecay, amsgrad, decoupled: true)
    {
    }
}
