namespace Backprop;

// Factories. Every factory makes a leaf with RequiresGrad = false; set it on parameters.
public sealed partial class Tensor
{
    private static int[] CheckedShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Shapes.ElementCount(shape);
        return (int[])shape.Clone();
    }

    private static Array Allocate(int count, DType dtype) =>
        dtype switch
        {
            DType.Float32 => new float[count],
            DType.Float64 => new double[count],
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Tensor: expected DType.Float32 or DType.Float64."),
        };

    private static Tensor Create(int[] shape, DType dtype)
    {
        int[] s = CheckedShape(shape);
        return new Tensor(s, Allocate(Shapes.ElementCount(s), dtype));
    }

    /// <summary>A Float32 tensor of zeros, e.g. <c>Tensor.Zeros(2, 3)</c>.</summary>
    public static Tensor Zeros(params int[] shape) => Create(shape, DType.Float32);

    /// <summary>A tensor of zeros of the given dtype.</summary>
    public static Tensor Zeros(int[] shape, DType dtype) => Create(shape, dtype);

    /// <summary>A Float32 tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1.0);

    /// <summary>A tensor of ones of the given dtype.</summary>
    public static Tensor Ones(int[] shape, DType dtype) => Full(shape, 1.0, dtype);

    /// <summary>A tensor with every element equal to <paramref name="value"/>.</summary>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32)
    {
        Tensor t = Create(shape, dtype);
        t.FillStorage(value); // a fresh tensor: not an in-place write
        return t;
    }

    /// <summary>A rank-0 tensor holding <paramref name="value"/> (shape []).</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full([], value, dtype);

    /// <summary>A Float32 tensor copying <paramref name="data"/>; 1-D unless a <paramref name="shape"/> is given
    /// (a params list cannot tell "no shape" from an empty one, so for a rank-0 tensor use <see cref="Scalar"/> or
    /// <see cref="FromArray(ReadOnlySpan{double}, int[], DType)"/> with shape <c>[]</c>).</summary>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromSpan<float>(data, OneDimensionalIfEmpty(shape), nameof(FromArray));
    }

    /// <summary>A Float64 tensor copying <paramref name="data"/>; 1-D unless a <paramref name="shape"/> is given
    /// (see <see cref="FromArray(float[], int[])"/> for rank 0).</summary>
    public static Tensor FromArray(double[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromSpan<double>(data, OneDimensionalIfEmpty(shape), nameof(FromArray));
    }

    /// <summary>A Float32 tensor of the given shape copying <paramref name="data"/> (row-major); 1-D when no shape is given.</summary>
    public static Tensor FromArray(ReadOnlySpan<float> data, params int[] shape) => FromSpan(data, OneDimensionalIfEmpty(shape), nameof(FromArray));

    /// <summary>A Float64 tensor of the given shape copying <paramref name="data"/> (row-major); 1-D when no shape is given.</summary>
    public static Tensor FromArray(ReadOnlySpan<double> data, params int[] shape) => FromSpan(data, OneDimensionalIfEmpty(shape), nameof(FromArray));

    /// <summary>A tensor of the given shape and dtype from row-major doubles (converted to Float32 if asked):
    /// the convenient way to drive both dtypes from the same test data. The shape is taken as given: <c>[]</c>
    /// makes a rank-0 tensor from one value.</summary>
    public static Tensor FromArray(ReadOnlySpan<double> data, int[] shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (dtype == DType.Float64) return FromSpan(data, shape, nameof(FromArray));
        Tensor t = FromSpan<double>(data, shape, nameof(FromArray));
        return t.To(DType.Float32);
    }

    private static int[]? OneDimensionalIfEmpty(int[]? shape) => shape is null || shape.Length == 0 ? null : shape;

    /// <summary>A 2-D Float32 tensor copying <paramref name="data"/>.</summary>
    public static Tensor FromArray(float[,] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var flat = new float[data.Length];
        int k = 0;
        foreach (float x in data) flat[k++] = x; // row-major, like C#'s own layout
        return new Tensor([data.GetLength(0), data.GetLength(1)], flat);
    }

    /// <summary>A 2-D Float64 tensor copying <paramref name="data"/>.</summary>
    public static Tensor FromArray(double[,] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var flat = new double[data.Length];
        int k = 0;
        foreach (double x in data) flat[k++] = x;
        return new Tensor([data.GetLength(0), data.GetLength(1)], flat);
    }

    private static Tensor FromSpan<T>(ReadOnlySpan<T> data, int[]? shape, string op) where T : unmanaged
    {
        int[] s = shape is null ? [data.Length] : CheckedShape(shape); // null: 1-D
        int count = Shapes.ElementCount(s);
        if (count != data.Length)
            throw new ArgumentException(
                $"{op}: {data.Length} values cannot fill a tensor of shape {Shapes.Format(s)} ({count} elements); expected exactly {count}.",
                nameof(data));
        return new Tensor(s, data.ToArray());
    }

    /// <summary>0, 1, …, ⌈end⌉ − 1 as a 1-D Float32 tensor.</summary>
    public static Tensor Arange(double end) => Arange(0, end);

    /// <summary>start, start + step, … (stopping before <paramref name="end"/>) as a 1-D tensor, like <c>torch.arange</c>.</summary>
    public static Tensor Arange(double start, double end, double step = 1.0, DType dtype = DType.Float32)
    {
        if (step == 0 || !double.IsFinite(step) || !double.IsFinite(start) || !double.IsFinite(end))
            throw new ArgumentException($"Arange: expected finite start, end and a non-zero step, got ({start}, {end}, {step}).", nameof(step));
        int n = Math.Max(0, (int)Math.Ceiling((end - start) / step));
        Tensor t = Create([n], dtype);
        if (t._storage is float[] f) for (int i = 0; i < n; i++) f[i] = (float)(start + i * step);
        else { var d = (double[])t._storage; for (int i = 0; i < n; i++) d[i] = start + i * step; }
        return t;
    }

    /// <summary>The n×n identity matrix.</summary>
    public static Tensor Eye(int n, DType dtype = DType.Float32)
    {
        Tensor t = Create([n, n], dtype);
        for (int i = 0; i < n; i++) t.SetFlat(i * n + i, 1.0);
        return t;
    }

    /// <summary>Standard normal samples from a seeded <see cref="Rng"/>: the same seed gives the same tensor everywhere.</summary>
    public static Tensor Randn(int[] shape, int seed, DType dtype = DType.Float32) => Randn(shape, new Rng(seed), dtype);

    /// <summary>Standard normal samples drawn from <paramref name="rng"/>.</summary>
    public static Tensor Randn(int[] shape, Rng rng, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Tensor t = Create(shape, dtype);
        if (t._storage is float[] f) for (int i = 0; i < f.Length; i++) f[i] = (float)rng.NextGaussian();
        else { var d = (double[])t._storage; for (int i = 0; i < d.Length; i++) d[i] = rng.NextGaussian(); }
        return t;
    }

    /// <summary>Uniform samples in [0, 1) from a seeded <see cref="Rng"/>.</summary>
    public static Tensor Rand(int[] shape, int seed, DType dtype = DType.Float32) => Rand(shape, new Rng(seed), dtype);

    /// <summary>Uniform samples in [0, 1) drawn from <paramref name="rng"/>.</summary>
    public static Tensor Rand(int[] shape, Rng rng, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Tensor t = Create(shape, dtype);
        if (t._storage is float[] f)
            for (int i = 0; i < f.Length; i++)
            {
                float u = (float)rng.NextDouble();
                f[i] = u < 1f ? u : 0.99999994f; // rounding to float must not reach 1
            }
        else { var d = (double[])t._storage; for (int i = 0; i < d.Length; i++) d[i] = rng.NextDouble(); }
        return t;
    }

    /// <summary>Zeros with the shape and dtype of <paramref name="t"/>.</summary>
    public static Tensor ZerosLike(Tensor t) => Zeros(NotNull(t)._shape, t.DType);

    /// <summary>Ones with the shape and dtype of <paramref name="t"/>.</summary>
    public static Tensor OnesLike(Tensor t) => Ones(NotNull(t)._shape, t.DType);

    /// <summary><paramref name="value"/> everywhere, with the shape and dtype of <paramref name="t"/>.</summary>
    public static Tensor FullLike(Tensor t, double value) => Full(NotNull(t)._shape, value, t.DType);

    /// <summary>Seeded standard normal samples with the shape and dtype of <paramref name="t"/>.</summary>
    public static Tensor RandnLike(Tensor t, int seed) => Randn(NotNull(t)._shape, seed, t.DType);

    private static Tensor NotNull(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return t;
    }
}
