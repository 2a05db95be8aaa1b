using Backprop.Notebooks;
using Backprop.Notebooks.Execution;

// Backprop.Notebooks: the headless notebook runner.
//   Backprop.Notebooks run <notebook or folder>... --out <dir> [--write-back] [--in-process]
const string Usage = """
    Usage: Backprop.Notebooks run <notebook or folder>... --out <dir> [--write-back] [--in-process]

    Runs .ipynb and .dib notebooks (C# through Roslyn scripting, F# through FSharp.Compiler.Service),
    with #r "nuget: ..." restored through NuGet, and writes into <dir> each executed notebook (.ipynb),
    a standalone HTML page per notebook and index.html. Each notebook runs in a process of its own.
      --out <dir>     where the outputs go (required)
      --write-back    also rewrite the source .ipynb files with their outputs
      --in-process    run every notebook in this process (faster; state is shared between notebooks)
    Exit code: 0 when every cell of every notebook ran, 1 when a cell failed, 2 for bad usage.
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}
if (args[0] is not ("run" or "run-one"))
{
    Console.Error.WriteLine($"Unknown command '{args[0]}'.\n\n{Usage}");
    return 2;
}
var inputs = new List<string>();
string? outDirectory = null, name = null, report = null;
bool writeBack = false, inProcess = false;
for (int i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out" or "-o" when i + 1 < args.Length: outDirectory = args[++i]; break;
        case "--name" when i + 1 < args.Length: name = args[++i]; break;      // run-one (the child of run)
        case "--report" when i + 1 < args.Length: report = args[++i]; break;  // run-one
        case "--write-back": writeBack = true; break;
        case "--in-process": inProcess = true; break;
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
var options = new RunnerOptions { Log = Console.Out };

if (args[0] == "run-one")
{
    // One notebook, in this process: what `run` starts for each notebook.
    string path = Path.GetFullPath(inputs.Single());
    Directory.CreateDirectory(outDirectory);
    RunSummary summary = await NotebookBatch.RunOneAsync(path, Path.GetFullPath(outDirectory), name ?? Path.GetFileNameWithoutExtension(path), writeBack, options);
    if (report is not null) NotebookBatch.WriteReport(summary, report);
    return summary.Succeeded ? 0 : 1;
}

IReadOnlyList<string> notebooks;
try { notebooks = NotebookBatch.Find(inputs); }
catch (FileNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
if (notebooks.Count == 0)
{
    Console.Error.WriteLine("No .ipynb or .dib notebook found in " + string.Join(", ", inputs));
    return 2;
}
var results = await NotebookBatch.RunAsync(notebooks, outDirectory, writeBack, options, inProcess);
int failed = results.Count(r => !r.Succeeded);
Console.Out.WriteLine();
foreach (RunSummary r in results.Where(r => !r.Succeeded)) Console.Error.WriteLine("error: " + r.FailureMessage);
Console.Out.WriteLine($"{results.Count - failed} of {results.Count} notebooks ran cleanly; outputs in {Path.GetFullPath(outDirectory)} (index.html)");
return failed == 0 ? 0 : 1;
