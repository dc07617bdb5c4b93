using System.Net;
using System.Text.Json;
using Marketplace.EndToEnd.Tests.Portal;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// What the platform reveals about itself and keeps to itself: health without details for anyone but operators, the
/// portal under a strict Content-Security-Policy and never framed, files on disk for the service user alone.
/// </summary>
[TestFixture]
public class PersonalDataTests
{
    private static readonly string[] Services = ["orders", "bidding", "tasks", "payouts", "settlement"];

    [Test]
    public async Task Health_tells_anonymous_callers_the_status_alone_and_operators_each_check()
    {
        using var anonymous = Api.Anonymous();
        var op = await Api.OperatorAsync();
        var worker = await Api.SignUpAsync("worker");
        foreach (var path in Services.Select(s => $"/api/{s}/health").Append("/health"))
        {
            foreach (var http in new[] { anonymous, worker.Http })
            {
                var bare = await Api.ReadAsync(await http.GetAsync(path), HttpStatusCode.OK);
                Assert.That(bare.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "status" }), $"{path}: {bare}");
                Assert.That(bare.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
            }
            var full = await Api.ReadAsync(await op.Http.GetAsync(path), HttpStatusCode.OK);
            Assert.That(full.GetProperty("checks").GetProperty("database").GetProperty("status").GetString(), Is.EqualTo("Healthy"), path);
        }
    }

    [Test]
    public async Task The_portal_is_served_under_a_strict_content_security_policy_and_is_never_framed()
    {
        using var anonymous = Api.Anonymous();
        var page = await anonymous.GetAsync("/");
        var html = await page.Content.ReadAsStringAsync();
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        var directives = policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d);
        Assert.That(directives["default-src"], Is.EqualTo("default-src 'self'"));
        Assert.That(directives["script-src"], Is.EqualTo("script-src 'self'"), "no inline or eval'd script");
        Assert.That(directives["frame-ancestors"], Is.EqualTo("frame-ancestors 'none'"));
        Assert.That(directives["object-src"], Is.EqualTo("object-src 'none'"));
        Assert.That(page.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"));
        Assert.That(page.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
        Assert.That(page.Headers.GetValues("Referrer-Policy").Single(), Is.EqualTo("no-referrer"));
        Assert.That(System.Text.RegularExpressions.Regex.IsMatch(html, @"<script(?![^>]*\bsrc=)[^>]*>"), Is.False, "the page has no inline script");

        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"(/portal/assets/[^\"]+\\.js)\"").Groups[1].Value;
        var asset = await anonymous.GetAsync(script);
        Assert.That(asset.StatusCode, Is.EqualTo(HttpStatusCode.OK), script);
        Assert.That(asset.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("frame-ancestors 'none'"));

        var api = await anonymous.GetAsync("/api/orders/orders");
        Assert.That(api.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"), "every answer, not just pages");
        Assert.That(api.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
    }

    [Test]
    public async Task Uploaded_files_are_readable_only_by_the_service_user()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes");
            return;
        }
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await DatasetUploadTests.DraftWithoutItems(enterprise, new { taskType = "image-classification", labels = new[] { "boat", "no-boat" } });
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/orders/orders/{orderId}/files/photos/private-1.png")
        {
            Content = new ByteArrayContent(TestImages.Png(16, 16, 1)),
        };
        request.Content.Headers.ContentType = new("application/octet-stream");
        await Api.ReadAsync(await enterprise.Http.SendAsync(request), HttpStatusCode.Created);

        var root = Path.Combine(Cluster.Root, ".data/test/content");
        var stored = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => f.Contains(orderId.ToString("D"), StringComparison.OrdinalIgnoreCase) || f.Contains(orderId.ToString("N"), StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.That(stored, Is.Not.Empty, $"the upload is stored under {root}");
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        foreach (var file in stored)
        {
            Assert.That(File.GetUnixFileMode(file) & others, Is.EqualTo((UnixFileMode)0), $"{file} is {File.GetUnixFileMode(file)}");
            Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(file)!) & others, Is.EqualTo((UnixFileMode)0), $"the directory of {file}");
        }
    }
}
