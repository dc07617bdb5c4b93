using System.Text;
using Marketplace.ServiceDefaults.Http;

namespace Marketplace.Platform.Tests.Http;

/// <summary>Which text is refused at the edge: control characters PostgreSQL cannot store (NUL) or no field needs.</summary>
[TestFixture]
public class InputHygieneTests
{
    private static (string? Field, char? Found) Scan(string json) => InputHygiene.Scan(Encoding.UTF8.GetBytes(json));

    [Test]
    public void A_NUL_escape_in_a_JSON_string_is_found_and_named_by_its_property()
    {
        Assert.That(Scan("""{"title":"ok","email":"x\u0000@example.com"}"""), Is.EqualTo(("email", (char?)'\0')));
        Assert.That(Scan("""{"items":[{"id":"a","content":"bell \u0007"}]}"""), Is.EqualTo(("content", (char?)'\a')));
        Assert.That(Scan("""{"a\u0001b":"x"}""").Found, Is.EqualTo('\u0001'), "a property name too");
    }

    [Test]
    public void Half_a_surrogate_pair_is_found_and_named_by_its_property()
    {
        // Found by the abuse suite: POST /api/auth/register [email="ab\ud800@e2e.test"] answered 500 in every service.
        Assert.That(Scan("""{"title":"ok","email":"ab\ud800@e2e.test"}"""), Is.EqualTo(("email", (char?)'\uD800')));
        Assert.That(Scan("""{"name":"\udfff\ud800"}""").Field, Is.EqualTo("name"));
        Assert.That(Scan("""{"pair":"\ud83d\ude00"}"""), Is.EqualTo(((string?)null, (char?)null)), "a whole pair is an emoji");
    }

    [Test]
    public void Tabs_line_breaks_an_escaped_backslash_and_other_escapes_pass()
    {
        Assert.That(Scan("""{"text":"line\nbreak\tand\r\n","path":"C:\\u0000dir","quote":"\"","e":"\u00e9\u4e2d"}"""), Is.EqualTo(((string?)null, (char?)null)));
        Assert.That(Scan("""{"n":1,"list":[true,null]}"""), Is.EqualTo(((string?)null, (char?)null)));
    }

    [Test]
    public void Malformed_JSON_is_left_to_the_binder()
    {
        Assert.That(Scan("""{"title":"\u0000" """).Found, Is.EqualTo('\0'), "found before the document breaks");
        Assert.That(Scan("""{"title": \u0000}""").Found, Is.Null, "not a string: the binder answers 400 request.malformed");
    }

    [Test]
    public void Forbidden_characters_are_the_C0_controls_but_tab_and_line_breaks()
    {
        Assert.That(InputHygiene.Forbidden("plain 中文 ‮ text"), Is.Null);
        Assert.That(InputHygiene.Forbidden("a\tb\nc\rd"), Is.Null);
        Assert.That(InputHygiene.Forbidden("x\0y"), Is.EqualTo('\0'));
        Assert.That(InputHygiene.Forbidden("\u001f"), Is.EqualTo('\u001f'));
    }
}
