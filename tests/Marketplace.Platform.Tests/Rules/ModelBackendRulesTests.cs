using System.Net;
using System.Text;
using System.Text.Json;
using Marketplace.Labeling;
using Marketplace.Tasks.Models.Backends;
using Microsoft.Extensions.Options;

namespace Marketplace.Platform.Tests.Rules;

/// <summary>Label Studio's results read back into answers, the addresses a backend may have, and the signature (pure rules).</summary>
public class ModelBackendRulesTests
{
    private static readonly TaskTemplate Sentiment = new(TaskTypes.TextClassification, ["positive", "negative"], false, []);
    private static readonly TaskTemplate Topics = new(TaskTypes.TextClassification, ["sport", "finance", "tech"], true, []);
    private static readonly TaskTemplate Boxes = new(TaskTypes.BoundingBoxes, ["car", "person"], false, []);
    private static readonly TaskTemplate Entities = new(TaskTypes.TextSpans, ["PERSON", "ORG"], false, []);
    private static readonly TaskTemplate Transcript = new(TaskTypes.Transcription, [], false, []);

    private static LabelStudioShapes.Reading Read(TaskTemplate template, string prediction, string content = "Ada Lovelace met Babbage.") =>
        LabelStudioShapes.Read(template, content, JsonDocument.Parse(prediction).RootElement);

    [Test]
    public void A_choice_becomes_the_label_and_the_score_is_clamped()
    {
        var reading = Read(Sentiment, """{"result": [{"from_name": "x", "to_name": "y", "type": "choices", "value": {"choices": ["negative"]}}], "score": 1.4, "model_version": 7}""");
        Assert.That(reading.Refused, Is.Null);
        Assert.That(reading.LabelJson, Is.EqualTo("\"negative\""));
        Assert.That(reading.Score, Is.EqualTo(1m));
        Assert.That(reading.ModelVersion, Is.EqualTo("7"), "a numeric model_version is read as text");
        Assert.That(Read(Sentiment, """{"result": [{"type": "choices", "value": {"choices": ["positive"]}}]}""").Score, Is.Null);
        Assert.That(Read(Topics, """{"result": [{"type": "choices", "value": {"choices": ["sport", "tech"]}}]}""").LabelJson, Is.EqualTo("""["sport","tech"]"""));
    }

    [Test]
    public void Rectangles_in_percent_become_boxes_in_fractions_and_spans_and_text_keep_their_shape()
    {
        var boxes = Read(Boxes, """{"result": [{"type": "rectanglelabels", "original_width": 640, "value": {"x": 10, "y": 20.5, "width": 30, "height": 40, "rotation": 0, "rectanglelabels": ["car"]}}]}""");
        Assert.That(boxes.Refused, Is.Null);
        Assert.That(boxes.LabelJson, Is.EqualTo("""[{"label":"car","x":0.1,"y":0.205,"width":0.3,"height":0.4}]"""));
        Assert.That(Read(Boxes, """{"result": []}""").LabelJson, Is.EqualTo("[]"), "no boxes is an answer");
        var spans = Read(Entities, """{"result": [{"type": "labels", "value": {"start": 0, "end": 12, "text": "Ada Lovelace", "labels": ["PERSON"]}}]}""");
        Assert.That(spans.LabelJson, Is.EqualTo("""[{"label":"PERSON","start":0,"end":12}]"""));
        Assert.That(Read(Transcript, """{"result": [{"type": "textarea", "value": {"text": ["hello", "world"]}}]}""").LabelJson, Is.EqualTo("\"hello\\nworld\""));
    }

    [TestCase("""{"result": [{"type": "choices", "value": {"choices": ["sarcastic"]}}]}""", "one of the order's labels")]
    [TestCase("""{"result": [{"type": "choices", "value": {"choices": ["positive", "negative"]}}]}""", "Label Studio's shape")]
    [TestCase("""{"result": [{"type": "rectanglelabels", "value": {"choices": ["positive"]}}]}""", "no choices result")]
    [TestCase("""{"result": "positive"}""", "'result' list")]
    [TestCase("""["positive"]""", "an object")]
    public void A_prediction_the_order_cannot_use_is_refused_with_why(string prediction, string why) =>
        Assert.That(Read(Sentiment, prediction).Refused, Does.Contain(why));

    [Test]
    public void Boxes_outside_the_image_rotated_boxes_and_spans_past_the_text_are_refused()
    {
        Assert.That(Read(Boxes, """{"result": [{"type": "rectanglelabels", "value": {"x": 90, "y": 0, "width": 30, "height": 10, "rectanglelabels": ["car"]}}]}""").Refused,
            Does.Contain("outside the image"));
        Assert.That(Read(Boxes, """{"result": [{"type": "rectanglelabels", "value": {"x": 1, "y": 1, "width": 3, "height": 1, "rotation": 45, "rectanglelabels": ["car"]}}]}""").Refused,
            Is.Not.Null);
        Assert.That(Read(Entities, """{"result": [{"type": "labels", "value": {"start": 0, "end": 400, "labels": ["ORG"]}}]}""").Refused, Does.Contain("start < end"));
    }

