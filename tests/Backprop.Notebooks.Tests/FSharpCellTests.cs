using Backprop.Notebooks.Documents;

namespace Backprop.Notebooks.Tests;

/// <summary>F# cells: one FSI session per notebook, values, printfn, display, errors, and mixing with C#.</summary>
public class FSharpCellTests
{
    private static NotebookResultAssert Run(params (string Kernel, string Source)[] cells) =>
        new(TestNotebooks.Run("fs.ipynb", TestNotebooks.Ipynb(cells)));

    [Fact]
    public void FSharp_cells_share_one_session_and_the_last_expression_is_the_result()
    {
        var r = Run(("fsharp", "let square (x: float) = x * x\ntype Shape = Circle of float"),
                    ("fsharp", "let area = function Circle r -> 3.0 * square r\nprintfn \"area %g\" (area (Circle 2.0))\narea (Circle 1.0)"),
                    ("fsharp", "let unused = 1")).Value.Succeeds();
        Assert.Equal("area 12\n", r.Stdout(2));
        Assert.Equal("3", r.Result(2).Get("text/plain"));
        Assert.Contains("<pre>3</pre>", r.Result(2).Get("text/html"));
        Assert.Empty(r.Outputs(3));
    }

    [Fact]
    public void Display_works_in_FSharp_and_updates_in_place()
    {
        var r = Run(("fsharp", "let d = display [| 1; 2 |]\nd.Update [| 3; 4; 5 |]\ndisplay \"plain\" |> ignore")).Value.Succeeds();
        var outputs = r.Outputs(1).OfType<DataOutput>().ToList();
        Assert.Equal(2, outputs.Count);
        Assert.Equal("[ 3, 4, 5 ]", outputs[0].Get("text/plain"));
        Assert.Equal("plain", outputs[1].Get("text/plain"));
    }

    [Fact]
    public void An_FSharp_compile_error_names_the_cell_and_the_FS_code()
    {
        var r = Run(("fsharp", "let a = 1"), ("fsharp", "let b = a + notDefined")).Value;
        Assert.False(r.Succeeded);
        Assert.Equal(2, r.Failure!.Number);
        Assert.Contains("cell 2 (fsharp) failed", r.FailureMessage);
        Assert.Contains("FS0039", r.FailureMessage);
        Assert.Contains("notDefined", r.FailureMessage);
    }

    [Fact]
    public void An_FSharp_exception_fails_the_cell()
    {
        var r = Run(("fsharp", "let boom () : int = failwith \"gradient exploded\"\nprintfn \"start\"\nboom ()")).Value;
        Assert.False(r.Succeeded);
        Assert.Contains("gradient exploded", r.FailureMessage);
        Assert.Equal("start\n", r.Stdout(1));
        Assert.IsType<ErrorOutput>(r.Outputs(1)[^1]);
    }

    [Fact]
    public void CSharp_and_FSharp_cells_mix_in_one_notebook_each_with_its_own_state()
    {
        var r = Run(("csharp", "var n = 6;"), ("fsharp", "let n = 7"), ("csharp", "n * 7"), ("fsharp", "n * 6")).Value.Succeeds();
        Assert.Equal("42", r.Result(3).Get("text/plain"));
        Assert.Equal("42", r.Result(4).Get("text/plain"));
    }

    private sealed record NotebookResultAssert(Execution.NotebookResult Value);
}
