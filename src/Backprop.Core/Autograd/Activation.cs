namespace Backprop;

/// <summary>
/// An activation a = f(z), by one name everywhere: the neurons of <see cref="Scalar.ValueMLP"/>, the
/// activation fused into an <see cref="NN.Linear"/> layer or put between the layers of <see cref="NN.MLP.Create"/>,
/// and the layers of the δ equations (<see cref="Explicit.DenseLayer"/>). The names are PyTorch's modules'
/// (<c>torch.nn.Identity</c>, <c>ReLU</c>, <c>Tanh</c>, <c>Sigmoid</c>, <c>Softmax</c>).
/// </summary>
public enum Activation
{
    /// <summary>f(z) = z; f′(z) = 1.</summary>
    Identity,
    /// <summary>f(z) = max(0, z); f′(z) = 1 for z &gt; 0, else 0 (0 at z = 0, PyTorch's convention).</summary>
    ReLU,
    /// <summary>f(z) = tanh z; f′(z) = 1 − tanh²z.</summary>
    Tanh,
    /// <summary>f(z) = σ(z) = 1/(1 + e⁻ᶻ); f′(z) = σ(z)(1 − σ(z)).</summary>
    Sigmoid,
    /// <summary>aⱼ = e^zⱼ / Σₖ e^zₖ over a layer's outputs. Not elementwise (its Jacobian is
    /// ∂aⱼ/∂zₖ = aⱼ(1[j=k] − aₖ)): the output layer of an <see cref="Explicit.DenseNetwork"/>, or a
    /// <see cref="NN.Softmax"/> module from <see cref="NN.MLP.Create"/>; a neuron and a fused
    /// <see cref="NN.Linear"/> refuse it.</summary>
    Softmax,
}

/// <summary>Applies an <see cref="Activation"/> to a scalar <see cref="Value"/>.</summary>
public static class ActivationExtensions
{
    /// <summary>f(z) for an elementwise activation, recorded in z's graph.</summary>
    /// <exception cref="ArgumentException"><paramref name="activation"/> is <see cref="Activation.Softmax"/>, which
    /// needs every output of the layer.</exception>
    public static Value Apply(this Activation activation, Value z) => activation switch
    {
        Activation.Identity => z,
        Activation.ReLU => z.Relu(),
        Activation.Tanh => z.Tanh(),
        Activation.Sigmoid => z.Sigmoid(),
        Activation.Softmax => throw new ArgumentException(
            "Activation.Apply: Softmax is not elementwise (each output depends on the whole layer); expected Identity, ReLU, Tanh or Sigmoid.", nameof(activation)),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Activation.Apply: unknown activation; expected Identity, ReLU, Tanh or Sigmoid."),
    };
}
