using Backprop.Notebooks.Documents;

namespace Backprop.Notebooks.Execution;

/// <summary>
/// The cell being run: where <c>display</c>, console output and errors go. It flows with the execution
/// context (an <see cref="AsyncLocal{T}"/>), so notebooks run concurrently in one process stay apart and
/// work started by a cell (tasks, thread-pool callbacks) still reports to it.
/// </summary>
internal sealed class CellContext(Cell cell)
{
    private static readonly AsyncLocal<CellContext?> s_current = new();

    /// <summary>The cell whose outputs this context collects.</summary>
    public Cell Cell { get; } = cell;

    /// <summary>The running cell of this execution flow, or null.</summary>
    public static CellContext? Current => s_current.Value;

    /// <summary>Makes <paramref name="context"/> current until the returned scope is disposed.</summary>
    public static IDisposable Enter(CellContext context)
    {
        CellContext? previous = s_current.Value;
        s_current.Value = context;
        return new Scope(() => s_current.Value = previous);
    }

    /// <summary>Adds an output at the end of the cell's outputs.</summary>
    public void Add(CellOutput output)
    {
        lock (Cell.Outputs) Cell.Outputs.Add(output);
    }

    /// <summary>Appends console text, continuing the last output when it is the same stream.</summary>
    public void Write(string stream, string text)
    {
        if (text.Length == 0) return;
        lock (Cell.Outputs)
        {
            if (Cell.Outputs.Count > 0 && Cell.Outputs[^1] is StreamOutput last && last.Name == stream) last.Append(text);
            else
            {
                var output = new StreamOutput(stream);
                output.Append(text);
                Cell.Outputs.Add(output);
            }
        }
    }

    private sealed class Scope(Action exit) : IDisposable
    {
        private Action? _exit = exit;
        public void Dispose() => Interlocked.Exchange(ref _exit, null)?.Invoke();
    }
}
