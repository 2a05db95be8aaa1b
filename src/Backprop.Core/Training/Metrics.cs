namespace Backprop.Training;

/// <summary>Evaluation metrics on model outputs.</summary>
public static class Metrics
{
    /// <summary>
    /// The fraction of rows whose predicted class equals the label. Outputs [N, C] with C ≥ 2: the arg-max
    /// (first on ties). One output per sample ([N] or [N, 1], a binary logit): class 1 when the output is
    /// &gt; 0, else class 0.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The outputs have no row per label.</exception>
    public static double Accuracy(Tensor outputs, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(labels);
        int n = labels.Length;
        if (outputs.Rank is < 1 or > 2 || outputs.Shape[0] != n)
            throw new ShapeMismatchException("Accuracy", outputs.Shape, [n],
                $"Accuracy: outputs of shape {Shapes.Format(outputs.Shape)} do not fit {n} labels; expected [{n}], [{n}, 1] or [{n}, C].");
        if (n == 0) return double.NaN;
        int c = outputs.Rank == 1 ? 1 : outputs.Shape[1];
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            int predicted;
            if (c == 1) predicted = outputs.GetFlat(i) > 0 ? 1 : 0;
            else
            {
                predicted = 0;
                double best = outputs.GetFlat(i * c);
                for (int j = 1; j < c; j++)
                {
                    double v = outputs.GetFlat(i * c + j);
                    if (v > best) { best = v; predicted = j; }
                }
            }
            if (predicted == labels[i]) correct++;
        }
        return (double)correct / n;
    }
}
