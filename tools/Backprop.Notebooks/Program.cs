using Backprop.Notebooks;
using Backprop.Notebooks.Hosts;

// Backprop.Notebooks: runs notebooks in the real .NET Interactive kernel and renders them as pages.
const string Usage = """
    Usage: Backprop.Notebooks run <notebook or folder>... --out <dir> [--host repl|jupyter] [--write-back] [--feed <dir>]

    Executes .ipynb notebooks in a real .NET Interactive host, pinned in .config/dotnet-tools.json:
      repl     dotnet-repl (default; needs only the .NET SDK)
      jupyter  jupyter nbconvert --execute with the kernel of Microsoft.dotnet-interactive
               (needs Debian's jupyter-nbconvert and python3-nbclient; notebooks below the repository)
    and writes into <dir> each executed notebook (.ipynb), a standalone HTML page per notebook and index.html.
      --write-back    also write the outputs into the source notebooks (only those that ran cleanly)
      --feed <dir>    take Backprop.* packages from <dir> only, with a private package cache (for tests)
    Exit code: 0 when every cell of every notebook ran, 1 when one failed, 2 for bad usage.
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}
if (args[0] != "run")
{
    Console.Error.WriteLine($"Unknown command '{args[0]}'.\n\n{Usage}");
    return 2;
}
var inputs = new List<string>();
string? outDirectory = null, feed = null;
string hostName = "repl";
bool writeBack = false;
for (int i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out" or "-o" when i + 1 < args.Length: outDirectory = args[++i]; break;
        case "--host" when i + 1 < args.Length: hostName = args[++i]; break;
        case "--feed" when i + 1 < args.Length: feed = args[++i]; break;
        case "--write-back": writeBack = true; break;
        case var a when a.StartsWith('-'):
            Console.Error.WriteLine($"Unknown option '{a}'.\n\n{Usage}");
            return 2;
        default: inputs.Add(args[i]); break;
    }
}
if (inputs.Count == 0 || outDirectory is null)
{
    Console.Error.WriteLine((inputs.Count == 0 ? "No notebook given." : "--out <dir> is required.") + "\n\n" + Usage);
    return 2;
}
IReadOnlyList<string> notebooks;
KernelHost host;
try
{
    notebooks = NotebookBatch.Find(inputs);
    host = KernelHost.Create(hostName, ToolManifest.Find());
}
catch (Exception e) when (e is FileNotFoundException or ArgumentException or InvalidOperationException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
if (notebooks.Count == 0)
{
    Console.Error.WriteLine("No .ipynb notebook found in " + string.Join(", ", inputs));
    return 2;
}
var runs = await NotebookBatch.RunAsync(notebooks, outDirectory, writeBack, host, Console.Out, feed);
int failed = runs.Count(r => !r.Succeeded);
foreach (NotebookRun r in runs.Where(r => !r.Succeeded)) Console.Error.WriteLine($"error: {r.Name}: {r.Failure}");
Console.Out.WriteLine($"{runs.Count - failed} of {runs.Count} notebooks ran cleanly in {host.Name}; outputs in {Path.GetFullPath(outDirectory)} (index.html)");
return failed == 0 ? 0 : 1;
