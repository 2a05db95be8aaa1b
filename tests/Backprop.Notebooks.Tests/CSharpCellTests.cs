using Backprop.Notebooks.Documents;

namespace Backprop.Notebooks.Tests;

/// <summary>C# cells: chained submissions, results, console output, display, errors.</summary>
public class CSharpCellTests
{
    [Fact]
    public void Submissions_are_chained_so_variables_types_and_usings_carry_over()
    {
        var result = TestNotebooks.CSharp(
            "using System.Numerics;\nvar a = 20;\nrecord Point(int X, int Y);",
            "var p = new Point(a, 2);\nvar c = new Complex(3, 4);",
            "a = a + p.Y;\n$\"{a} {c.Magnitude} {p}\"").Succeeds();
        Assert.Empty(result.Outputs(1));
        Assert.Equal("22 5 Point { X = 20, Y = 2 }", result.Result(3).Get("text/plain"));
        Assert.Equal([1, 2, 3], result.Notebook.Cells.Select(c => c.ExecutionCount!.Value));
    }

    [Fact]
    public void A_cell_value_is_formatted_in_html_and_plain_text_and_a_statement_has_no_value()
    {
        var result = TestNotebooks.CSharp("var xs = new List<int> { 1, 2, 3 };", "xs.Sum()", "var n = xs.Count;", "Console.Write(\"side\")").Succeeds();
        Assert.Empty(result.Outputs(1));
        DataOutput value = result.Result(2);
        Assert.Equal(["text/html", "text/plain"], value.Data.Select(d => d.Key));
        Assert.Equal("6", value.Get("text/plain"));
        Assert.Contains("<pre>6</pre>", value.Get("text/html"));
        Assert.Empty(result.Outputs(3));
        Assert.Equal("side", result.Stdout(4));
        Assert.DoesNotContain(result.Outputs(4), o => o is DataOutput); // void call: no result
    }

    [Fact]
    public void Console_output_becomes_stream_outputs_in_order_with_displays()
    {
        var result = TestNotebooks.CSharp("Console.WriteLine(\"one\");\nConsole.Write(\"two\");\ndisplay(\"shown\");\nConsole.Error.WriteLine(\"oops\");\nConsole.WriteLine(\"three\");").Succeeds();
        var outputs = result.Outputs(1);
        Assert.Equal(4, outputs.Count);
        Assert.Equal("one\ntwo", Assert.IsType<StreamOutput>(outputs[0]).Text);
        Assert.Equal("shown", Assert.IsType<DataOutput>(outputs[1]).Get("text/plain"));
        Assert.Equal(("stderr", "oops\n"), (((StreamOutput)outputs[2]).Name, ((StreamOutput)outputs[2]).Text));
        Assert.Equal("three\n", ((StreamOutput)outputs[3]).Text);
    }

    [Fact]
    public void Display_adds_outputs_formatted_like_results()
    {
        var result = TestNotebooks.CSharp("display(new[] { 1, 2 });\ndisplay(\"<b>text</b>\");\ndisplay(42, \"text/plain\");\n1 + 1").Succeeds();
        var outputs = result.Outputs(1).OfType<DataOutput>().ToList();
        Assert.Equal(4, outputs.Count);
        Assert.False(outputs[0].IsResult);
        Assert.Equal("[ 1, 2 ]", outputs[0].Get("text/plain"));
        Assert.Contains("<pre>[ 1, 2 ]</pre>", outputs[0].Get("text/html"));
        Assert.Equal("<b>text</b>", outputs[1].Get("text/plain")); // strings prefer text/plain, as in the kernel
        Assert.Null(outputs[1].Get("text/html"));
        Assert.Equal(["text/plain"], outputs[2].Data.Select(d => d.Key));
        Assert.True(outputs[3].IsResult);
    }

