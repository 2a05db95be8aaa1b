using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Optim;

/// <summary>An optimizer's update of one vector of parameters from their gradients and up to three state buffers
/// (Adam's moments), written as lane-wise IEEE operations.</summary>
internal interface IOnePassUpdate<T> where T : unmanaged
{
    /// <summary>Updates <paramref name="p"/> and the state vectors it uses from gradient <paramref name="g"/>;
    /// state vectors the update has no buffer for are scratch.</summary>
    void Step(ref Vector<T> p, Vector<T> g, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2);
}

/// <summary>
/// Runs an optimizer's update over elements [from, to) in one pass: each vector of the parameters, gradients and state
/// is read once and written once, instead of one pass over the arrays per operation (as torch.optim does, and as this
/// library did). Each operation still rounds to T on its own (no fused multiply-adds), so the values are those of the
/// separate passes, bit for bit, on every vector width; only which NaN a result carries where two NaNs meet may differ
/// (the JIT may swap the operands of an addition, and x86 keeps the first operand's NaN). The tail goes through the
/// same vector code, zero-padded. Adam's step over
/// the 235k parameters of a 784-256-128-10 MLP: 141 → 110–115 µs inside a training step, 118 → 68–77 µs on its own
/// (2 cores, AVX-512 machine). SGD with momentum, memory-bound with four cheap operations, measured no faster this way
/// (46 → 50–54 µs inside a step) and keeps its passes over L1-sized chunks.
/// </summary>
internal static unsafe class OnePass
{
    /// <summary>Applies <paramref name="update"/> to [from, to) of parameters <paramref name="p"/> with gradients
    /// <paramref name="g"/> and state buffers <paramref name="s0"/>…<paramref name="s2"/> (null where unused). The update is
    /// taken by value: the JIT keeps a local copy's constants in registers (through <c>in</c> it reloaded every one of
    /// them for every vector, and the loop ran slower than the passes it replaces).</summary>
    public static void Run<T, TUpdate>(TUpdate update, int from, int to, T* p, T* g, T* s0, T* s1, T* s2)
        where T : unmanaged where TUpdate : struct, IOnePassUpdate<T>
    {
        int w = Vector<T>.Count, i = from;
        Vector<T> unused = default;
        for (; i <= to - 2 * w; i += 2 * w)   // two vectors a turn: their long chains (divisions, square roots) overlap
        {
            StepAt(ref update, i, p, g, s0, s1, s2, ref unused);
            StepAt(ref update, i + w, p, g, s0, s1, s2, ref unused);
        }
        for (; i <= to - w; i += w)
            StepAt(ref update, i, p, g, s0, s1, s2, ref unused);
        if (i == to) return;
        int n = to - i;
        Span<T> pad = stackalloc T[5 * w];
        pad.Clear();
        Span<T> tp = pad[..w], tg = pad.Slice(w, w), t0 = pad.Slice(2 * w, w), t1 = pad.Slice(3 * w, w), t2 = pad.Slice(4 * w, w);
        In(p + i, n, tp);
        In(g + i, n, tg);
        In(s0 == null ? null : s0 + i, n, t0);
        In(s1 == null ? null : s1 + i, n, t1);
        In(s2 == null ? null : s2 + i, n, t2);
        update.Step(ref AsVector(tp), AsVector(tg), ref AsVector(t0), ref AsVector(t1), ref AsVector(t2));
        Out(tp, p + i, n);
        Out(t0, s0 == null ? null : s0 + i, n);
        Out(t1, s1 == null ? null : s1 + i, n);
        Out(t2, s2 == null ? null : s2 + i, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StepAt<T, TUpdate>(ref TUpdate update, int i, T* p, T* g, T* s0, T* s1, T* s2, ref Vector<T> unused)
        where T : unmanaged where TUpdate : struct, IOnePassUpdate<T> =>
        update.Step(ref At(p, i), At(g, i),
            ref s0 is null ? ref unused : ref At(s0, i),
            ref s1 is null ? ref unused : ref At(s1, i),
            ref s2 is null ? ref unused : ref At(s2, i));

    private static void In<T>(T* source, int n, Span<T> padded) where T : unmanaged
    {
        if (source != null) new ReadOnlySpan<T>(source, n).CopyTo(padded);
    }

    private static void Out<T>(Span<T> padded, T* destination, int n) where T : unmanaged
    {
        if (destination != null) padded[..n].CopyTo(new Span<T>(destination, n));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref Vector<T> At<T>(T* start, int i) where T : unmanaged => ref Unsafe.AsRef<Vector<T>>(start + i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref Vector<T> AsVector<T>(Span<T> s) where T : unmanaged => ref Unsafe.As<T, Vector<T>>(ref MemoryMarshal.GetReference(s));
}
