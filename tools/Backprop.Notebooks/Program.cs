using Backprop.Notebooks;
using Backprop.Notebooks.Execution;

// Backprop.Notebooks: the headless notebook runner.
//   Backprop.Notebooks run <notebook or folder>... --out <dir> [--write-back]
const string Usage = """
    Usage: Backprop.Notebooks run <notebook or folder>... --out <dir> [--write-back]

    Runs .ipynb and .dib notebooks (C# through Roslyn scripting, F# through FSharp.Compiler.Service),
    with #r "nuget: ..." restored through NuGet, and writes into <dir> each executed notebook (.ipynb),
    a standalone HTML page per notebook and index.html.
      --out <dir>     where the outputs go (required)
      --write-back    also rewrite the source .ipynb files with their outputs
    Exit code: 0 when every cell of every notebook ran, 1 when a cell failed, 2 for bad usage.
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
string? outDirectory = null;
bool writeBack = false;
for (int i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out" or "-o" when i + 1 < args.Length: outDirectory = args[++i]; break;
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
TextWriter log = Console.Out;
var results = await NotebookBatch.RunAsync(notebooks, outDirectory, writeBack, new RunnerOptions { Log = log });
int failed = results.Count(r => !r.Result.Succeeded);
log.WriteLine();
foreach (var r in results.Where(r => !r.Result.Succeeded)) Console.Error.WriteLine("error: " + r.Result.FailureMessage);
log.WriteLine($"{results.Count - failed} of {results.Count} notebooks ran cleanly; outputs in {Path.GetFullPath(outDirectory)} (index.html)");
return failed == 0 ? 0 : 1;
