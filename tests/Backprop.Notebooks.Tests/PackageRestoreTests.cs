using System.Reflection;
using Backprop.Interactive.Tests;
using Backprop.Notebooks.Documents;
using Microsoft.DotNet.Interactive.Formatting;

namespace Backprop.Notebooks.Tests;

/// <summary>
/// #r "nuget:" through a real restore: Backprop.Core and Backprop.Interactive packed from a copy of src/
/// into a local feed (#i), a private NUGET_PACKAGES, the package's extension.dib run, and our formatters
/// seen by the runner (one copy of Microsoft.DotNet.Interactive.Formatting in the process).
/// </summary>
public class PackageRestoreTests(PackageFixture package) : IClassFixture<PackageFixture>
{
    private string Load(string version = ", 0.1.0") => $"#i \"nuget: {package.Feed}\"\n#r \"nuget: Backprop.Interactive{version}\"";

    private Execution.NotebookResult Run(params (string Kernel, string Source)[] cells) =>
        TestNotebooks.Run("package.ipynb", TestNotebooks.Ipynb(cells), package.Environment);

    [Fact]
    public void A_CSharp_cell_gets_our_html_for_a_Value_from_the_restored_package()
    {
        var r = Run(("csharp", Load()),
                    ("csharp", "using Backprop;\nvar x = new Value(2.0, \"x\");\nvar y = 3 * x * x + 4 * x;\ny.Backward();\nConsole.WriteLine($\"grad {x.Grad}\");\ny"),
                    ("csharp", "typeof(Microsoft.DotNet.Interactive.Formatting.Formatter).Assembly.Location")).Succeeds();
        // the #r cell shows the installed package, as the kernel does
        DataOutput installed = Assert.IsType<DataOutput>(Assert.Single(r.Outputs(1)));
        Assert.Contains("<li><span>Backprop.Interactive, 0.1.0</span></li>", installed.Get("text/html"));
        Assert.Equal("grad 16\n", r.Stdout(2));
        DataOutput value = r.Result(2);
        Assert.StartsWith("<div class=\"bp-view bp-graph\">", value.Get("text/html"));
        Assert.Contains("<svg", value.Get("text/html"));
        Assert.Equal("Value(data=20, grad=1)", value.Get("text/plain"));
        // the scripts use the runner's copy of the formatting library: one copy in the process
        Assert.Equal(typeof(Formatter).Assembly.Location, r.Result(3).Get("text/plain"));
        Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "Microsoft.DotNet.Interactive.Formatting");
        // the library came from the package, and its extension registered the formatters
        Assembly interactive = Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "Backprop.Interactive");
        Assert.StartsWith(package.Cache, interactive.Location);
        var registered = interactive.GetType("Backprop.Interactive.Formatting.BackpropFormatters")!.GetField("s_registered", BindingFlags.NonPublic | BindingFlags.Static)!;
        Assert.Equal(1, registered.GetValue(null));
    }

    [Fact]
    public void An_FSharp_cell_gets_our_html_for_a_Value_and_a_Tensor()
    {
        var r = Run(("fsharp", Load()),
                    ("fsharp", "open Backprop\nlet x = Value(2.0, \"x\")\nlet y = 3.0 * x ** 2.0 + 4.0 * x\ny.Backward()\nprintfn \"grad %g\" x.Grad\ny"),
                    ("fsharp", "display (Tensor.Ones([| 2; 2 |], DType.Float64)) |> ignore")).Succeeds();
        Assert.Equal("grad 16\n", r.Stdout(2));
        Assert.StartsWith("<div class=\"bp-view bp-graph\">", r.Result(2).Get("text/html"));
        DataOutput tensor = Assert.IsType<DataOutput>(Assert.Single(r.Outputs(3)));
        Assert.StartsWith("<div class=\"bp-view bp-tensor\">", tensor.Get("text/html"));
    }

    [Fact]
    public void Live_views_update_one_output_in_place_through_the_runner_display_host()
    {
        var r = Run(("csharp", Load(version: "")),
                    ("csharp", """
                        using Backprop;
                        using Backprop.Interactive.Charts;
                        var update = NotebookDisplay.TryCreate(new Value(1, "first"));
                        Console.WriteLine(update is null ? "no host" : "hosted");
                        update!(new Value(2, "second"));
                        update(new Value(3, "third"));
                        """)).Succeeds();
        // a package referenced without a version resolves to the latest (here the packed 0.1.0)
        Assert.Contains("Backprop.Interactive, 0.1.0", Assert.IsType<DataOutput>(Assert.Single(r.Outputs(1))).Get("text/plain"));
        var outputs = r.Outputs(2);
        Assert.Equal(2, outputs.Count);
        DataOutput live = Assert.IsType<DataOutput>(outputs[0]);
        Assert.Contains("third", live.Get("text/html"));
        Assert.DoesNotContain("first", live.Get("text/html"));
        Assert.Equal("hosted\n", Assert.IsType<StreamOutput>(outputs[1]).Text);
    }

    [Fact]
    public async Task Running_a_package_notebook_twice_gives_byte_identical_outputs()
    {
        string dir = TestNotebooks.NewFolder();
        string path = Path.Combine(dir, "graph.ipynb");
        File.WriteAllText(path, TestNotebooks.Ipynb(
            ("csharp", Load()),
            ("csharp", "using Backprop;\nvar w = new Value(0.5, \"w\");\nvar l = (w * 3 - 1).Pow(2);\nl.Backward();\nl"),
            ("fsharp", "open Backprop\nlet t = Tensor.Ones([| 2; 2 |], DType.Float64)\nt")));
        // each run is a fresh runner process (as each notebook gets a fresh kernel), so unnamed nodes are numbered alike
        var options = new Execution.RunnerOptions { Environment = package.Environment };
        var first = await NotebookBatch.RunAsync([path], Path.Combine(dir, "a"), writeBack: false, options);
        var second = await NotebookBatch.RunAsync([path], Path.Combine(dir, "b"), writeBack: false, options);
        Assert.True(first[0].Succeeded, first[0].FailureMessage);
        Assert.True(second[0].Succeeded, second[0].FailureMessage);
        byte[] bytes = File.ReadAllBytes(first[0].Ipynb);
        Assert.Equal(bytes, File.ReadAllBytes(second[0].Ipynb));
        string text = File.ReadAllText(first[0].Ipynb);
        Assert.Contains("bp-view bp-graph", text);
        Assert.Contains("bp-view bp-tensor", text);
        Assert.Contains("bp-view bp-graph", File.ReadAllText(first[0].Html));
    }

    [Fact]
    public void A_missing_package_fails_the_cell_with_the_restore_error()
    {
        var r = Run(("csharp", $"#i \"nuget: {package.Feed}\"\n#r \"nuget: Backprop.DoesNotExist, 9.9.9\""));
        Assert.False(r.Succeeded);
        Assert.Contains("NuGet restore failed for Backprop.DoesNotExist, 9.9.9", r.FailureMessage);
        Assert.Contains("NU1101", r.FailureMessage);
    }
}
