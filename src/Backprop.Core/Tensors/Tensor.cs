using System.Collections.ObjectModel;
using System.Numerics;

namespace Backprop;

/// <summary>
/// An n-dimensional array of <see cref="float"/> or <see cref="double"/> that remembers how it was
/// computed: the PyTorch-style tensor autograd engine.
/// </summary>
/// <remarks>
/// <para>Storage is one contiguous row-major array (<c>float[]</c> for <see cref="DType.Float32"/>,
/// <c>double[]</c> for <see cref="DType.Float64"/>). An operation whose inputs include a tensor with
/// <see cref="RequiresGrad"/> records itself: the result's <see cref="Op"/> names it, <see cref="Parents"/>
/// lists its inputs, and a backward function (declared next to the forward code, one file per op family)
/// knows how to turn ∂L/∂result into ∂L/∂input. <see cref="Backward(Tensor?, bool)"/> walks that graph
/// from a scalar loss back to every leaf.</para>
/// <para>Like PyTorch: operations on tensors none of which require gradients record nothing (the result
/// is a leaf), and so does every operation inside a <see cref="NoGrad"/> scope. Leaf gradients accumulate
/// across backward passes until <see cref="ZeroGrad"/>. The graph stays alive as long as its output does,
/// so <c>Backward</c> may be called on it more than once.</para>
/// <para>Backward functions read the forward inputs and results they saved. Every in-place write (the indexer,
/// <see cref="Fill"/>, <see cref="AsSpan{T}"/>, a destination overload, an optimizer step) bumps the storage's
/// <see cref="Version"/>, and <see cref="Backward(Tensor?, bool)"/> refuses to use a saved tensor whose version
/// changed after it was saved, as PyTorch does: update parameters after the backward pass and run the forward
/// pass again.</para>
/// <para>A graph is not thread-safe: build and differentiate it on one thread at a time.</para>
/// <para>Storage is garbage-collected like any array, unless released early: <see cref="Dispose"/> for one tensor,
/// <see cref="Scope"/> for every op result of a region (a training step), after which the storage is reused by later
/// operations and the released tensor throws on every use (see <see cref="TensorScope"/>).</para>
/// </remarks>
[Formatting.TypeFormatterSource(typeof(Formatting.NotebookFormatterSource))]
public sealed partial class Tensor
{
    private static long s_nextId;

    private Array? _array; // the storage; null once released (Dispose, or the end of its TensorScope)
    internal readonly int[] _shape;
    private ReadOnlyCollection<int>? _shapeView;
    private StorageVersion? _version; // shared by every tensor over the same storage; created on the first write or share

    // The graph: empty parents and a null backward function for a leaf (see Tensor.Autograd.cs).
    private Tensor[] _parents = [];
    private BackwardFunction? _backward;
    private bool _requiresGrad;

    /// <summary>Wraps <paramref name="storage"/> (a <c>float[]</c> or <c>double[]</c>, owned by the tensor from
    /// now on) as a leaf of the given shape. The caller guarantees the element count matches.</summary>
    internal Tensor(int[] shape, Array storage)
    {
        _shape = shape;
        _array = storage;
        DType = storage is float[] ? DType.Float32 : DType.Float64;
        Id = Interlocked.Increment(ref s_nextId);
    }

    /// <summary>A zero-filled leaf of the given shape and dtype. The shape array is owned by the tensor.</summary>
    internal Tensor(int[] shape, DType dtype)
        : this(shape, TensorScope.IsActive
            ? StoragePool.Rent(Shapes.ElementCount(shape), dtype, clear: true)
            : dtype == DType.Float32 ? new float[Shapes.ElementCount(shape)] : new double[Shapes.ElementCount(shape)])
    {
    }

    /// <summary>The storage array; throws <see cref="ObjectDisposedException"/> once the tensor was released.</summary>
    internal Array _storage => _array ?? throw ReleasedError();

    /// <summary>A new leaf of <paramref name="shape"/> (same element count) over this tensor's storage: writes to
    /// one show in the other (a view, <see cref="Detach"/>).</summary>
    internal Tensor SharingStorage(int[] shape)
    {
        Tensor view = new(shape, _storage) { _version = _version ??= new StorageVersion() };
        _version.Sharers++;
        return view;
    }

    /// <summary>
    /// How many times this tensor's storage has been written in place (PyTorch's <c>_version</c>): the indexer's
    /// setter, <see cref="Fill"/>, <see cref="AsSpan{T}"/>, the destination overloads (e.g.
    /// <see cref="Add(Tensor, Tensor, Tensor)"/>) and optimizer steps each add one. Tensors that share storage
    /// (<see cref="Detach"/>, <see cref="Reshape"/>, <see cref="Squeeze()"/>, <see cref="Unsqueeze"/>) share the
    /// count. An operation that saves a tensor for its backward step records this number, and
    /// <see cref="Backward(Tensor?, bool)"/> throws if it has changed since.
    /// </summary>
    public int Version => _version?.Value ?? 0;

    /// <summary>Records an in-place write into the storage (see <see cref="Version"/>).</summary>
    internal void BumpVersion() => (_version ??= new StorageVersion()).Value++;

    /// <summary>The size of each dimension, outermost first (empty for a scalar).</summary>
    public IReadOnlyList<int> Shape => _shapeView ??= new ReadOnlyCollection<int>(_shape);

    /// <summary>The number of dimensions (0 for a scalar made by <see cref="Scalar"/>).</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements: the product of the dimensions.</summary>
    public int ElementCount => _storage.Length;

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>The size of dimension <paramref name="axis"/> (negative counts from the end).</summary>
    public int Size(int axis) => _shape[Shapes.NormalizeAxis("Size", axis, _shape)];

