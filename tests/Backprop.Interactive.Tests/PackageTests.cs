using System.IO.Compression;
using System.Xml.Linq;

namespace Backprop.Interactive.Tests;

/// <summary>The package as a notebook user gets it: its layout, and C# and F# scripts that reference it from a local feed.</summary>
public class PackageTests(PackageFixture package) : IClassFixture<PackageFixture>
{
    [Fact]
    public void Package_has_the_extension_script_and_only_the_expected_dependencies()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.Package);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("interactive-extensions/dotnet/extension.dib", entries);
        Assert.Contains(entries, e => e.StartsWith("lib/") && e.EndsWith("/Backprop.Interactive.dll"));
        using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open();
        XNamespace ns = XDocument.Load(nuspec).Root!.Name.Namespace;
        nuspec.Dispose();
        using var again = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open();
        var ids = XDocument.Load(again).Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).Distinct().Order().ToArray();
        Assert.Equal(["Backprop.Core", "Microsoft.DotNet.Interactive.Formatting", "XPlot.Plotly"], ids);
        Assert.DoesNotContain("Microsoft.DotNet.Interactive\"", package.ExtensionScript());
        Assert.Contains("#!csharp", package.ExtensionScript());
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
    public void A_CSharp_app_runs_the_extension_script_and_gets_html_for_our_types()
    {
        string dir = Directory.CreateDirectory(Path.Combine(package.Root, "cs")).FullName;
        // The body of the extension script's C# cell, as the kernel would run it.
        string dib = package.ExtensionScript();
        string cell = dib[(dib.IndexOf("#!csharp", StringComparison.Ordinal) + "#!csharp".Length)..];
        File.WriteAllText(Path.Combine(dir, "app.cs"), $$"""
            #:package Backprop.Interactive@0.1.0
            #:property NoWarn=NU1603
            using Backprop;
            using Microsoft.DotNet.Interactive.Formatting;
            var before = Formatter.ToDisplayString(new Value(1.5, "w"), "text/html");
            Console.WriteLine("CONVENTION " + before.StartsWith("<div class=\"bp-view bp-graph\">"));
            {{cell}}
            var a = new Value(3, "a");
            var b = a * a;
            b.Backward();
            Console.WriteLine("REGISTERED " + Formatter.ToDisplayString(b, "text/html").Contains("<svg"));
            Console.WriteLine("PLAIN " + Formatter.ToDisplayString(b, "text/plain"));
            Console.WriteLine("GRAD " + a.Grad);
            """);
        var (code, output) = ProcessRunner.Run("dotnet", "run app.cs", dir, package.Environment);
        Assert.True(code == 0, output);
        Assert.Contains("CONVENTION True", output);
        Assert.Contains("REGISTERED True", output);
        Assert.Contains("PLAIN Value(data=9, grad=1)", output);
        Assert.Contains("GRAD 6", output);
    }
}
