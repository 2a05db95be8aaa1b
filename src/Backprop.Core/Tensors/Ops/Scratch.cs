using System.Buffers;

namespace Backprop;

/// <summary>A temporary buffer rented from the shared pool for one backward step: <c>using var s = new Scratch&lt;T&gt;(n);</c>.</summary>
internal readonly struct Scratch<T> : IDisposable
{
    private readonly T[] _array;
    private readonly int _length;

    public Scratch(int length)
    {
        _array = ArrayPool<T>.Shared.Rent(length);
        _length = length;
    }

    public Span<T> Span => _array.AsSpan(0, _length);

    public void Dispose() => ArrayPool<T>.Shared.Return(_array);
}