    [Fact]
    public void Display_update_replaces_the_output_in_place_even_from_a_later_cell()
    {
        var result = TestNotebooks.CSharp(
            "var d = display(1);\nConsole.WriteLine(\"after\");\nfor (int i = 2; i <= 5; i++) d.Update(i);",
            "d.Update(new[] { 6, 7 });").Succeeds();
        var outputs = result.Outputs(1);
        Assert.Equal(2, outputs.Count);
        DataOutput shown = Assert.IsType<DataOutput>(outputs[0]);
        Assert.Equal("[ 6, 7 ]", shown.Get("text/plain"));
        Assert.Contains("<pre>[ 6, 7 ]</pre>", shown.Get("text/html"));
        Assert.Equal("after\n", Assert.IsType<StreamOutput>(outputs[1]).Text);
        Assert.Empty(result.Outputs(2));
    }

    [Fact]
    public void A_compile_error_fails_the_run_with_the_cell_number_and_the_CS_code()
    {
        string text = TestNotebooks.Ipynb(("markdown", "# Title"), ("csharp", "var ok = 1;"), ("csharp", "var z = ok + missing;"), ("csharp", "Console.WriteLine(\"never\");"));
        var result = TestNotebooks.Run("broken.ipynb", text);
        Assert.False(result.Succeeded);
        Assert.Equal(3, result.Failure!.Number);
        Assert.Contains("broken: cell 3 (csharp) failed", result.FailureMessage);
        Assert.Contains("error CS0103", result.FailureMessage);
        Assert.Contains("'missing'", result.FailureMessage);
        Assert.Contains("(1,14)", result.FailureMessage);
        ErrorOutput error = Assert.IsType<ErrorOutput>(Assert.Single(result.Outputs(3)));
        Assert.Contains("CS0103", error.Message);
        Assert.Empty(result.Outputs(4));
        Assert.Null(result.Notebook.Cells[3].ExecutionCount); // later cells are not run
    }

    [Fact]
    public void An_exception_becomes_an_error_output_after_the_output_so_far()
    {
        var result = TestNotebooks.CSharp("int Divide(int a, int b) => a / b;", "Console.WriteLine(\"before\");\nthrow new InvalidOperationException(\"the weights are not finite\");", "1");
        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Failure!.Number);
        Assert.Contains("System.InvalidOperationException: the weights are not finite", result.FailureMessage);
        var outputs = result.Outputs(2);
        Assert.Equal("before\n", Assert.IsType<StreamOutput>(outputs[0]).Text);
        ErrorOutput error = Assert.IsType<ErrorOutput>(outputs[1]);
        Assert.Equal("System.InvalidOperationException", error.Name);
        Assert.Equal("System.InvalidOperationException: the weights are not finite", error.Traceback[0]);
        Assert.Empty(result.Outputs(3));

        var divide = TestNotebooks.CSharp("int Divide(int a, int b) => a / b;", "Divide(1, 0)");
        Assert.Contains("System.DivideByZeroException", divide.FailureMessage);
    }

    [Fact]
    public void A_relative_nuget_source_is_rejected_as_the_kernel_does()
    {
        var result = TestNotebooks.CSharp("#i \"nuget: ../artifacts/packages\"\n1");
        Assert.False(result.Succeeded);
        Assert.Contains("Invalid URI", result.FailureMessage);
    }

    [Fact]
    public void An_unknown_kernel_fails_with_a_clear_message_and_html_cells_are_shown()
    {
        var html = TestNotebooks.Run("h.ipynb", TestNotebooks.Ipynb(("html", "<b>bold</b>"))).Succeeds();
        Assert.Equal("<b>bold</b>", Assert.IsType<DataOutput>(Assert.Single(html.Outputs(1))).Get("text/html"));
        var pwsh = TestNotebooks.Run("p.ipynb", TestNotebooks.Ipynb(("pwsh", "Get-Date")));
        Assert.Contains("'pwsh' kernel is not supported", pwsh.FailureMessage);
    }
}
