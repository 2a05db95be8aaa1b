namespace Backprop.Explicit;

/// <summary>Each activation's forward value and local derivative, declared in one place.</summary>
internal static class Activations
{
    /// <summary>a = f(z).</summary>
    public static void Apply(Activation f, ReadOnlySpan<double> z, Span<double> a)
    {
        switch (f)
        {
            case Activation.Identity: z.CopyTo(a); break;
            case Activation.ReLU: for (int j = 0; j < z.Length; j++) a[j] = z[j] > 0 ? z[j] : 0.0; break;
            case Activation.Sigmoid: for (int j = 0; j < z.Length; j++) a[j] = Value.SigmoidOf(z[j]); break;
            case Activation.Tanh: for (int j = 0; j < z.Length; j++) a[j] = Math.Tanh(z[j]); break;
            case Activation.Softmax: Softmax(z, a); break;
            default: throw Unknown(f);
        }
    }

    /// <summary>f′(zⱼ) for an elementwise f, from zⱼ and aⱼ = f(zⱼ) (whichever is cheaper).</summary>
    public static double Derivative(Activation f, double z, double a) => f switch
    {
        Activation.Identity => 1.0,
        Activation.ReLU => Value.ReluDerivative(z),
        Activation.Sigmoid => Value.SigmoidDerivative(a), // σ′(z) = σ(z)(1 − σ(z))
        Activation.Tanh => Value.TanhDerivative(a),       // tanh′(z) = 1 − tanh²z
        Activation.Softmax => throw new InvalidOperationException(
            "Softmax is not elementwise: use the Jacobian-vector product (BackThroughSoftmax), not f′(zⱼ)."),
        _ => throw Unknown(f),
    };

    /// <summary>δ = ∂L/∂z from g = ∂L/∂a through f: g ⊙ f′(z) when f is elementwise, Jᵀg for softmax.</summary>
    public static void Back(Activation f, ReadOnlySpan<double> z, ReadOnlySpan<double> a, ReadOnlySpan<double> g, Span<double> delta)
    {
        if (f == Activation.Softmax)
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

    private static ArgumentOutOfRangeException Unknown(Activation f) =>
        new(nameof(f), f, "Unknown activation; expected Identity, ReLU, Sigmoid, Tanh or Softmax.");
}
