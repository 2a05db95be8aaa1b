using System.Globalization;

namespace Backprop.NN;

/// <summary>
/// Dropout (PyTorch's <c>nn.Dropout</c>): in training mode each element is zeroed with probability <see cref="P"/> and the
/// others are scaled by 1/(1 − p), so the expected output equals the input; in evaluation mode it is the identity.
/// y = x ⊙ m with m ∈ {0, 1/(1 − p)} drawn per element, so ∂y/∂x = m: the gradient flows only through kept elements.
/// </summary>
/// <remarks>The masks come from the layer's own seeded <see cref="Rng"/>, so a training run is reproducible.</remarks>
public sealed class Dropout : Module
{
    private readonly Rng _rng;

    /// <summary>Creates the layer.</summary>
    /// <param name="p">The probability of zeroing an element, in [0, 1].</param>
    /// <param name="seed">Seed of the masks.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1].</exception>
    public Dropout(double p = 0.5, int seed = 0) : this(p, new Rng(seed)) { }

    /// <summary>Creates the layer drawing its masks from <paramref name="rng"/>.</summary>
    /// <param name="p">The probability of zeroing an element, in [0, 1].</param>
    /// <param name="rng">The random stream of the masks.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1].</exception>
    public Dropout(double p, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"Dropout: expected a probability p in [0, 1], got {p.ToString(CultureInfo.InvariantCulture)}.");
        P = p;
        _rng = rng;
    }

    /// <summary>The probability of zeroing an element.</summary>
    public double P { get; }

    /// <summary>The masks' generator (its state is saved in checkpoints, so a resumed run draws the same masks).</summary>
    internal Rng Generator => _rng;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!IsTraining || P == 0) return input;
        Tensor mask = Tensor.Zeros([.. input.Shape], input.DType);
        double keep = P == 1 ? 0 : 1 / (1 - P);
        if (input.DType == DType.Float32) Fill(mask.AsSpan<float>(), (float)keep);
        else Fill(mask.AsSpan<double>(), keep);
        return input * mask;
    }

    private void Fill<T>(Span<T> mask, T keep) where T : unmanaged
    {
        for (int i = 0; i < mask.Length; i++)
            if (_rng.NextDouble() >= P) mask[i] = keep;
    }

    /// <inheritdoc/>
    protected override string ExtraRepresentation() => string.Create(CultureInfo.InvariantCulture, $"p={P}");
}
