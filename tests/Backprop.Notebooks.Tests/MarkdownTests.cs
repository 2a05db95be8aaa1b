using Backprop.Notebooks.Rendering;

namespace Backprop.Notebooks.Tests;

/// <summary>The Markdown subset used by notebook prose.</summary>
public class MarkdownTests
{
    [Fact]
    public void Headings_paragraphs_lists_and_code()
    {
        string html = Markdown.ToHtml("""
            # Backprop by hand
            ## The forward pass

            First line
            continues here.

            - one
            - **two**
              - nested
            1. first
            2. second

            ```csharp
            var x = a < b;
            ```

                indented code
            > quoted *text*

            ---
            """);
        Assert.Contains("<h1>Backprop by hand</h1>", html);
        Assert.Contains("<h2>The forward pass</h2>", html);
        Assert.Contains("<p>First line\ncontinues here.</p>", html);
        Assert.Contains("<ul>\n<li>one</li>\n<li><strong>two</strong><ul>\n<li>nested</li>\n</ul>\n</li>\n</ul>", html);
        Assert.Contains("<ol>\n<li>first</li>\n<li>second</li>\n</ol>", html);
        Assert.Contains("<pre><code class=\"language-csharp\">var x = a &lt; b;</code></pre>", html);
        Assert.Contains("<pre><code>indented code</code></pre>", html);
        Assert.Contains("<blockquote><p>quoted <em>text</em></p>\n</blockquote>", html);
        Assert.Contains("<hr>", html);
    }

    [Fact]
    public void Inline_markup_links_and_math_left_as_text()
    {
        Assert.Equal("<strong>bold</strong> and <em>it</em> and <em>also</em> and <code>a*b*c</code>", Markdown.Inline("**bold** and *it* and _also_ and `a*b*c`"));
        Assert.Equal("<a href=\"https://example.org/a?b=1&amp;c=2\">the <em>notes</em></a>", Markdown.Inline("[the *notes*](https://example.org/a?b=1&c=2)"));
        Assert.Equal("<span class=\"math\">$w_{11} * x_1 * y$</span> stays", Markdown.Inline("$w_{11} * x_1 * y$ stays"));
        Assert.Equal("&lt;script&gt;alert(1)&lt;/script&gt;", Markdown.Inline("<script>alert(1)</script>"));
        Assert.Equal("snake_case_name", Markdown.Inline("snake_case_name"));
        Assert.Equal("<a href=\"#\">x</a>", Markdown.Inline("[x](javascript:alert`1`)"));
        Assert.Contains("<div class=\"math\">$$\n\\frac{\\partial J}{\\partial w} = \\delta\n$$</div>", Markdown.ToHtml("$$\n\\frac{\\partial J}{\\partial w} = \\delta\n$$"));
    }
}
