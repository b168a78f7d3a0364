using WeightInit.Reporting;

namespace WeightInit.Reporting.Tests;

public class TextEscapingTests
{
    [Fact]
    public void Xml_MarkupCharacters_BecomeEntities()
    {
        Assert.Equal("a&lt;b &amp; &quot;c&quot; &#39;d&#39; &gt;", TextEscaping.Xml("a<b & \"c\" 'd' >"));
    }

    [Fact]
    public void Xml_ForbiddenCharacters_BecomeReplacementCharacter()
    {
        Assert.Equal("a\uFFFDb\uFFFDc", TextEscaping.Xml("a\u0001b\uD800c"));
    }

    [Fact]
    public void Xml_SurrogatePairsAndWhitespace_Kept()
    {
        Assert.Equal("σ_w² 😀\t\n", TextEscaping.Xml("σ_w² 😀\t\n"));
    }

    [Fact]
    public void Xml_Null_Empty()
    {
        Assert.Equal(string.Empty, TextEscaping.Xml(null));
    }

    [Fact]
    public void Markdown_SyntaxCharacters_BackslashEscaped()
    {
        Assert.Equal(@"a\|b \*c\* \_d\_ \[e\](f) \`g\` \<h\> \# &amp;", TextEscaping.Markdown("a|b *c* _d_ [e](f) `g` <h> # &"));
    }

    [Fact]
    public void Markdown_LineBreaks_BecomeSpaces()
    {
        Assert.Equal("one two three", TextEscaping.Markdown("one\r\ntwo\nthree"));
    }
}
