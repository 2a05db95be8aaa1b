using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Optim;

/// <summary>The constants of one Adam update of one parameter, rounded to its element type.</summary>
internal struct AdamConstants<T>
{
    /// <summary>λ (coupled decay) or 1 − η·λ (decoupled).</summary>
    public T Decay;
    public T Beta1, OneMinusBeta1, Beta2, OneMinusBeta2, SqrtBiasCorrection2, Eps, MinusStepSize;
    public bool Decoupled, WeightDecay;
}

/// <summary>
/// <see cref="Adam"/>'s update of elements [from, to) of one parameter in one pass (<see cref="OnePass"/>), each
/// operation in PyTorch 1.13's order: state buffers m, v and, with AMSGrad (a non-null <paramref name="maxSecondMoment"/>),
/// the running maximum of v.
/// </summary>
internal readonly unsafe struct AdamUpdate<T>(AdamConstants<T> k, T* parameter, T* grad, T* firstMoment, T* secondMoment, T* maxSecondMoment)
    : Kernels.IRangeJob, IOnePassUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector<T> _decay = new(k.Decay), _beta1 = new(k.Beta1), _oneMinusBeta1 = new(k.OneMinusBeta1),
        _beta2 = new(k.Beta2), _oneMinusBeta2 = new(k.OneMinusBeta2), _sqrtBiasCorrection2 = new(k.SqrtBiasCorrection2),
        _eps = new(k.Eps), _minusStepSize = new(k.MinusStepSize);
    private readonly bool _amsGrad = maxSecondMoment != null;

    public void Run(int from, int to) => OnePass.Run<T, AdamUpdate<T>>(this, from, to, parameter, grad, firstMoment, secondMoment, maxSecondMoment);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step(ref Vector<T> p, Vector<T> g, ref Vector<T> m, ref Vector<T> v, ref Vector<T> vMax)
    {
        if (k.Decoupled)
        {
            if (k.WeightDecay) p *= _decay;                         // p = p·(1 − ηλ)
        }
        else if (k.WeightDecay) g = p * _decay + g;               // g = g + λ·p
        m = g * _oneMinusBeta1 + m * _beta1;                       // m = β₁·m + (1 − β₁)·g
        v = g * g * _oneMinusBeta2 + v * _beta2;                   // v = β₂·v + (1 − β₂)·g²
        Vector<T> second = v;
        if (_amsGrad) second = vMax = Maximum(vMax, v);
        Vector<T> denom = Vector.SquareRoot(second) / _sqrtBiasCorrection2 + _eps;   // √v/√(1 − β₂ᵗ) + ε
        p = m / denom * _minusStepSize + p;                       // p = p − stepSize·m/denom
    }

    /// <summary>
    /// max(a, b) by <see cref="System.Numerics.Tensors.TensorPrimitives"/>' rule, NaN if either is NaN: b if b is NaN, else
    /// a if a is NaN, otherwise the larger, b when they are equal. That rule also puts +0 above −0 when equal, which
    /// cannot arise here: b is a freshly updated v, β₂·v + (1 − β₂)·g² with g² ≥ +0, never −0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Maximum(Vector<T> a, Vector<T> b) =>
        Vector.ConditionalSelect(Vector.GreaterThan(a, b) | (~Vector.Equals(a, a) & Vector.Equals(b, b)), a, b);
}
