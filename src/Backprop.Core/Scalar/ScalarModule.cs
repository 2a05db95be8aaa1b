namespace Backprop.Scalar;

/// <summary>A piece of a scalar network that owns parameters: a neuron, a layer or a whole MLP.</summary>
public abstract class ScalarModule
{
    /// <summary>Every trainable value, in a fixed order (layer by layer, neuron by neuron, weights then bias).</summary>
    public abstract IReadOnlyList<Value> Parameters();

    /// <summary>The number of parameters.</summary>
    public int ParameterCount => Parameters().Count;

    /// <summary>Sets every parameter's gradient to zero; call before each <c>Backward()</c>.</summary>
    public void ZeroGrad()
    {
        IReadOnlyList<Value> parameters = Parameters();
        for (int i = 0; i < parameters.Count; i++) parameters[i].Grad = 0;
    }

    /// <summary>One plain gradient-descent step: w ← w − η·∂L/∂w for every parameter.</summary>
    /// <param name="learningRate">η.</param>
    public void Step(double learningRate)
    {
        if (!double.IsFinite(learningRate))
            throw new ArgumentException($"Step: expected a finite learning rate, got {learningRate}.", nameof(learningRate));
        IReadOnlyList<Value> parameters = Parameters();
        for (int i = 0; i < parameters.Count; i++)
        {
            Value p = parameters[i];
            p.Data -= learningRate * p.Grad;
        }
    }

    internal static void CheckInputCount(string who, int expected, int actual)
    {
        if (expected != actual)
            throw new ArgumentException($"{who}: expected {expected} input(s), got {actual}.");
    }
}
