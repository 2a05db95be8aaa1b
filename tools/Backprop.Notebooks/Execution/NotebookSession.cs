using System.Diagnostics;
using System.Reflection;
using System.Text;
using Backprop.Notebooks.Documents;
using Backprop.Notebooks.Packages;
using Backprop.Notebooks.Scripting;

namespace Backprop.Notebooks.Execution;

/// <summary>How one cell went.</summary>
internal sealed record CellReport(int Number, string Kernel, TimeSpan Elapsed, string? Error);

/// <summary>The outcome of running a notebook: its cells (with outputs), per-cell reports and the first failure.</summary>
internal sealed record NotebookResult(Notebook Notebook, IReadOnlyList<CellReport> Cells, TimeSpan Elapsed)
{
    /// <summary>The failing cell, or null when every cell ran.</summary>
    public CellReport? Failure => Cells.FirstOrDefault(c => c.Error is not null);

    /// <summary>True when every code cell ran without error.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>"name: cell N failed: message", or null.</summary>
    public string? FailureMessage => Failure is { } f ? $"{Notebook.Name}: cell {f.Number} ({f.Kernel}) failed: {f.Error}" : null;
}

/// <summary>Options of a run.</summary>
internal sealed record RunnerOptions
{
    /// <summary>Extra environment for child processes (dotnet restore), e.g. a private NUGET_PACKAGES.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Where per-cell status lines go (null: nowhere).</summary>
    public TextWriter? Log { get; init; }
}

/// <summary>
/// Runs one notebook, as a kernel process would: one C# submission chain and one F# session, packages
/// restored and loaded as the cells ask for them (each package's interactive extension run once), outputs
/// collected per cell. Execution stops at the first failing cell.
/// </summary>
internal sealed class NotebookSession : IDisposable
{
    private readonly Notebook _notebook;
    private readonly RunnerOptions _options;
    private readonly CSharpEngine _csharp = new();
    private readonly FSharpEngine _fsharp = new();
    private readonly NuGetRestorer _restorer;
    private readonly List<PackageDirective> _packages = [];
    private readonly List<string> _sources = [];
    private readonly HashSet<string> _loadedPackages = new(StringComparer.OrdinalIgnoreCase);
    private int _executionCount;

    private NotebookSession(Notebook notebook, RunnerOptions options)
    {
        _notebook = notebook;
        _options = options;
        _restorer = new NuGetRestorer(options.Environment);
    }

    /// <summary>Runs every code cell of <paramref name="notebook"/> (its outputs are replaced) and reports how it went.</summary>
    public static async Task<NotebookResult> RunAsync(Notebook notebook, RunnerOptions options)
    {
        ConsoleRouter.Install();
        using var session = new NotebookSession(notebook, options);
        return await session.RunAllAsync();
    }

    private async Task<NotebookResult> RunAllAsync()
    {
        var reports = new List<CellReport>();
        var total = Stopwatch.StartNew();
        int codeCells = _notebook.Cells.Count(c => c.IsCode);
        _options.Log?.WriteLine($"{_notebook.Name} ({codeCells} code cells)");
        bool failed = false;
        for (int i = 0; i < _notebook.Cells.Count; i++)
        {
            Cell cell = _notebook.Cells[i];
            if (!cell.IsCode) continue;
            cell.Outputs.Clear();
            cell.ExecutionCount = null;
            if (failed) continue; // cells after a failure are left unexecuted, with no outputs
            var watch = Stopwatch.StartNew();
            string? error = await RunCellAsync(cell);
            watch.Stop();
            var report = new CellReport(i + 1, cell.Kernel, watch.Elapsed, error);
            reports.Add(report);
            _options.Log?.WriteLine($"  cell {report.Number,3} {cell.Kernel,-7} {(error is null ? "ok  " : "FAIL")} {watch.Elapsed.TotalSeconds,7:F2} s" +
                                    (error is null ? "" : $"  {FirstLine(error)}"));
            failed = error is not null;
        }
        total.Stop();
        var result = new NotebookResult(_notebook, reports, total.Elapsed);
        _options.Log?.WriteLine(result.Succeeded ? $"  {_notebook.Name}: ok in {total.Elapsed.TotalSeconds:F1} s" : "  " + result.FailureMessage);
        return result;
    }

    private static string FirstLine(string s) => s.Split('\n')[0].TrimEnd();

    /// <summary>Runs one cell in its own context; returns the error message, or null.</summary>
    private async Task<string?> RunCellAsync(Cell cell)
    {
        var context = new CellContext(cell);
        cell.ExecutionCount = ++_executionCount;
        using (CellContext.Enter(context))
        {
            try
            {
                await ExecuteAsync(cell.Kernel, cell.Source, isResultCell: true);
                return null;
            }
            catch (CellException e)
            {
                context.Add(new ErrorOutput(e.ErrorName, e.Message, e.Traceback));
                return e.Message;
            }
            catch (Exception e)
            {
                CellException failure = CSharpEngine.Failure(e);
                context.Add(new ErrorOutput(failure.ErrorName, failure.Message, failure.Traceback));
                return failure.Message;
            }
        }
    }

