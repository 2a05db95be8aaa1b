using System.IO.Compression;
using System.Xml.Linq;

namespace Backprop.Interactive.Tests;

/// <summary>The package as a notebook user gets it: its layout, and C# and F# scripts that reference it from a local feed.</summary>
public class PackageTests(PackageFixture package) : IClassFixture<PackageFixture>
{
    [Fact]
    public void Package_has_no_extension_script_and_only_the_expected_dependencies()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.Package);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        // Views format through the TypeFormatterSource convention: nothing has to run when the package loads.
        Assert.DoesNotContain(entries, e => e.StartsWith("interactive-extensions/"));
        Assert.Contains(entries, e => e.StartsWith("lib/") && e.EndsWith("/Backprop.Interactive.dll"));
        using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open();
        XNamespace ns = XDocument.Load(nuspec).Root!.Name.Namespace;
        nuspec.Dispose();
        using var again = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open();
        var ids = XDocument.Load(again).Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).Distinct().Order().ToArray();
        Assert.Equal(["Backprop.Core", "Microsoft.AspNetCore.Html.Abstractions", "Microsoft.DotNet.Interactive.Formatting", "XPlot.Plotly"], ids);
    }

    [Fact]
    public void An_FSharp_script_gets_html_for_our_types_with_no_registration()
    {
        string dir = Directory.CreateDirectory(Path.Combine(package.Root, "fsx")).FullName;
        File.WriteAllText(Path.Combine(dir, "check.fsx"), $$"""
            #i "nuget: {{package.Feed}}"
            #r "nuget: Backprop.Interactive, 0.1.0"
            open Backprop
            open Microsoft.DotNet.Interactive.Formatting
            let x = Value(2.0, "x")
            let y = 3.0 * x ** 2.0 + 4.0 * x
            y.Backward()
            let t = Tensor.Ones([| 2; 2 |], DType.Float64)
            printfn "VALUE-HTML %s" (Formatter.ToDisplayString(y, "text/html"))
            printfn "TENSOR-HTML %s" (Formatter.ToDisplayString(t, "text/html"))
            printfn "GRAD %g" x.Grad
            """);
        var (code, output) = ProcessRunner.Run("dotnet", "fsi --quiet check.fsx", dir, package.Environment);
        Assert.True(code == 0, output);
        Assert.Contains("GRAD 16", output);
        Assert.Contains("VALUE-HTML <div class=\"bp-view bp-graph\">", output);
        Assert.Contains("<svg", output);
        Assert.Contains("TENSOR-HTML <div class=\"bp-view bp-tensor\">", output);
    }

    [Fact]
    public void A_CSharp_app_gets_html_for_every_view_with_no_registration()
    {
        string dir = Directory.CreateDirectory(Path.Combine(package.Root, "cs")).FullName;
        File.WriteAllText(Path.Combine(dir, "app.cs"), """
            #:package Backprop.Interactive@0.1.0
            using Backprop;
            using Backprop.Interactive;
            using Microsoft.DotNet.Interactive.Formatting;
            // A Core type first, before any Backprop.Interactive type is used: its formatter finds the views later.
            Console.WriteLine("VALUE " + Formatter.ToDisplayString(new Value(1.5, "w"), "text/html").StartsWith("<div class=\"bp-view bp-graph\">"));
            var a = new Value(3, "a");
            var b = a * a;
            b.Backward();
            Console.WriteLine("TABLE " + Formatter.ToDisplayString(b.GradientTable(), "text/html").Contains("class=\"bp-view"));
            Console.WriteLine("TRACE " + Formatter.ToDisplayString(b.BackwardTrace(), "text/html").Contains("class=\"bp-view"));
            Console.WriteLine("PLAIN " + Formatter.ToDisplayString(b, "text/plain"));
            Console.WriteLine("GRAD " + a.Grad);
            """);
        var (code, output) = ProcessRunner.Run("dotnet", "run app.cs", dir, package.Environment);
        Assert.True(code == 0, output);
        Assert.Contains("VALUE True", output);
        Assert.Contains("TABLE True", output);
        Assert.Contains("TRACE True", output);
        Assert.Contains("PLAIN Value(data=9, grad=1)", output);
        Assert.Contains("GRAD 6", output);
    }
}
