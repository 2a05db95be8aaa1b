using System.Text;

namespace Backprop.Notebooks.Execution;

/// <summary>
/// Replaces <see cref="Console.Out"/> and <see cref="Console.Error"/> once per process: text written while a
/// cell runs becomes that cell's stream output; anything else goes to the original console.
/// </summary>
internal sealed class ConsoleRouter(string stream, TextWriter original) : TextWriter
{
    private static readonly Lazy<bool> s_installed = new(() =>
    {
        Console.SetOut(new ConsoleRouter("stdout", Console.Out));
        Console.SetError(new ConsoleRouter("stderr", Console.Error));
        return true;
    });

    /// <summary>Installs the routers (idempotent).</summary>
    public static void Install() => _ = s_installed.Value;

    /// <summary>The process's console before routing (for the runner's own progress lines).</summary>
    public static TextWriter OriginalOut => Console.Out is ConsoleRouter r ? r._original : Console.Out;

    private readonly TextWriter _original = original;

    /// <inheritdoc/>
    public override Encoding Encoding => Encoding.UTF8;

    /// <inheritdoc/>
    public override void Write(char value)
    {
        if (CellContext.Current is { } cell) cell.Write(stream, value.ToString());
        else _original.Write(value);
    }

    /// <inheritdoc/>
    public override void Write(string? value)
    {
        if (value is null) return;
        if (CellContext.Current is { } cell) cell.Write(stream, value);
        else _original.Write(value);
    }

    /// <inheritdoc/>
    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    /// <inheritdoc/>
    public override void WriteLine(string? value) => Write((value ?? "") + "\n");

    /// <inheritdoc/>
    public override void WriteLine() => Write("\n");

    /// <inheritdoc/>
    public override void Flush()
    {
        if (CellContext.Current is null) _original.Flush();
    }
}
