namespace Backprop.Explicit;

/// <summary>The loss L(aᴸ, y) of one sample, comparing the output aᴸ with the target y.</summary>
public enum LossFunction
{
    /// <summary>Squared error with a half, as in note 002: L = ½ Σⱼ (yⱼ − aⱼ)², so ∂L/∂aⱼ = aⱼ − yⱼ
    /// (a sum over outputs, not a mean).</summary>
    Mse,
    /// <summary>Cross-entropy L = −Σⱼ yⱼ log aⱼ on a <see cref="Activation.Softmax"/> output; y is a
    /// probability vector (usually one-hot). Then δᴸ = ∂L/∂zᴸ = aᴸ − y.</summary>
    CrossEntropy,
}

/// <summary>How the gradients of a mini-batch combine the per-sample gradients.</summary>
public enum BatchReduction
{
    /// <summary>L = (1/B) Σₛ Lₛ: gradients are the mean of the per-sample gradients.</summary>
    Mean,
    /// <summary>L = Σₛ Lₛ: gradients are the sum of the per-sample gradients.</summary>
    Sum,
}

/// <summary>Each loss's value and its gradient with respect to the output, declared in one place.</summary>
internal static class Losses
{
    /// <summary>L(a, y); <paramref name="z"/> is the output preactivation (used for a stable log-softmax).</summary>
    public static double Loss(LossFunction loss, ReadOnlySpan<double> z, ReadOnlySpan<double> a, ReadOnlySpan<double> y)
    {
        double sum = 0;
        switch (loss)
        {
            case LossFunction.Mse:
                for (int j = 0; j < a.Length; j++) sum += (y[j] - a[j]) * (y[j] - a[j]);
                return 0.5 * sum;
            case LossFunction.CrossEntropy:
                // log aⱼ = zⱼ − log Σₖ e^zₖ: never log 0, even when aⱼ underflows.
                double lse = Activations.LogSumExp(z);
                for (int j = 0; j < a.Length; j++) if (y[j] != 0) sum -= y[j] * (z[j] - lse);
                return sum;
            default:
                throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown loss; expected Mse or CrossEntropy.");
        }
    }

    /// <summary>∂L/∂aⱼ: aⱼ − yⱼ for <see cref="LossFunction.Mse"/>, −yⱼ/aⱼ for cross-entropy.</summary>
    public static void OutputGradient(LossFunction loss, ReadOnlySpan<double> a, ReadOnlySpan<double> y, Span<double> g)
    {
        for (int j = 0; j < a.Length; j++)
            g[j] = loss == LossFunction.Mse ? a[j] - y[j] : (y[j] == 0 ? 0.0 : -y[j] / a[j]);
    }

    /// <summary>
    /// δᴸ = ∂L/∂zᴸ. MSE: δᴸ = (aᴸ − y) ⊙ f′(zᴸ) (through the softmax Jacobian when f is softmax).
    /// Cross-entropy with softmax: δᴸ = aᴸ − y, the two derivatives cancelled by hand.
    /// </summary>
    public static void OutputDelta(LossFunction loss, Activation f, ReadOnlySpan<double> z, ReadOnlySpan<double> a,
        ReadOnlySpan<double> y, ReadOnlySpan<double> outputGradient, Span<double> delta)
    {
        if (loss == LossFunction.CrossEntropy)
            for (int j = 0; j < a.Length; j++) delta[j] = a[j] - y[j];
        else
            Activations.Back(f, z, a, outputGradient, delta);
    }
}
