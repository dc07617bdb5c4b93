using System.Security.Cryptography;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Content;

namespace Marketplace.Platform.Tests.Content;

public class ContentLinksTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly Guid Order = Guid.Parse("0197a2c4-1111-7000-8000-000000000001");
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-01T10:00:30Z");
    private readonly ContentLinks _links = new(Key, TimeSpan.FromMinutes(15));

    private static (string Path, string Expires, string Sig) Parts(string link)
    {
        var uri = new Uri("http://gateway" + link);
        var query = uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        return (uri.AbsolutePath, query["expires"], query["sig"]);
    }

    [Test]
    public void A_link_names_the_file_through_the_gateway_and_verifies_until_it_expires()
    {
        var (path, expires, sig) = Parts(_links.LinkFor(Order, "images/boat-001.jpg", Now));
        Assert.That(path, Is.EqualTo($"/api/orders/content/{Order}/images/boat-001.jpg"));
        Assert.That(sig, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(_links.Verify(Order, "images/boat-001.jpg", expires, sig, Now), Is.EqualTo(LinkCheck.Valid));
        Assert.That(_links.Verify(Order, "images/boat-001.jpg", expires, sig, Now.AddMinutes(15)), Is.EqualTo(LinkCheck.Valid));
        Assert.That(_links.Verify(Order, "images/boat-001.jpg", expires, sig, Now.AddMinutes(17)), Is.EqualTo(LinkCheck.Expired));
    }

    [Test]
    public void The_expiry_is_rounded_up_to_the_minute_so_a_link_stays_the_same_for_a_minute()
    {
        var expiry = _links.ExpiryFor(Now);
        Assert.That(expiry, Is.EqualTo(DateTimeOffset.Parse("2026-03-01T10:16:00Z")));
        Assert.That(_links.LinkFor(Order, "a.png", Now), Is.EqualTo(_links.LinkFor(Order, "a.png", Now.AddSeconds(25))));
        Assert.That(expiry - Now, Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(15)).And.LessThan(TimeSpan.FromMinutes(16)));
    }

    [Test]
    public void Any_change_to_the_order_the_name_the_expiry_or_the_signature_is_refused()
    {
        var (_, expires, sig) = Parts(_links.LinkFor(Order, "a.png", Now));
        var later = (long.Parse(expires) + 3600).ToString();
        var flipped = (sig[0] == '0' ? "1" : "0") + sig[1..];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_links.Verify(Guid.NewGuid(), "a.png", expires, sig, Now), Is.EqualTo(LinkCheck.BadSignature));
            Assert.That(_links.Verify(Order, "b.png", expires, sig, Now), Is.EqualTo(LinkCheck.BadSignature));
            Assert.That(_links.Verify(Order, "a.png", later, sig, Now), Is.EqualTo(LinkCheck.BadSignature));
            Assert.That(_links.Verify(Order, "a.png", expires, flipped, Now), Is.EqualTo(LinkCheck.BadSignature));
            Assert.That(_links.Verify(Order, "a.png", expires, sig.ToUpperInvariant() + "00", Now), Is.EqualTo(LinkCheck.BadSignature));
            Assert.That(_links.Verify(Order, "a.png", "-5", sig, Now), Is.EqualTo(LinkCheck.BadSignature));
            Assert.That(_links.Verify(Order, "a.png", "soon", sig, Now), Is.EqualTo(LinkCheck.BadSignature));
            Assert.That(_links.Verify(Order, "a.png", expires, "not-hex", Now), Is.EqualTo(LinkCheck.BadSignature));
            Assert.That(_links.Verify(Order, "a.png", null, sig, Now), Is.EqualTo(LinkCheck.Unsigned));
            Assert.That(_links.Verify(Order, "a.png", expires, "", Now), Is.EqualTo(LinkCheck.Unsigned));
        }
    }

    [Test]
    public void A_link_signed_with_another_key_is_refused()
    {
        var other = new ContentLinks(RandomNumberGenerator.GetBytes(32), TimeSpan.FromMinutes(15));
        var (_, expires, sig) = Parts(other.LinkFor(Order, "a.png", Now));
        Assert.That(_links.Verify(Order, "a.png", expires, sig, Now), Is.EqualTo(LinkCheck.BadSignature));
    }

    [Test]
    public void The_link_key_is_configured_and_required()
    {
        var own = ContentLinks.From(new ContentLinkOptions { SigningKey = Convert.ToBase64String(Key) });
        var (_, expires, sig) = Parts(own.LinkFor(Order, "a.png", Now));
        Assert.That(_links.Verify(Order, "a.png", expires, sig, Now), Is.EqualTo(LinkCheck.Valid), "two services configured alike agree");
        Assert.Throws<InvalidOperationException>(() => ContentLinks.From(new ContentLinkOptions()), "no key: no links");
        Assert.Throws<InvalidOperationException>(() => ContentLinks.From(new ContentLinkOptions { SigningKey = Convert.ToBase64String(new byte[16]) }));
    }

    [TestCase("boat.jpg", true)]
    [TestCase("images/2026-03/boat_001.jpg", true)]
    [TestCase("a.b.c", true)]
    [TestCase("", false)]
    [TestCase("../secrets.env", false)]
    [TestCase("images/../../x.png", false)]
    [TestCase("./x.png", false)]
    [TestCase("/abs.png", false)]
    [TestCase("trailing/", false)]
    [TestCase("a//b.png", false)]
    [TestCase("space name.png", false)]
    [TestCase("back\\slash.png", false)]
    [TestCase("名字.png", false)]
    [TestCase("q?.png", false)]
    public void File_names_are_letters_digits_and_a_few_marks_in_sub_folders(string name, bool safe) =>
        Assert.That(ContentUri.IsSafeName(name), Is.EqualTo(safe));

    [Test]
    public void A_file_name_is_at_most_255_characters() =>
        Assert.That((ContentUri.IsSafeName(new string('a', 255)), ContentUri.IsSafeName(new string('a', 256))), Is.EqualTo((true, false)));

    [Test]
    public void Content_uris_name_an_order_and_a_file()
    {
        Assert.That(ContentUri.TryParse($"content://{Order}/clips/0001.wav", out var order, out var name), Is.True);
        Assert.That((order, name), Is.EqualTo((Order, "clips/0001.wav")));
        Assert.That(ContentUri.For(Order, "clips/0001.wav"), Is.EqualTo($"content://{Order}/clips/0001.wav"));
        Assert.That(ContentUri.TryParse("content://clips/0001.wav", out _, out _), Is.False, "the order id is required");
        Assert.That(ContentUri.TryParse($"content://{Order}/../x.wav", out _, out _), Is.False);
        Assert.That(ContentUri.TryParse($"https://{Order}/x.wav", out _, out _), Is.False);
        Assert.That(_links.LinkForContent("https://example.test/x.png", Now), Is.Null);
        Assert.That(_links.LinkForContent($"content://{Order}/x.png", Now), Does.StartWith($"/api/orders/content/{Order}/x.png?expires="));
    }

    [Test]
    public void Export_links_have_a_key_and_path_of_their_own()
    {
        var options = new ContentLinkOptions { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)) };
        var content = ContentLinks.From(options);
        var exports = ContentLinks.ForPurpose(options, "export", "/api/tasks/exports", TimeSpan.FromHours(1));
        var link = exports.LinkFor(Order, "a.jsonl", Now);
        Assert.That(link, Does.StartWith($"/api/tasks/exports/{Order}/a.jsonl?expires="));
        var expires = exports.ExpiryFor(Now).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sig = exports.Signature(Order, "a.jsonl", long.Parse(expires, System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(exports.Verify(Order, "a.jsonl", expires, sig, Now), Is.EqualTo(LinkCheck.Valid));
        Assert.That(content.Verify(Order, "a.jsonl", expires, sig, Now), Is.EqualTo(LinkCheck.BadSignature), "an export signature opens no content");
        var contentSig = content.Signature(Order, "a.jsonl", long.Parse(expires, System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(exports.Verify(Order, "a.jsonl", expires, contentSig, Now), Is.EqualTo(LinkCheck.BadSignature), "nor the other way round");
        Assert.That(exports.ExpiryFor(Now), Is.GreaterThanOrEqualTo(Now.AddHours(1)));
    }
}
