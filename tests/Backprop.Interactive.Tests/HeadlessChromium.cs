using System.Text.Json;

namespace Backprop.Interactive.Tests;

/// <summary>
/// Debian's headless Chromium for browser tests (installed by .ci/run; tests skip without it, or fail when
/// BACKPROP_REQUIRE_ORACLES=1). Pages get a test-only script that records script errors and failed loads
/// and measures every svg, reported back through the dumped DOM.
/// </summary>
internal static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";

    public static void RequireOrSkip() =>
        Core.Tests.Oracle.ExternalRequirement.RequireOrSkip("Chromium (Debian package chromium)", File.Exists(Path) ? null : $"{Path} is not installed");

    private const string Harness = """
        <pre id="bp-report"></pre><script>
        window.__errors = [];
        window.addEventListener('error', e => window.__errors.push(String(e.message || (e.target && (e.target.src || e.target.href)))), true);
        const original = console.error; console.error = (...a) => { window.__errors.push(a.join(' ')); original(...a); };
        window.addEventListener('load', () => {
          const svgs = [...document.querySelectorAll('svg')].map(s => { const r = s.getBoundingClientRect(); return [r.width, r.height]; });
          document.getElementById('bp-report').textContent = JSON.stringify({ svgs, errors: window.__errors });
        });
        </script>
        """;

    private static string Flags(string profile) =>
        "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking " +
        $"--disable-component-update --disable-sync --user-data-dir=\"{profile}\" --virtual-time-budget=5000";

    /// <summary>Loads the page at <paramref name="file"/> (with the harness added to a copy) and returns the
    /// errors it logged and the size of each svg.</summary>
    public static (IReadOnlyList<string> Errors, IReadOnlyList<(double Width, double Height)> Svgs) Load(string file)
    {
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file))!;
        string probe = System.IO.Path.Combine(dir, $".probe-{Guid.NewGuid():N}.html");
        File.WriteAllText(probe, File.ReadAllText(file).Replace("</body>", Harness + "</body>"));
        try
        {
            var (code, dom) = ProcessRunner.Run(Path, $"{Flags(System.IO.Path.Combine(dir, ".chromium-profile"))} --dump-dom \"file://{probe}\"", dir, timeoutSeconds: 120);
            Assert.True(code == 0, dom);
            const string marker = "<pre id=\"bp-report\">";
            int start = dom.IndexOf(marker, StringComparison.Ordinal);
            Assert.True(start >= 0, "the page did not report back: " + dom[..Math.Min(dom.Length, 400)]);
            start += marker.Length;
            string json = System.Net.WebUtility.HtmlDecode(dom[start..dom.IndexOf("</pre>", start, StringComparison.Ordinal)]);
            using JsonDocument report = JsonDocument.Parse(json);
            var errors = report.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.ToString()).ToList();
            var svgs = report.RootElement.GetProperty("svgs").EnumerateArray().Select(s => (s[0].GetDouble(), s[1].GetDouble())).ToList();
            return (errors, svgs);
        }
        finally
        {
            File.Delete(probe);
        }
    }

    /// <summary>Screenshots the page (as it is, without the harness) into <paramref name="png"/>.</summary>
    public static void Screenshot(string file, string png, int width = 1280, int height = 4000)
    {
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file))!;
        File.Delete(png);
        var (code, log) = ProcessRunner.Run(Path, $"{Flags(System.IO.Path.Combine(dir, ".chromium-profile"))} --window-size={width},{height} --screenshot=\"{png}\" \"file://{System.IO.Path.GetFullPath(file)}\"", dir, timeoutSeconds: 120);
        Assert.True(code == 0 && File.Exists(png) && new FileInfo(png).Length > 20_000, $"screenshot of {file} failed or is suspiciously small: {log}");
    }
}
