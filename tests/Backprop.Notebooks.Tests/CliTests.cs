using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Backprop.Notebooks.Tests;

/// <summary>The command line: outputs written, exit codes, write-back, determinism, #r of a .dll.</summary>
public class CliTests
{
    /// <summary>Runs the program's entry point in this process and returns its exit code.</summary>
    private static int RunCli(params string[] args)
    {
        MethodInfo entry = typeof(NotebookBatch).Assembly.EntryPoint!;
        object? result = entry.Invoke(null, [args]);
        return result is Task<int> task ? task.GetAwaiter().GetResult() : (int)result!;
    }

    [Fact]
    public void Run_writes_executed_notebooks_html_pages_and_an_index()
    {
        string dir = TestNotebooks.NewFolder();
        string notebooks = Directory.CreateDirectory(Path.Combine(dir, "notebooks")).FullName;
        File.WriteAllText(Path.Combine(notebooks, "01-first.ipynb"), TestNotebooks.Ipynb(("markdown", "# First *steps*\n\nSome $x^2$."), ("csharp", "display(HTML(\"<i>shown</i>\"));\ndisplay(\"<i>escaped</i>\", \"text/html\");\n6 * 7")));
        File.WriteAllText(Path.Combine(notebooks, "02-second.dib"), "#!fsharp\n\nprintfn \"hello <F#>\"\n");
        string output = Path.Combine(dir, "out");
        Assert.Equal(0, RunCli("run", notebooks, "--out", output));
        Assert.Equal(["01-first.html", "01-first.ipynb", "02-second.html", "02-second.ipynb", "index.html"],
                     Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        string page = File.ReadAllText(Path.Combine(output, "01-first.html"));
        Assert.StartsWith("<!DOCTYPE html>", page);
        Assert.Contains("<h1>First <em>steps</em></h1>", page);
        Assert.Contains("<span class=\"math\">$x^2$</span>", page);
        Assert.Contains("<i>shown</i>", page);
        Assert.Contains("&lt;i&gt;escaped&lt;/i&gt;", page); // a string is text, as Formatter formats it
        Assert.Contains("<pre>42</pre>", page);
        Assert.Contains("hello &lt;F#&gt;", File.ReadAllText(Path.Combine(output, "02-second.html")));
        string index = File.ReadAllText(Path.Combine(output, "index.html"));
        Assert.Contains("<a href=\"01-first.html\">01-first</a>", index);
        Assert.Contains("<a href=\"02-second.html\">02-second</a>", index);
        // without --write-back the sources are untouched
        Assert.DoesNotContain("execute_result", File.ReadAllText(Path.Combine(notebooks, "01-first.ipynb")));
    }

    [Fact]
    public void Running_twice_gives_byte_identical_notebooks_and_write_back_stores_them()
    {
        string dir = TestNotebooks.NewFolder();
        string path = Path.Combine(dir, "det.ipynb");
        File.WriteAllText(path, TestNotebooks.Ipynb(
            ("markdown", "# Determinism"),
            ("csharp", "var rows = Enumerable.Range(1, 3).Select(i => new { I = i, Square = i * i }).ToList();\ndisplay(rows);\nConsole.WriteLine(\"rows\");\nrows.Count"),
            ("fsharp", "[ for i in 1 .. 3 -> i * i ]")));
        Assert.Equal(0, RunCli("run", path, "--out", Path.Combine(dir, "a")));
        Assert.Equal(0, RunCli("run", path, "--out", Path.Combine(dir, "b"), "--write-back"));
        byte[] first = File.ReadAllBytes(Path.Combine(dir, "a", "det.ipynb"));
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(dir, "b", "det.ipynb")));
        Assert.Equal(first, File.ReadAllBytes(path)); // written back
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "a", "det.html")), File.ReadAllBytes(Path.Combine(dir, "b", "det.html")));
        // and running the written-back notebook again reproduces it
        Assert.Equal(0, RunCli("run", path, "--out", Path.Combine(dir, "c")));
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(dir, "c", "det.ipynb")));
    }

    [Fact]
    public void A_failing_cell_fails_the_run_with_exit_code_1_and_still_writes_the_outputs()
    {
        string dir = TestNotebooks.NewFolder();
        string path = Path.Combine(dir, "fails.ipynb");
        File.WriteAllText(path, TestNotebooks.Ipynb(("csharp", "var a = 1;"), ("csharp", "a.Missing()")));
        var stderr = new StringWriter();
        TextWriter previous = Console.Error;
        int code;
        try
        {
            Console.SetError(stderr);
            code = RunCli("run", path, "--out", Path.Combine(dir, "out"));
        }
        finally { Console.SetError(previous); }
        Assert.Equal(1, code);
        Assert.Contains("fails: cell 2 (csharp) failed", stderr.ToString());
        Assert.Contains("CS1061", stderr.ToString());
        Assert.Contains("CS1061", File.ReadAllText(Path.Combine(dir, "out", "fails.ipynb")));
        Assert.Contains("cell 2 failed", File.ReadAllText(Path.Combine(dir, "out", "index.html")));
    }

    [Fact]
    public void Bad_usage_exits_with_2()
    {
        Assert.Equal(2, RunCli());
        Assert.Equal(2, RunCli("run", "--out", TestNotebooks.NewFolder()));
        Assert.Equal(2, RunCli("run", Path.Combine(TestNotebooks.NewFolder(), "none.ipynb"), "--out", "x"));
        Assert.Equal(2, RunCli("explode"));
    }

    [Fact]
    public void Hash_r_of_a_dll_path_references_it_in_CSharp_and_FSharp()
    {
        string dir = TestNotebooks.NewFolder();
        string dll = Path.Combine(dir, "lib", "Greeter.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        var compilation = CSharpCompilation.Create("Greeter",
            [CSharpSyntaxTree.ParseText("namespace Greeting { public static class Greeter { public static string Hello(string who) => \"Hello, \" + who; } }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location), MetadataReference.CreateFromFile(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "System.Runtime.dll"))],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.True(compilation.Emit(dll).Success);
        var result = TestNotebooks.Run("dll.ipynb", TestNotebooks.Ipynb(
            ("csharp", "#r \"lib/Greeter.dll\"\nGreeting.Greeter.Hello(\"C#\")"),
            ("fsharp", $"#r \"{dll}\"\nGreeting.Greeter.Hello \"F#\"")), folder: dir).Succeeds();
        Assert.Equal("Hello, C#", result.Result(1).Get("text/plain"));
        Assert.Equal("Hello, F#", result.Result(2).Get("text/plain"));
    }
}