    private async Task ExecuteAsync(string kernel, string source, bool isResultCell)
    {
        if (kernel == KernelNames.Html)
        {
            CellContext.Current!.Add(new DataOutput(false, [new("text/html", source)]));
            return;
        }
        if (kernel is not (KernelNames.CSharp or KernelNames.FSharp))
            throw new CellException($"The '{kernel}' kernel is not supported by the runner (C#, F#, HTML and Markdown cells are).");
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(_notebook.Path)) ?? Environment.CurrentDirectory;
        CellDirectives directives = Directives.Extract(source, baseDirectory);
        if (directives.Any) await ApplyAsync(directives);
        if (directives.Code.Trim().Length == 0) return;
        var (hasValue, value) = kernel == KernelNames.CSharp
            ? await _csharp.RunAsync(directives.Code)
            : _fsharp.Run(directives.Code);
        if (hasValue && isResultCell) CellContext.Current!.Add(new DataOutput(true, OutputFormatter.Format(value)));
        else if (hasValue) NotebookKernel.display(value);
    }

    /// <summary>Adds sources, restores and loads packages (then runs their extensions), and loads .dll references.</summary>
    private async Task ApplyAsync(CellDirectives directives)
    {
        foreach (string source in directives.Sources) if (!_sources.Contains(source)) _sources.Add(source);
        var assemblies = new List<LoadedAssembly>();
        foreach (string path in directives.AssemblyPaths)
        {
            if (!File.Exists(path)) throw new CellException($"#r: the assembly '{path}' was not found.");
            assemblies.Add(AssemblyCatalog.Load(path) ?? throw new CellException($"#r: '{path}' is not a .NET assembly."));
        }
        var extensions = new List<string>();
        if (directives.Packages.Count > 0)
        {
            foreach (PackageDirective p in directives.Packages)
            {
                int known = _packages.FindIndex(k => string.Equals(k.Name, p.Name, StringComparison.OrdinalIgnoreCase));
                if (known < 0) _packages.Add(p);
                else if (p.Version is not null && _packages[known].Version is { } v && v != p.Version && _loadedPackages.Contains(p.Name))
                    throw new CellException($"{p.Name} version {v} is already loaded; a different version ({p.Version}) cannot be loaded into the same notebook.");
                else _packages[known] = p with { Version = p.Version ?? _packages[known].Version };
            }
            IReadOnlyList<RestoredPackage> closure = _restorer.Restore(_packages, _sources);
            foreach (RestoredPackage package in closure)
            {
                if (!_loadedPackages.Add(package.Name)) continue;
                foreach (string dll in package.RuntimeAssemblies)
                    if (AssemblyCatalog.Load(dll) is { } a) assemblies.Add(a);
                string extension = Path.Combine(package.Directory, "interactive-extensions", "dotnet", "extension.dib");
                if (File.Exists(extension)) extensions.Add(extension);
            }
            ShowInstalledPackages(directives.Packages, closure);
        }
        _csharp.AddReferences(assemblies);
        _fsharp.AddReferences(assemblies);
        HostLiveDisplay(assemblies);
        foreach (string extension in extensions)
        {
            Notebook script = NotebookReader.Read(extension);
            foreach (Cell cell in script.Cells.Where(c => c.IsCode))
            {
                try { await ExecuteAsync(cell.Kernel, cell.Source, isResultCell: false); }
                catch (CellException e) { throw new CellException($"The extension {extension} failed: {e.Message}", e.ErrorName, e.Traceback, e); }
            }
        }
    }

    /// <summary>The kernel's "Installed Packages" output for the packages this cell named, at their resolved versions.</summary>
    private static void ShowInstalledPackages(IReadOnlyList<PackageDirective> named, IReadOnlyList<RestoredPackage> closure)
    {
        var html = new StringBuilder("<div><div><strong>Installed Packages</strong><ul>");
        var text = new StringBuilder("Installed Packages");
        foreach (PackageDirective p in named)
        {
            string version = closure.FirstOrDefault(r => string.Equals(r.Name, p.Name, StringComparison.OrdinalIgnoreCase))?.Version ?? p.Version ?? "";
            string label = $"{p.Name}, {version}";
            html.Append("<li><span>").Append(System.Net.WebUtility.HtmlEncode(label)).Append("</span></li>");
            text.Append("\n  • ").Append(label);
        }
        CellContext.Current!.Add(new DataOutput(false, [new("text/html", html.Append("</ul></div></div>").ToString()), new("text/plain", text.ToString())]));
    }

    /// <summary>Installs the runner as the display host of Backprop.Interactive (NotebookDisplay.Host), so that
    /// live views (training progress) create one output and update it in place.</summary>
    private static void HostLiveDisplay(IEnumerable<LoadedAssembly> assemblies)
    {
        foreach (LoadedAssembly a in assemblies)
        {
            if (a.Name != "Backprop.Interactive") continue;
            PropertyInfo? host = a.Assembly.GetType("Backprop.Interactive.Charts.NotebookDisplay")?.GetProperty("Host", BindingFlags.Public | BindingFlags.Static);
            if (host?.PropertyType == typeof(Func<object, Action<object>>))
                host.SetValue(null, (Func<object, Action<object>>)(value => NotebookKernel.display(value).Update));
        }
    }

    public void Dispose() => _fsharp.Dispose();
}
