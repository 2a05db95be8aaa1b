using System.Reflection;
using Backprop.Notebooks.Packages;
using Backprop.Notebooks.Scripting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Scripting.Hosting;
using Microsoft.DotNet.Interactive.Formatting;

namespace Backprop.Notebooks.Execution;

/// <summary>
/// C# cells through Roslyn scripting, as the kernel runs them: each cell is a submission chained to the
/// previous one (<see cref="Script.ContinueWith(string, ScriptOptions)"/>), so variables, types and usings
/// carry over. The kernel's default usings apply, and <c>display</c> is imported with <c>using static</c>.
/// </summary>
internal sealed class CSharpEngine
{
    /// <summary>The whole shared framework, read once per process and shared by every notebook.</summary>
    private static readonly Lazy<MetadataReference[]> s_framework = new(() =>
        AssemblyCatalog.FrameworkPaths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray());

    private readonly InteractiveAssemblyLoader _loader = new();
    private ScriptOptions _options;
    private ScriptState<object>? _state;

    public CSharpEngine()
    {
        _options = ScriptOptions.Default
            .WithReferences(s_framework.Value)
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithAllowUnsafe(true)
            .WithImports("System", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading.Tasks", "System.Linq",
                         typeof(NotebookKernel).FullName!);
        AddReferences([
            AssemblyCatalog.Runner(typeof(Enumerable).Assembly), AssemblyCatalog.Runner(typeof(List<>).Assembly),
            AssemblyCatalog.Runner(typeof(Task<>).Assembly), AssemblyCatalog.Runner(typeof(Console).Assembly),
            AssemblyCatalog.Runner(typeof(Formatter).Assembly), AssemblyCatalog.Runner(typeof(Microsoft.AspNetCore.Html.HtmlString).Assembly),
            AssemblyCatalog.Runner(typeof(NotebookKernel).Assembly),
        ]);
    }

    /// <summary>Makes assemblies available to later cells: compiled against their loaded copy's file, and that
    /// copy registered with the script loader so that no second copy is ever loaded.</summary>
    public void AddReferences(IEnumerable<LoadedAssembly> assemblies)
    {
        foreach (LoadedAssembly a in assemblies)
        {
            _loader.RegisterDependency(a.Assembly);
            _options = _options.AddReferences(MetadataReference.CreateFromFile(a.Path));
        }
    }

    /// <summary>Runs one cell; returns (true, value) when the cell ends with an expression, else (false, null).</summary>
    /// <exception cref="CellException">Compiler errors (with their CS codes and positions) or the exception thrown.</exception>
    public async Task<(bool HasValue, object? Value)> RunAsync(string code)
    {
        Script<object> script = _state is null
            ? CSharpScript.Create(code, _options, globalsType: null, assemblyLoader: _loader)
            : _state.Script.ContinueWith(code, _options);
        var errors = script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
            throw new CellException(string.Join(Environment.NewLine, errors.Select(d => d.ToString())));
        bool hasValue = EndsWithExpression(script.GetCompilation());
        ScriptState<object> state = _state is null
            ? await script.RunAsync(globals: null, catchException: _ => true)
            : await script.RunFromAsync(_state, catchException: _ => true);
        _state = state;
        if (state.Exception is { } e) throw Failure(e);
        return (hasValue, state.ReturnValue);
    }

    /// <summary>True when the submission ends with an expression without a semicolon that has a value (the cell's result).</summary>
    private static bool EndsWithExpression(Compilation compilation)
    {
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        if (tree.GetRoot() is not CompilationUnitSyntax { Members: [.., GlobalStatementSyntax { Statement: ExpressionStatementSyntax last }] } ||
            !last.SemicolonToken.IsMissing)
            return false;
        ITypeSymbol? type = compilation.GetSemanticModel(tree).GetTypeInfo(last.Expression).Type;
        return type is null || type.SpecialType != SpecialType.System_Void;
    }

    /// <summary>An exception as a cell error: its type and message, and the script's own stack frames.</summary>
    internal static CellException Failure(Exception e)
    {
        while (e is TargetInvocationException { InnerException: { } inner }) e = inner;
        var trace = new List<string> { $"{e.GetType().FullName}: {e.Message}" };
        foreach (string line in (e.StackTrace ?? "").Split('\n'))
        {
            string frame = line.TrimEnd();
            if (frame.Length == 0 || frame.Contains("Microsoft.CodeAnalysis.Scripting", StringComparison.Ordinal) ||
                frame.Contains("Backprop.Notebooks.", StringComparison.Ordinal) || frame.Contains("System.Runtime.CompilerServices", StringComparison.Ordinal) ||
                frame.StartsWith("---", StringComparison.Ordinal) || frame.Contains("System.Threading.", StringComparison.Ordinal))
                continue;
            trace.Add(frame);
        }
        return new CellException($"{e.GetType().FullName}: {e.Message}", e.GetType().FullName!, trace, e);
    }
}
