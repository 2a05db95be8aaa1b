namespace Backprop.Scalar;

/// <summary>Losses over scalar values, built from ordinary ops so that every step shows in the graph.</summary>
public static class ScalarLosses
{
    /// <summary>Mean squared error, (1/n)·Σ(ŷᵢ − yᵢ)²; with <paramref name="half"/>, the notes' ½·Σ(ŷᵢ − yᵢ)² (sum, not mean).</summary>
    public static Value MSE(IReadOnlyList<Value> predictions, IReadOnlyList<double> targets, bool half = false)
    {
        CheckPairs("MSE", predictions, targets.Count);
        var terms = new Value[predictions.Count];
        for (int i = 0; i < terms.Length; i++) terms[i] = (predictions[i] - targets[i]).Pow(2);
        Value sum = Value.SumOf(terms);
        return half ? 0.5 * sum : sum / terms.Length;
    }

    /// <summary>Mean hinge loss (1/n)·Σ max(0, 1 − yᵢ·sᵢ) for labels yᵢ ∈ {−1, +1} and scores sᵢ.</summary>
    public static Value Hinge(IReadOnlyList<Value> scores, IReadOnlyList<double> labels)
    {
        CheckPairs("Hinge", scores, labels.Count);
        var terms = new Value[scores.Count];
        for (int i = 0; i < terms.Length; i++)
        {
            if (labels[i] is not (1.0 or -1.0))
                throw new ArgumentException($"Hinge: expected labels −1 or +1, got {labels[i]} at index {i}.", nameof(labels));
            terms[i] = (1.0 - labels[i] * scores[i]).Relu();
        }
        return Value.SumOf(terms) / terms.Length;
    }

    /// <summary>L2 penalty α·Σ p² over parameters.</summary>
    public static Value L2(IReadOnlyList<Value> parameters, double alpha)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var squares = new Value[parameters.Count];
        for (int i = 0; i < squares.Length; i++) squares[i] = parameters[i] * parameters[i];
        return alpha * Value.SumOf(squares);
    }

    private static void CheckPairs(string op, IReadOnlyList<Value> predictions, int targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.Count != targets || targets == 0)
            throw new ArgumentException($"{op}: expected as many targets as predictions (at least one); got {predictions.Count} predictions and {targets} targets.");
    }
}
