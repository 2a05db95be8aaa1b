using System.Globalization;

namespace Backprop.NN;

/// <summary>a = max(0, z) elementwise.</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Relu();
}

/// <summary>a = z for z &gt; 0, slope·z otherwise.</summary>
/// <param name="negativeSlope">The slope for negative inputs (PyTorch's default 0.01).</param>
public sealed class LeakyReLU(double negativeSlope = 0.01) : Module
{
    /// <summary>The slope for negative inputs.</summary>
    public double NegativeSlope { get; } = negativeSlope;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.LeakyRelu(NegativeSlope);

    /// <inheritdoc/>
    protected override string ExtraRepresentation() => string.Create(CultureInfo.InvariantCulture, $"negative_slope={NegativeSlope}");
}

/// <summary>a = tanh z elementwise.</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Tanh();
}

/// <summary>a = σ(z) = 1/(1 + e⁻ᶻ) elementwise.</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

/// <summary>Softmax along an axis: aᵢ = e^zᵢ / Σⱼ e^zⱼ (computed stably).</summary>
/// <param name="axis">The axis that sums to one (default the last).</param>
public sealed class Softmax(int axis = -1) : Module
{
    /// <summary>The axis that sums to one.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Softmax(Axis);

    /// <inheritdoc/>
    protected override string ExtraRepresentation() => $"dim={Axis}";
}

/// <summary>Log-softmax along an axis: aᵢ = zᵢ − log Σⱼ e^zⱼ (computed stably).</summary>
/// <param name="axis">The normalised axis (default the last).</param>
public sealed class LogSoftmax(int axis = -1) : Module
{
    /// <summary>The normalised axis.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.LogSoftmax(Axis);

    /// <inheritdoc/>
    protected override string ExtraRepresentation() => $"dim={Axis}";
}

/// <summary>a = z: returns its input unchanged (no graph node).</summary>
public sealed class Identity : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input;
}
