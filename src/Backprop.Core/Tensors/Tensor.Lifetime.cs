namespace Backprop;

// Releasing storage early: Dispose for one tensor, TensorScope for every op result of a region (see TensorScope).
public sealed partial class Tensor : IDisposable
{
    /// <summary>The open scope that releases this tensor when it ends, or null.</summary>
    internal TensorScope.Frame? OwningScope;

    /// <summary>
    /// Opens a <see cref="TensorScope"/>: every tensor an operation creates until it is disposed is released then, and
    /// its storage reused by later operations. <c>using (Tensor.Scope()) { forward; loss; backward; step }</c> makes a
    /// training step over a fixed graph shape allocation-free after the first.
    /// </summary>
    public static TensorScope Scope() => TensorScope.Begin();

    /// <summary>True once the tensor was released (<see cref="Dispose"/> or the end of its scope): its data is gone.</summary>
    public bool IsDisposed => _array is null;

    /// <summary>
    /// Releases the tensor now: its storage goes back to the per-thread pool (when no other tensor shares it) and
    /// every later use of its data throws <see cref="ObjectDisposedException"/>. For single results:
    /// <c>using var y = x.Relu();</c>. Calling it again does nothing. Do not dispose a tensor something else still
    /// uses (a parameter of a module, an input of a graph you will differentiate).
    /// </summary>
    public void Dispose() => Release();

    /// <summary>
    /// Keeps this tensor beyond the end of the <see cref="TensorScope"/> it was created in: it then belongs to the
    /// enclosing scope, or, outside every scope, to the garbage collector. Returns this tensor. Does nothing for a
    /// tensor that belongs to no scope.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The tensor was already released.</exception>
    public Tensor MoveToOuterScope()
    {
        if (_array is null) throw ReleasedError();
        TensorScope.MoveOut(this);
        return this;
    }

    /// <summary>Takes this tensor out of its scope for good: something long-lived (a module, a data set, an optimizer)
    /// holds it. Returns this tensor.</summary>
    internal Tensor KeepBeyondScopes()
    {
        OwningScope = null;
        return this;
    }

    /// <summary>A Float64 buffer an op keeps for its backward step (not cleared): inside a scope its storage comes from
    /// the pool and it is released with the scope's other tensors (a backward step reading it afterwards throws,
    /// naming <paramref name="label"/>).</summary>
    internal static Tensor SavedForBackward(string label, int[] shape)
    {
        Tensor saved = Uninitialized(shape, DType.Float64);
        saved.Label = label;
        TensorScope.Track(saved);
        return saved;
    }

    internal void Release()
    {
        Array? storage = _array;
        if (storage is null) return;
        _array = null;
        OwningScope = null;
        if (_version is null || --_version.Sharers == 0) StoragePool.Return(storage);
    }

    private ObjectDisposedException ReleasedError() =>
        new(DisplayName,
            $"Tensor {DisplayName} {Shapes.Format(_shape)} was released (Dispose, or the end of the Tensor.Scope() that created it); " +
            "its storage now belongs to other tensors. Expected a live tensor: call MoveToOuterScope() on it before its scope " +
            "ends to keep it, or copy its numbers out (Item(), ToArray()) inside the scope.");
}
