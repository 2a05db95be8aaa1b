using System.Numerics;

namespace Backprop.NN;

// Losses with PyTorch's reductions (mean, sum, none): cross-entropy with probability targets and label smoothing,
// NLL, L1 and Huber. Each is one fused graph node whose backward step writes the gradient directly. They share
// the reduction plumbing: the terms are computed per element (or per sample), then reduced; in the backward step
// term i receives weight w_i = ∂L/∂term_i: the upstream gradient itself for None, its only element (× 1/count
// for Mean) otherwise.
public static partial class Functional
{
    /// <summary>
    /// Softmax cross-entropy of logits z [N, C] against class probabilities q [N, C] (PyTorch's <c>cross_entropy</c>
    /// with probability targets): term n = Σ_c q′_nc·(lse_n − z_nc) with lse_n = log Σ_c e^{z_nc} (taken around the
    /// row maximum, so ±1000 logits stay finite) and q′ = (1 − ε)·q + ε/C for label smoothing ε. Mean divides the sum
    /// by N. ∂term_n/∂z_nc = (Σ_c′ q′_nc′)·softmax(z)_nc − q′_nc; ∂term_n/∂q_nc = (1 − ε)(lse_n − z_nc) = −(1 − ε)·log_softmax.
    /// </summary>
    /// <param name="logits">z: [N, C] raw class scores.</param>
    /// <param name="targets">q: [N, C] class probabilities (rows usually sum to 1).</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <param name="reduction">Mean (default), Sum, or None for a [N] tensor of per-sample losses.</param>
    /// <exception cref="ShapeMismatchException">The logits are not [N, C] or the targets have another shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException">ε is outside [0, 1].</exception>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets, double labelSmoothing = 0, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("cross_entropy", logits, targets, "logits");
        if (logits.Rank != 2)
            throw new ShapeMismatchException("cross_entropy", logits.Shape, targets.Shape,
                $"cross_entropy: the logits have shape {Shapes.Format(logits.Shape)} and the targets {Shapes.Format(targets.Shape)}; expected both of shape [N, C].");
        CheckSmoothing(labelSmoothing);
        int n = logits.Shape[0], c = logits.Shape[1];
        var lse = new double[n]; // saved per row for the backward step
        Tensor loss = ReducedResult(logits.DType, n, reduction, [n], term =>
        {
            if (logits.DType == DType.Float32) SoftCrossEntropyTerms<float>(logits, targets, labelSmoothing, c, lse, term);
            else SoftCrossEntropyTerms<double>(logits, targets, labelSmoothing, c, lse, term);
        });
        return Tensor.Record(CrossEntropyOp, loss, [logits, targets], ctx =>
        {
            if (ctx.DType == DType.Float32) SoftCrossEntropyBackward<float>(ctx, reduction, labelSmoothing, c, lse);
            else SoftCrossEntropyBackward<double>(ctx, reduction, labelSmoothing, c, lse);
        }, Saved.Inputs);
    }

    /// <summary>
    /// Softmax cross-entropy against class labels with label smoothing ε and a reduction (PyTorch's
    /// <c>cross_entropy(z, y, label_smoothing=ε, reduction=…)</c>): the probability-target form with
    /// q = one-hot(y). ε = 0 with Mean is <see cref="CrossEntropy(Tensor, int[])"/>.
    /// </summary>
    /// <param name="logits">z: [N, C] raw class scores.</param>
    /// <param name="labels">yₙ ∈ [0, C): one class index per row.</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <param name="reduction">Mean (default), Sum, or None for [N] per-sample losses.</param>
    /// <exception cref="ShapeMismatchException">logits is not [N, C] with N = labels.Length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, C), or ε outside [0, 1].</exception>
    public static Tensor CrossEntropy(Tensor logits, int[] labels, double labelSmoothing, Reduction reduction = Reduction.Mean)
    {
        Tensor oneHot = OneHot("cross_entropy", logits, labels);
        return CrossEntropy(logits, oneHot, labelSmoothing, reduction);
    }

    /// <summary>
    /// Negative log-likelihood of log-probabilities x [N, C] at class labels (PyTorch's <c>nll_loss</c>): term n =
    /// −x_{n, yₙ}; Mean divides the sum by N. ∂term_n/∂x_nc = −1 at c = yₙ, 0 elsewhere.
    /// </summary>
    /// <param name="logProbabilities">x: [N, C], e.g. <c>logits.LogSoftmax(1)</c>.</param>
    /// <param name="labels">yₙ ∈ [0, C): one class index per row.</param>
    /// <param name="reduction">Mean (default), Sum, or None for [N] per-sample losses.</param>
    /// <exception cref="ShapeMismatchException">x is not [N, C] with N = labels.Length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, C).</exception>
    public static Tensor NLLLoss(Tensor logProbabilities, int[] labels, Reduction reduction = Reduction.Mean)
    {
        CheckLabels("nll_loss", logProbabilities, labels);
        int n = labels.Length, c = logProbabilities.Shape[1];
        int[] picked = new int[n];
        for (int i = 0; i < n; i++) picked[i] = i * c + labels[i];
        Tensor loss = ReducedResult(logProbabilities.DType, n, reduction, [n], term =>
        {
            for (int i = 0; i < n; i++) term[i] = -logProbabilities.GetFlat(picked[i]);
        });
        return Tensor.Record(NllLossOp, loss, [logProbabilities], ctx =>
        {
            if (ctx.DType == DType.Float32) NllBackward<float>(ctx, reduction, picked);
            else NllBackward<double>(ctx, reduction, picked);
        }, Saved.None);
    }

    /// <summary>
    /// Absolute error |ŷ − y| elementwise (same shapes), reduced (PyTorch's <c>l1_loss</c>). ∂/∂ŷ = sign(ŷ − y) (0 where
    /// ŷ = y, as in PyTorch) and ∂/∂y = −sign(ŷ − y), times the reduction's weight.
    /// </summary>
    /// <param name="prediction">ŷ.</param>
    /// <param name="target">y.</param>
    /// <param name="reduction">Mean over all elements (default), Sum, or None (the shape of ŷ).</param>
    /// <exception cref="ShapeMismatchException">The shapes differ.</exception>
    public static Tensor L1Loss(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean) =>
        Pointwise("l1_loss", L1LossOp, prediction, target, reduction, new AbsoluteError());

    /// <summary>
    /// Huber loss of d = ŷ − y elementwise (PyTorch's <c>huber_loss</c>): ½d² where |d| ≤ δ, δ(|d| − ½δ) beyond
    /// (quadratic near 0, linear in the tails, continuous with its derivative at |d| = δ). ∂/∂ŷ = d clipped to
    /// [−δ, δ]; ∂/∂y = −∂/∂ŷ; times the reduction's weight.
    /// </summary>
    /// <param name="prediction">ŷ.</param>
    /// <param name="target">y.</param>
    /// <param name="delta">δ &gt; 0 (default 1).</param>
    /// <param name="reduction">Mean over all elements (default), Sum, or None (the shape of ŷ).</param>
    /// <exception cref="ShapeMismatchException">The shapes differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">δ is not positive.</exception>
    public static Tensor HuberLoss(Tensor prediction, Tensor target, double delta = 1.0, Reduction reduction = Reduction.Mean)
    {
        if (!(delta > 0) || !double.IsFinite(delta))
            throw new ArgumentOutOfRangeException(nameof(delta), delta, $"huber_loss: delta is {delta}; expected a finite δ > 0.");
        return Pointwise("huber_loss", HuberLossOp, prediction, target, reduction, new Huber(delta));
    }

    // ---- the shared plumbing --------------------------------------------------------------------

    /// <summary>The loss tensor: the terms (written by <paramref name="terms"/> into a double buffer of
    /// <paramref name="count"/>) as a tensor of <paramref name="noneShape"/> for None, else their sum or mean.</summary>
    private static Tensor ReducedResult(DType dtype, int count, Reduction reduction, int[] noneShape, Action<double[]> terms)
    {
        var term = new double[count];
        terms(term);
        if (reduction == Reduction.None) return Tensor.FromArray(term, noneShape, dtype);
        double sum = 0;
        foreach (double t in term) sum += t;
        return ScalarResult(dtype, reduction == Reduction.Mean ? sum / count : sum);
    }

    /// <summary>∂L/∂term_i: the upstream gradient for None, else its single element (÷ count for Mean).</summary>
    private static T TermWeight<T>(ReadOnlySpan<T> upstream, Reduction reduction, int i, int count) where T : unmanaged, IFloatingPointIeee754<T> =>
        reduction switch
        {
            Reduction.None => upstream[i],
            Reduction.Sum => upstream[0],
            _ => upstream[0] / T.CreateTruncating(count),
        };

    private static void CheckSmoothing(double labelSmoothing)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing,
                $"cross_entropy: labelSmoothing is {labelSmoothing}; expected a value in [0, 1].");
    }

    // One class label per row of [N, C] scores (`what`: "logits", "scores"), each in [0, C).
    private static void CheckLabels(string op, Tensor scores, int[] labels, string what = "scores")
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Rank != 2 || scores.Shape[0] != labels.Length)
            throw new ShapeMismatchException(op, scores.Shape, [labels.Length],
                $"{op}: the {what} have shape {Shapes.Format(scores.Shape)} and there are {labels.Length} labels (shape [{labels.Length}]); " +
                $"expected {what} of shape [N, C] with N = {labels.Length}.");
        int n = scores.Shape[0], c = scores.Shape[1];
        if (n == 0 || c == 0)
            throw new ArgumentException($"{op}: the {what} {Shapes.Format(scores.Shape)} are empty; expected at least one sample and one class.");
        for (int i = 0; i < n; i++)
            if ((uint)labels[i] >= (uint)c)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i],
                    $"{op}: label {labels[i]} of sample {i} is out of range for {what} of shape {Shapes.Format(scores.Shape)}; expected a class index in [0, {c - 1}].");
    }

    private static Tensor OneHot(string op, Tensor scores, int[] labels)
    {
        CheckLabels(op, scores, labels, "logits");
        int c = scores.Shape[1];
        Tensor oneHot = Tensor.Zeros([labels.Length, c], scores.DType);
        for (int i = 0; i < labels.Length; i++) oneHot.SetFlat(i * c + labels[i], 1.0);
        return oneHot;
    }

    // ---- cross-entropy with probability targets -------------------------------------------------

    private static void SoftCrossEntropyTerms<T>(Tensor logits, Tensor targets, double smoothing, int c, double[] lse, double[] term) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> z = logits.Data<T>(), q = targets.Data<T>();
        for (int i = 0; i < lse.Length; i++)
        {
            ReadOnlySpan<T> row = z.Slice(i * c, c), target = q.Slice(i * c, c);
            double max = double.NegativeInfinity, sum = 0;
            foreach (T v in row) max = Math.Max(max, double.CreateTruncating(v));
            foreach (T v in row) sum += Math.Exp(double.CreateTruncating(v) - max);
            lse[i] = max + Math.Log(sum);
            double t = 0;
            for (int k = 0; k < c; k++)
                t += Smoothed(double.CreateTruncating(target[k]), smoothing, c) * (lse[i] - double.CreateTruncating(row[k]));
            term[i] = t;
        }
    }

    private static double Smoothed(double q, double smoothing, int c) => (1 - smoothing) * q + smoothing / c;

    private static void SoftCrossEntropyBackward<T>(BackwardContext ctx, Reduction reduction, double smoothing, int c, double[] lse) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> z = ctx.Input(0).Data<T>(), q = ctx.Input(1).Data<T>(), dy = ctx.Upstream<T>();
        Span<T> dz = ctx.NeedsGrad(0) ? ctx.Grad<T>(0) : default, dq = ctx.NeedsGrad(1) ? ctx.Grad<T>(1) : default;
        int n = lse.Length;
        for (int i = 0; i < n; i++)
        {
            double w = double.CreateTruncating(TermWeight(dy, reduction, i, n)), mass = 0;
            for (int k = 0; k < c; k++) mass += Smoothed(double.CreateTruncating(q[i * c + k]), smoothing, c);
            for (int k = 0; k < c; k++)
            {
                int at = i * c + k;
                double logSoftmax = double.CreateTruncating(z[at]) - lse[i];
                if (!dz.IsEmpty) dz[at] += T.CreateTruncating(w * (mass * Math.Exp(logSoftmax) - Smoothed(double.CreateTruncating(q[at]), smoothing, c)));
                if (!dq.IsEmpty) dq[at] += T.CreateTruncating(-w * (1 - smoothing) * logSoftmax);
            }
        }
    }

    private static void NllBackward<T>(BackwardContext ctx, Reduction reduction, int[] picked) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> dy = ctx.Upstream<T>();
        Span<T> dx = ctx.Grad<T>(0);
        for (int i = 0; i < picked.Length; i++) dx[picked[i]] -= TermWeight(dy, reduction, i, picked.Length);
    }

    // ---- pointwise losses of d = ŷ − y ----------------------------------------------------------

    /// <summary>A loss term f(d) of the difference d = ŷ − y, with its derivative f′(d) declared beside it.</summary>
    private interface IPointwiseLoss
    {
        double Value(double d);
        double Derivative(double d);
    }

    private readonly struct AbsoluteError : IPointwiseLoss
    {
        public double Value(double d) => Math.Abs(d);
        public double Derivative(double d) => Math.Sign(d); // 0 at d = 0, as in PyTorch
    }

    private static readonly TensorOp CrossEntropyOp = new("cross_entropy", "softmax x − y", "−log softmax x"),
        CrossEntropyLabelsOp = new("cross_entropy", "softmax x − onehot"), NllLossOp = new("nll_loss", "−onehot"),
        L1LossOp = new("l1_loss", "sign(ŷ − y)", "−sign(ŷ − y)"), HuberLossOp = new("huber_loss", "clamp(ŷ − y, ±δ)", "−clamp(ŷ − y, ±δ)");

    private readonly struct Huber(double delta) : IPointwiseLoss
    {
        public double Value(double d) => Math.Abs(d) <= delta ? 0.5 * d * d : delta * (Math.Abs(d) - 0.5 * delta);
        public double Derivative(double d) => Math.Clamp(d, -delta, delta);
    }

    private static Tensor Pointwise<TFn>(string name, TensorOp op, Tensor prediction, Tensor target, Reduction reduction, TFn fn) where TFn : struct, IPointwiseLoss
    {
        CheckSameShape(name, prediction, target, "predictions");
        int n = prediction.ElementCount;
        Tensor loss = ReducedResult(prediction.DType, n, reduction, [.. prediction.Shape], term =>
        {
            for (int i = 0; i < n; i++) term[i] = fn.Value(prediction.GetFlat(i) - target.GetFlat(i));
        });
        return Tensor.Record(op, loss, [prediction, target], ctx =>
        {
            if (ctx.DType == DType.Float32) PointwiseBackward<float, TFn>(ctx, reduction, fn);
            else PointwiseBackward<double, TFn>(ctx, reduction, fn);
        }, Saved.Inputs);
    }

    private static void PointwiseBackward<T, TFn>(BackwardContext ctx, Reduction reduction, TFn fn) where T : unmanaged, IFloatingPointIeee754<T> where TFn : struct, IPointwiseLoss
    {
        ReadOnlySpan<T> p = ctx.Input(0).Data<T>(), y = ctx.Input(1).Data<T>(), dy = ctx.Upstream<T>();
        Span<T> dp = ctx.NeedsGrad(0) ? ctx.Grad<T>(0) : default, dt = ctx.NeedsGrad(1) ? ctx.Grad<T>(1) : default;
        for (int i = 0; i < p.Length; i++)
        {
            T g = TermWeight(dy, reduction, i, p.Length) * T.CreateTruncating(fn.Derivative(double.CreateTruncating(p[i] - y[i])));
            if (!dp.IsEmpty) dp[i] += g;
            if (!dt.IsEmpty) dt[i] -= g;
        }
    }
}
