namespace Backprop.Explicit;

/// <summary>The activation f of a dense layer, aˡ = f(zˡ).</summary>
public enum ActivationFunction
{
    /// <summary>f(z) = z; f′(z) = 1.</summary>
    Linear,
    /// <summary>f(z) = max(0, z); f′(z) = 1 for z &gt; 0, else 0 (0 at z = 0, as PyTorch and <see cref="Value.Relu()"/>).</summary>
    Relu,
    /// <summary>f(z) = σ(z) = 1/(1 + e⁻ᶻ); f′(z) = σ(z)(1 − σ(z)).</summary>
    Sigmoid,
    /// <summary>f(z) = tanh z; f′(z) = 1 − tanh²z.</summary>
    Tanh,
    /// <summary>aⱼ = e^zⱼ / Σₖ e^zₖ, output layer only. Not elementwise: its Jacobian is
    /// ∂aⱼ/∂zₖ = aⱼ(1[j=k] − aₖ).</summary>
    Softmax,
}

/// <summary>Each activation's forward value and local derivative, declared in one place.</summary>
internal static class Activations
{
    /// <summary>a = f(z).</summary>
    public static void Apply(ActivationFunction f, ReadOnlySpan<double> z, Span<double> a)
    {
        switch (f)
        {
            case ActivationFunction.Linear: z.CopyTo(a); break;
            case ActivationFunction.Relu: for (int j = 0; j < z.Length; j++) a[j] = z[j] > 0 ? z[j] : 0.0; break;
            case ActivationFunction.Sigmoid: for (int j = 0; j < z.Length; j++) a[j] = Value.SigmoidOf(z[j]); break;
            case ActivationFunction.Tanh: for (int j = 0; j < z.Length; j++) a[j] = Math.Tanh(z[j]); break;
            case ActivationFunction.Softmax: Softmax(z, a); break;
            default: throw Unknown(f);
        }
    }

    /// <summary>f′(zⱼ) for an elementwise f, from zⱼ and aⱼ = f(zⱼ) (whichever is cheaper).</summary>
    public static double Derivative(ActivationFunction f, double z, double a) => f switch
    {
        ActivationFunction.Linear => 1.0,
        ActivationFunction.Relu => Value.ReluDerivative(z),
        ActivationFunction.Sigmoid => Value.SigmoidDerivative(a), // σ′(z) = σ(z)(1 − σ(z))
        ActivationFunction.Tanh => Value.TanhDerivative(a),       // tanh′(z) = 1 − tanh²z
        ActivationFunction.Softmax => throw new InvalidOperationException(
            "Softmax is not elementwise: use the Jacobian-vector product (BackThroughSoftmax), not f′(zⱼ)."),
        _ => throw Unknown(f),
    };

    /// <summary>δ = ∂L/∂z from g = ∂L/∂a through f: g ⊙ f′(z) when f is elementwise, Jᵀg for softmax.</summary>
    public static void Back(ActivationFunction f, ReadOnlySpan<double> z, ReadOnlySpan<double> a, ReadOnlySpan<double> g, Span<double> delta)
    {
        if (f == ActivationFunction.Softmax)
        {
            // δⱼ = Σₖ gₖ ∂aₖ/∂zⱼ = Σₖ gₖ aₖ(1[k=j] − aⱼ) = aⱼ(gⱼ − Σₖ aₖgₖ).
            double ag = 0;
            for (int k = 0; k < a.Length; k++) ag += a[k] * g[k];
            for (int j = 0; j < a.Length; j++) delta[j] = a[j] * (g[j] - ag);
            return;
        }
        for (int j = 0; j < z.Length; j++) delta[j] = g[j] * Derivative(f, z[j], a[j]);
    }

    /// <summary>softmax(z), shifted by max z so that no exponential overflows.</summary>
    public static void Softmax(ReadOnlySpan<double> z, Span<double> a)
    {
        double max = double.NegativeInfinity;
        foreach (double v in z) max = Math.Max(max, v);
        double sum = 0;
        for (int j = 0; j < z.Length; j++) sum += a[j] = Math.Exp(z[j] - max);
        for (int j = 0; j < z.Length; j++) a[j] /= sum;
    }

    /// <summary>log Σₖ e^zₖ, computed stably.</summary>
    public static double LogSumExp(ReadOnlySpan<double> z)
    {
        double max = double.NegativeInfinity;
        foreach (double v in z) max = Math.Max(max, v);
        double sum = 0;
        foreach (double v in z) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    private static ArgumentOutOfRangeException Unknown(ActivationFunction f) =>
        new(nameof(f), f, "Unknown activation; expected Linear, Relu, Sigmoid, Tanh or Softmax.");
}
