using Backprop.Notebooks.Packages;
using Backprop.Notebooks.Scripting;
using FSharp.Compiler.Diagnostics;
using FSharp.Compiler.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.FSharp.Core;

namespace Backprop.Notebooks.Execution;

/// <summary>
/// F# cells through FSharp.Compiler.Service's <see cref="Shell.FsiEvaluationSession"/>, one session per
/// notebook (started at the first F# cell), so bindings carry over. A cell's value is its last
/// expression (F# Interactive's <c>it</c>); unit is no value. <c>display</c> is bound by a prelude.
/// </summary>
internal sealed class FSharpEngine : IDisposable
{
    private readonly List<LoadedAssembly> _pending = [];
    private readonly HashSet<string> _referenced = new(StringComparer.OrdinalIgnoreCase);
    private Shell.FsiEvaluationSession? _session;

    public FSharpEngine()
    {
        AddReferences([AssemblyCatalog.Runner(typeof(Formatter).Assembly), AssemblyCatalog.Runner(typeof(Microsoft.AspNetCore.Html.HtmlString).Assembly),
                       AssemblyCatalog.Runner(typeof(NotebookKernel).Assembly)]);
    }

    /// <summary>Makes assemblies available to later cells (the framework and FSharp.Core are always there).</summary>
    public void AddReferences(IEnumerable<LoadedAssembly> assemblies)
    {
        foreach (LoadedAssembly a in assemblies)
            if (!a.IsFramework && a.Name != "FSharp.Core" && _referenced.Add(a.Name)) _pending.Add(a);
    }

    /// <summary>Runs one cell; returns (true, value) when it ends with a non-unit expression.</summary>
    /// <exception cref="CellException">Compiler errors (with FS codes and positions) or the exception thrown.</exception>
    public (bool HasValue, object? Value) Run(string code)
    {
        bool started = _session is null;
        Shell.FsiEvaluationSession session = _session ??= Start();
        foreach (LoadedAssembly a in _pending) Evaluate(session, $"#r @\"{a.Path.Replace("\"", "\"\"")}\"");
        _pending.Clear();
        if (started) Evaluate(session, Prelude);
        Shell.FsiValue? value = Evaluate(session, code);
        if (value is null || value.ReflectionType == typeof(Unit) || value.ReflectionType == typeof(void)) return (false, null);
        return (true, value.ReflectionValue);
    }

    private static Shell.FsiEvaluationSession Start()
    {
        string[] args = ["fsi.dll", "--noninteractive", "--nologo", "--gui-", "--quiet", "--langversion:latest", "--multiemit+", "--optimize+"];
        var session = Shell.FsiEvaluationSession.Create(
            Shell.FsiEvaluationSession.GetDefaultConfiguration(), args, new StringReader(""), TextWriter.Null, TextWriter.Null,
            FSharpOption<bool>.Some(false), legacyReferenceResolver: null);
        return session;
    }

    private const string Prelude = """
        let display (value: obj) = Backprop.Notebooks.Scripting.NotebookKernel.display(value)
        let HTML (content: string) = Backprop.Notebooks.Scripting.NotebookKernel.HTML(content)
        """;

    private Shell.FsiValue? Evaluate(Shell.FsiEvaluationSession session, string code)
    {
        var (result, diagnostics) = session.EvalInteractionNonThrowing(code, FSharpOption<CancellationToken>.None);
        var errors = diagnostics.Where(d => d.Severity.IsError).ToList();
        if (errors.Count > 0)
            throw new CellException(string.Join(Environment.NewLine, errors.Select(Format)));
        if (result is FSharpChoice<FSharpOption<Shell.FsiValue>?, Exception>.Choice2Of2 failure)
            throw CSharpEngine.Failure(failure.Item);
        var ok = (FSharpChoice<FSharpOption<Shell.FsiValue>?, Exception>.Choice1Of2)result;
        return ok.Item is { } some ? some.Value : null;
    }

    private static string Format(FSharpDiagnostic d) =>
        $"({d.StartLine},{d.StartColumn + 1}): error {d.ErrorNumberText}: {d.Message}";

    public void Dispose() => (_session as IDisposable)?.Dispose();
}