    /// <summary>A process-wide creation number: parents always have smaller ids than their children.</summary>
    public long Id { get; }

    /// <summary>An optional human-readable name, shown by <see cref="ToString"/> and graph views.</summary>
    public string? Label { get; set; }

    /// <summary>The name of the operation that produced this tensor ("add", "matmul", "relu", ...), as graphs and
    /// error messages show it; empty for a leaf.</summary>
    public string Op => Operation?.Name ?? "";

    /// <summary>The operation that produced this tensor, with the formula of its local derivative per input; null
    /// for a leaf.</summary>
    public TensorOp? Operation { get; private set; }

    /// <summary>The tensors this one was computed from, in operand order (empty for a leaf).</summary>
    public IReadOnlyList<Tensor> Parents => _parents;

    /// <summary>True when this tensor was not computed by a recorded operation: an input, a parameter,
    /// a constant, or anything computed under <see cref="NoGrad"/> or from tensors that need no gradient.</summary>
    public bool IsLeaf => _backward is null;

    /// <summary>A short name for messages and views: the label, else the op (or "leaf") and id.</summary>
    public string DisplayName => Label ?? (IsLeaf ? $"leaf#{Id}" : $"{Op}#{Id}");

    /// <summary>The typed contiguous storage. <typeparamref name="T"/> must match <see cref="DType"/>.</summary>
    internal Span<T> Data<T>() where T : unmanaged => ((T[])_storage).AsSpan();

    /// <summary>The storage as <c>float[]</c>, or null for a Float64 tensor.</summary>
    internal float[]? FloatStorage => _storage as float[];

    /// <summary>The storage as <c>double[]</c>, or null for a Float32 tensor.</summary>
    internal double[]? DoubleStorage => _storage as double[];

    /// <summary>The elements as a span that reads and writes this tensor's storage. The tensor cannot see writes
    /// through the span, so every call counts as an in-place write (<see cref="Version"/> goes up by one); to read,
    /// use <see cref="AsReadOnlySpan{T}"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> for <see cref="DType.Float32"/>, <see cref="double"/> for <see cref="DType.Float64"/>.</typeparam>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match <see cref="DType"/>.</exception>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        T[] array = TypedStorage<T>("AsSpan");
        CheckWritable("AsSpan");
        BumpVersion();
        return array;
    }

    /// <summary>
    /// Refuses an in-place write into a tensor computed by a recorded operation (outside <see cref="NoGrad"/>): its
    /// recorded history would no longer describe its values, and the gradients of everything computed from it would be
    /// silently wrong (PyTorch records such writes as operations; this engine does not).
    /// </summary>
    private void CheckWritable(string op)
    {
        if (IsLeaf || !_requiresGrad || NoGrad.IsActive) return;
        throw new InvalidOperationException(
            $"{op}: {DisplayName} {Shapes.Format(_shape)} was computed by '{Op}' and requires gradients, so it cannot be written in place: " +
            "the gradients of everything computed from it would be wrong. Read it with AsReadOnlySpan, write into a copy " +
            "(Detach() * 1; Detach() alone shares the data), or write inside a NoGrad scope.");
    }

    /// <summary>The elements as a read-only span over this tensor's storage (no copy; <see cref="Version"/> is unchanged).</summary>
    /// <typeparam name="T"><see cref="float"/> for <see cref="DType.Float32"/>, <see cref="double"/> for <see cref="DType.Float64"/>.</typeparam>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match <see cref="DType"/>.</exception>
    public ReadOnlySpan<T> AsReadOnlySpan<T>() where T : unmanaged => TypedStorage<T>("AsReadOnlySpan");

    private T[] TypedStorage<T>(string op) where T : unmanaged =>
        _storage as T[] ?? throw new InvalidOperationException(
            $"{op}<{typeof(T).Name}>: the tensor {Shapes.Format(_shape)} holds {DType} elements; " +
            $"expected {op}<{(DType == DType.Float32 ? "float" : "double")}>() or a conversion with To(DType).");

    /// <summary>A leaf of <paramref name="shape"/> whose storage is NOT cleared (large arrays come straight
    /// from the allocator): only for an op that writes every element before anyone reads it.</summary>
    internal static Tensor Uninitialized(int[] shape, DType dtype)
    {
        int count = Shapes.ElementCount(shape);
        if (TensorScope.IsActive) return new Tensor(shape, StoragePool.Rent(count, dtype, clear: false));
        return new Tensor(shape, dtype == DType.Float32
            ? GC.AllocateUninitializedArray<float>(count)
            : GC.AllocateUninitializedArray<double>(count));
    }

    /// <summary>A new leaf with this tensor's dtype and <paramref name="shape"/> (default: this tensor's shape),
    /// NOT cleared: for an op's result that the op writes in full before anyone reads it.</summary>
    internal Tensor NewUninitialized(int[]? shape = null) => Uninitialized(shape ?? (int[])_shape.Clone(), DType);

    /// <summary>A new zero-filled leaf with this tensor's shape and dtype.</summary>
    internal Tensor NewZeros() => new((int[])_shape.Clone(), DType);

    /// <summary>A new leaf of <paramref name="shape"/> with this tensor's dtype; its storage is zero-filled.</summary>
    internal Tensor NewZeros(int[] shape) => new(shape, DType);

    /// <summary>Converts a double constant to the element type.</summary>
    internal static T Cast<T>(double value) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(value);
}

/// <summary>The in-place write count of one storage array, shared by every tensor over it (see <see cref="Tensor.Version"/>).</summary>
internal sealed class StorageVersion
{
    public int Value;

    /// <summary>How many tensors over the storage are not yet released: the storage goes back to the pool only
    /// when the last one is (see <see cref="Tensor.Dispose"/>).</summary>
    public int Sharers = 1;
}