    private static ModelBackendOptions Options(bool loopback = false, bool privateNetworks = false) =>
        new() { AllowLoopback = loopback, AllowPrivateNetworks = privateNetworks };

    [TestCase("https://models.example.com/sentiment", null)]
    [TestCase("http://models.example.com", "https")]
    [TestCase("http://127.0.0.1:9090", "https")]
    [TestCase("https://127.0.0.1:9090", "loopback")]
    [TestCase("https://localhost", "loopback")]
    [TestCase("https://[::1]/", "loopback")]
    [TestCase("https://10.0.0.8", "private")]
    [TestCase("https://172.20.1.1", "private")]
    [TestCase("https://100.64.0.1", "private")]
    [TestCase("https://[fd00::1]", "private")]
    [TestCase("https://169.254.169.254/latest", "link-local")]
    [TestCase("https://[fe80::1]", "link-local")]
    [TestCase("https://0.0.0.0", "no usable address")]
    [TestCase("https://0.1.2.3", "reserved")]
    [TestCase("https://[::ffff:10.0.0.1]", "private")]
    [TestCase("https://a:b@models.example.com", "user name")]
    [TestCase("https://models.example.com/#x", "fragment")]
    [TestCase("models.example.com", "absolute")]
    public void An_address_is_refused_unless_it_is_public_https(string url, string? why)
    {
        var refusal = BackendAddress.CheckShape(url, Options());
        if (why is null) Assert.That(refusal, Is.Null);
        else Assert.That(refusal, Does.Contain(why));
    }

    [Test]
    public void Loopback_and_private_networks_are_allowed_only_when_configured()
    {
        Assert.That(BackendAddress.CheckShape("http://127.0.0.1:9090", Options(loopback: true)), Is.Null);
        Assert.That(BackendAddress.CheckShape("http://10.0.0.8", Options(privateNetworks: true)), Does.Contain("https"), "http stays loopback-only");
        Assert.That(BackendAddress.CheckShape("https://10.0.0.8", Options(privateNetworks: true)), Is.Null);
        Assert.That(BackendAddress.Refusal(IPAddress.Parse("169.254.169.254"), Options(true, true)), Does.Contain("link-local"), "never link-local");
    }

    [Test]
    public void A_signature_covers_the_timestamp_and_the_body_and_goes_stale_after_five_minutes()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_733_492_400);
        var body = Encoding.UTF8.GetBytes("""{"results": []}""");
        var signature = BackendSignature.Sign("a-shared-secret-16", now.ToUnixTimeSeconds(), body);
        // The documented recipe: HMAC-SHA256(secret, "{timestamp}." + body) in lower-case hex.
        Assert.That(signature, Is.EqualTo("sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes("a-shared-secret-16"), Encoding.UTF8.GetBytes("1733492400." + """{"results": []}""")))));
        Assert.That(BackendSignature.Check("a-shared-secret-16", "1733492400", signature, body, now.AddMinutes(4)), Is.Null);
        Assert.That(BackendSignature.Check("a-shared-secret-16", "1733492400", signature, body, now.AddMinutes(6)), Does.Contain("5 minutes"));
        Assert.That(BackendSignature.Check("another-secret-16", "1733492400", signature, body, now), Does.Contain("does not sign"));
        Assert.That(BackendSignature.Check("a-shared-secret-16", "1733492400", signature, Encoding.UTF8.GetBytes("{}"), now), Does.Contain("does not sign"));
        Assert.That(BackendSignature.Check("a-shared-secret-16", "1733492401", signature, body, now), Does.Contain("does not sign"));
        Assert.That(BackendSignature.Check("a-shared-secret-16", null, signature, body, now), Does.Contain("Send"));
    }

    [Test]
    public void A_sealed_secret_opens_only_for_its_own_order()
    {
        var secrets = new BackendSecrets(Microsoft.Extensions.Options.Options.Create(new ModelBackendOptions { SecretKey = Convert.ToBase64String(new byte[32]) }));
        var order = Guid.NewGuid();
        var sealedSecret = secrets.Seal("a-shared-secret-16", order);
        Assert.That(Encoding.UTF8.GetString(sealedSecret), Does.Not.Contain("a-shared-secret-16"));
        Assert.That(secrets.Open(sealedSecret, order), Is.EqualTo("a-shared-secret-16"));
        Assert.That(() => secrets.Open(sealedSecret, Guid.NewGuid()), Throws.InstanceOf<System.Security.Cryptography.CryptographicException>());
    }
}
