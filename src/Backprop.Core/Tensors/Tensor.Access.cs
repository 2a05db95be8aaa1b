using System.Numerics.Tensors;

namespace Backprop;

// Reading and writing elements, and converting between dtypes.
public sealed partial class Tensor
{
    /// <summary>The value of a one-element tensor (any rank), as a double (PyTorch's <c>item()</c>).</summary>
    /// <exception cref="InvalidOperationException">The tensor has more than one element.</exception>
    public double Item()
    {
        if (ElementCount != 1)
            throw new InvalidOperationException(
                $"Item: the tensor has shape {Shapes.Format(_shape)} ({ElementCount} elements); expected exactly one element.");
        return GetFlat(0);
    }

    /// <summary>The element at <paramref name="index"/> (one index per dimension; negative counts from the end).
    /// Setting writes the storage in place, records nothing in the graph and bumps <see cref="Version"/>; for a
    /// differentiable slice use <see cref="Select"/>.</summary>
    /// <exception cref="ArgumentException">Wrong number of indices.</exception>
    /// <exception cref="IndexOutOfRangeException">An index is out of range.</exception>
    [System.Runtime.CompilerServices.IndexerName("Element")] // "Item" is taken by Item()
    public double this[params int[] index]
    {
        get => GetFlat(FlatIndex(index));
        set
        {
            CheckWritable("Indexer");
            SetFlat(FlatIndex(index), value);
            BumpVersion();
        }
    }

    private int FlatIndex(int[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length != _shape.Length)
            throw new ArgumentException(
                $"Indexer: {index.Length} indices for a tensor of shape {Shapes.Format(_shape)}; expected {_shape.Length} (one per dimension).",
                nameof(index));
        int flat = 0;
        for (int d = 0; d < index.Length; d++)
        {
            int i = index[d] < 0 ? index[d] + _shape[d] : index[d];
            if ((uint)i >= (uint)_shape[d])
                throw new IndexOutOfRangeException(
                    $"Indexer: index {index[d]} is out of range for dimension {d} of a tensor of shape {Shapes.Format(_shape)}; expected [{-_shape[d]}, {_shape[d] - 1}].");
            flat = flat * _shape[d] + i;
        }
        return flat;
    }

    internal double GetFlat(int i) => _storage is float[] f ? f[i] : ((double[])_storage)[i];

    internal void SetFlat(int i, double value)
    {
        if (_storage is float[] f) f[i] = (float)value;
        else ((double[])_storage)[i] = value;
    }

    /// <summary>Sets every element to <paramref name="value"/> in place (records nothing; bumps <see cref="Version"/>).</summary>
    public void Fill(double value)
    {
        CheckWritable("Fill");
        BumpVersion();
        FillStorage(value);
    }

    private void FillStorage(double value)
    {
        if (_storage is float[] f) f.AsSpan().Fill((float)value);
        else ((double[])_storage).AsSpan().Fill(value);
    }

    /// <summary>A row-major copy of the elements as doubles.</summary>
    public double[] ToArray()
    {
        if (_storage is double[] d) return (double[])d.Clone();
        var result = new double[ElementCount];
        TensorPrimitives.ConvertChecked<float, double>((float[])_storage, result);
        return result;
    }

    /// <summary>A row-major copy of the elements as floats (rounding Float64 values).</summary>
    public float[] ToFloatArray()
    {
        if (_storage is float[] f) return (float[])f.Clone();
        var result = new float[ElementCount];
        TensorPrimitives.ConvertTruncating<double, float>((double[])_storage, result);
        return result;
    }

    private static readonly TensorOp ToOp = new("to", "cast");

    /// <summary>
    /// This tensor in another dtype. Returns this tensor when the dtype already matches (as PyTorch does);
    /// otherwise a converted copy that is recorded in the graph (op "to"), so gradients flow back through it.
    /// </summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        Tensor result = dtype == DType.Float64
            ? new Tensor((int[])_shape.Clone(), ToArray())
            : new Tensor((int[])_shape.Clone(), ToFloatArray());
        return Record(ToOp, result, [this], static ctx =>
        {
            // ∂y/∂x = 1: convert the upstream gradient back and add it.
            if (ctx.DType == DType.Float64)
            {
                Span<float> dx = ctx.Grad<float>(0);
                ReadOnlySpan<double> dy = ctx.Upstream<double>();
                for (int i = 0; i < dx.Length; i++) dx[i] += (float)dy[i];
            }
            else
            {
                Span<double> dx = ctx.Grad<double>(0);
                ReadOnlySpan<float> dy = ctx.Upstream<float>();
                for (int i = 0; i < dx.Length; i++) dx[i] += dy[i];
            }
        }, Saved.None);
    }
}
