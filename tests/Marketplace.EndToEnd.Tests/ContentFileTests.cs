using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// Images and audio uploaded to a draft order: checked by their bytes, pointed at by the manifest as content://, and
/// shown to workers through short-lived signed links that need no token.
/// </summary>
[TestFixture]
public class ContentFileTests
{
    /// <summary>A real 2×2 RGB PNG: signature, IHDR, zlib-compressed IDAT, IEND, each chunk with its CRC.</summary>
    private static byte[] Png()
    {
        static byte[] Chunk(string type, byte[] data)
        {
            var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            var crc = 0xFFFFFFFFu;
            foreach (var b in typed)
            {
                crc ^= b;
                for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
            return [.. BigEndian((uint)data.Length), .. typed, .. BigEndian(~crc)];
        }
        byte[] pixels = [0, 255, 0, 0, 0, 0, 255, /* row 2 */ 0, 0, 255, 0, 255, 255, 255];
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(pixels);
        return [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A,
            .. Chunk("IHDR", [.. BigEndian(2), .. BigEndian(2), 8, 2, 0, 0, 0]),
            .. Chunk("IDAT", compressed.ToArray()),
            .. Chunk("IEND", [])];
    }

    /// <summary>A real WAV: a tenth of a second of a 440 Hz tone, 8 kHz mono 16-bit PCM.</summary>
    private static byte[] Wav()
    {
        const int rate = 8000, samples = 800;
        var data = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
            BitConverter.TryWriteBytes(data.AsSpan(i * 2), (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / rate)));
        return [.. "RIFF"u8, .. LittleEndian(36 + data.Length), .. "WAVE"u8,
            .. "fmt "u8, .. LittleEndian(16), 1, 0, 1, 0, .. LittleEndian(rate), .. LittleEndian(rate * 2), 2, 0, 16, 0,
            .. "data"u8, .. LittleEndian(data.Length), .. data];
    }

    private static byte[] Gif() => [.. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3B];

    private static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
    private static byte[] LittleEndian(int value) => BitConverter.GetBytes(value);

    private static Task<HttpResponseMessage> PutFile(Actor actor, Guid orderId, string name, byte[] bytes) =>
        PutFile(actor, orderId, name, new ByteArrayContent(bytes));

    private static Task<HttpResponseMessage> PutFile(Actor actor, Guid orderId, string name, HttpContent content, string contentType = "application/octet-stream")
    {
        content.Headers.ContentType = new(contentType);
        return actor.Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/orders/orders/{orderId}/files/{name}") { Content = content });
    }

    private static Task<Guid> Draft(Actor enterprise, string taskType) =>
        DatasetUploadTests.DraftWithoutItems(enterprise, new { taskType, labels = new[] { "yes", "no" } });

    private static string Line(string id, string contentUri) => JsonSerializer.Serialize(new { id, contentUri });

    private static void AssertNamesTheFile(JsonElement problem, string name)
    {
        Assert.That(problem.GetProperty("errors").TryGetProperty("name", out _), Is.True, problem.ToString());
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(name), problem.ToString());
    }

    /// <summary>The same link with another expiry, signed the way the services sign it (HMAC with the content key).</summary>
    private static string ResignedLink(string link, long expires)
    {
        var key = Convert.FromBase64String(Cluster.ContentKey);
        var path = link[..link.IndexOf('?')];
        var rest = path["/api/orders/content/".Length..];
        var message = $"{rest[..36]}/{Uri.UnescapeDataString(rest[37..])}\n{expires}";
        var sig = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(message)));
        return $"{path}?expires={expires}&sig={sig}";
    }

    [Test]
    public async Task A_released_or_lapsed_lease_gives_no_more_content_links()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await Draft(enterprise, "image-classification");
        foreach (var i in new[] { 1, 2 }) await Api.ReadAsync(await PutFile(enterprise, orderId, $"photos/p-{i}.png", Png()), HttpStatusCode.Created);
        var manifest = await DatasetUploadTests.UploadAsync(enterprise, orderId, "jsonl",
            Line("item-1", $"content://{orderId}/photos/p-1.png") + "\n" + Line("item-2", $"content://{orderId}/photos/p-2.png") + "\n");
        Assert.That(manifest.GetProperty("status").GetString(), Is.EqualTo("imported"), manifest.ToString());
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 2, "the order is split");

        async Task<JsonElement> View(Guid id) => await worker.GetAsync($"/api/tasks/assignments/{id}");
        var first = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();
        Assert.That((await View(first)).GetProperty("contentUrl").GetString(), Does.StartWith($"/api/orders/content/{orderId}/"), "held: a link");
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{first}/release"), HttpStatusCode.OK);
        var released = await View(first);
        Assert.That(released.GetProperty("contentUrl").ValueKind, Is.EqualTo(JsonValueKind.Null), released.ToString());
        Assert.That(released.GetProperty("content").GetString(), Is.Empty);
        Assert.That(released.GetProperty("contentWithheld").GetBoolean(), Is.True);

        var second = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();
        Assert.That((await View(second)).GetProperty("contentUrl").GetString(), Is.Not.Null);
        await using (var tasks = new Npgsql.NpgsqlConnection(Cluster.Database("tasks")))
        {
            await tasks.OpenAsync();
            await using var lapse = new Npgsql.NpgsqlCommand("UPDATE assignments SET lease_expires_at = now() - interval '1 second' WHERE id = @id", tasks);
            lapse.Parameters.AddWithValue("id", second);
            await lapse.ExecuteNonQueryAsync();
        }
        var lapsed = await View(second);
        Assert.That(lapsed.GetProperty("contentUrl").ValueKind, Is.EqualTo(JsonValueKind.Null), lapsed.ToString());
        Assert.That(lapsed.GetProperty("contentWithheld").GetBoolean(), Is.True);
        var enterpriseView = await enterprise.GetAsync($"/api/tasks/assignments/{second}");
        Assert.That(enterpriseView.GetProperty("contentUrl").GetString(), Is.Not.Null, "the order's owner still sees it");
    }

    [TestCase("image-classification", "photos/boat-1.png", "image/png")]
    [TestCase("audio-classification", "clips/call-1.wav", "audio/wav")]
    public async Task A_worker_gets_the_uploaded_file_through_a_signed_link_that_needs_no_token(string taskType, string name, string mediaType)
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await Draft(enterprise, taskType);
        var bytes = mediaType == "image/png" ? Png() : Wav();

        if (mediaType == "image/png")
        {
            // A first version, then the real one: different bytes replace a draft's file under the same name.
            await Api.ReadAsync(await PutFile(enterprise, orderId, name, Gif()), HttpStatusCode.Created);
        }
        var stored = await Api.ReadAsync(await PutFile(enterprise, orderId, name, bytes), mediaType == "image/png" ? HttpStatusCode.OK : HttpStatusCode.Created);
        var uri = $"content://{orderId}/{name}";
        Assert.That(stored.GetProperty("uri").GetString(), Is.EqualTo(uri));
        Assert.That(stored.GetProperty("mediaType").GetString(), Is.EqualTo(mediaType));
        Assert.That(stored.GetProperty("bytes").GetInt64(), Is.EqualTo(bytes.Length));
        Assert.That(stored.GetProperty("sha256").GetString(), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(bytes))));
        var asTyped = new ByteArrayContent(bytes);
        var again = await Api.ReadAsync(await PutFile(enterprise, orderId, name, asTyped, mediaType), HttpStatusCode.OK);
        Assert.That(again.GetProperty("updatedAt").GetDateTime(), Is.EqualTo(stored.GetProperty("updatedAt").GetDateTime()), "the same bytes again change nothing");
        var listed = await enterprise.GetAsync($"/api/orders/orders/{orderId}/files?pageSize=10");
        Assert.That(listed.GetProperty("total").GetInt64(), Is.EqualTo(1));
        Assert.That(listed.GetProperty("items")[0].GetProperty("uri").GetString(), Is.EqualTo(uri));

        var manifest = await DatasetUploadTests.UploadAsync(enterprise, orderId, "jsonl", Line("item-1", uri) + "\n");
        Assert.That(manifest.GetProperty("status").GetString(), Is.EqualTo("imported"), manifest.ToString());
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 1, "the order is split");

        var claim = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);
        Assert.That(claim.GetProperty("content").GetString(), Is.EqualTo(uri), "the content stays the content:// reference");
        var link = claim.GetProperty("contentUrl").GetString()!;
        Assert.That(link, Does.StartWith($"/api/orders/content/{orderId}/{name}?expires="));

        using var browser = Api.Anonymous();
        var served = await browser.GetAsync(link);
        Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK), await served.Content.ReadAsStringAsync());
        Assert.That(await served.Content.ReadAsByteArrayAsync(), Is.EqualTo(bytes), "exactly the uploaded bytes");
        Assert.That(served.Content.Headers.ContentType?.MediaType, Is.EqualTo(mediaType));
        Assert.That(served.Content.Headers.ContentLength, Is.EqualTo(bytes.Length));
        Assert.That(served.Headers.CacheControl?.Private, Is.True);

        var range = new HttpRequestMessage(HttpMethod.Get, link);
        range.Headers.Range = new RangeHeaderValue(4, 11);
        var partial = await browser.SendAsync(range);
        Assert.That(partial.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent), "a player can seek");
        Assert.That(await partial.Content.ReadAsByteArrayAsync(), Is.EqualTo(bytes[4..12]));
        Assert.That(partial.Content.Headers.ContentRange?.ToString(), Is.EqualTo($"bytes 4-11/{bytes.Length}"));

        var assignmentId = claim.GetProperty("assignmentId").GetGuid();
        var seen = await enterprise.GetAsync($"/api/tasks/assignments/{assignmentId}");
        Assert.That(seen.GetProperty("contentUrl").GetString(), Does.StartWith($"/api/orders/content/{orderId}/"), "the enterprise sees the file too");
        Assert.That((await worker.GetAsync($"/api/tasks/assignments/{assignmentId}")).GetProperty("contentUrl").GetString(), Is.Not.Null);

        var tampered = link[..^1] + (link[^1] == '0' ? '1' : '0');
        var forged = await Api.ReadAsync(await browser.GetAsync(tampered), HttpStatusCode.Forbidden);
        Assert.That(forged.GetProperty("detail").GetString(), Does.Contain("signature"));
        var otherFile = link.Replace($"/{name}?", $"/{name}x?");
        await Api.ReadAsync(await browser.GetAsync(otherFile), HttpStatusCode.Forbidden);
        var expired = await Api.ReadAsync(await browser.GetAsync(ResignedLink(link, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds())), HttpStatusCode.Forbidden);
        Assert.That(expired.GetProperty("detail").GetString(), Does.Contain("expired"));
        await Api.ReadAsync(await browser.GetAsync(link[..link.IndexOf('?')]), HttpStatusCode.Forbidden);
        Assert.That((await browser.GetAsync(ResignedLink(link, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()))).StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "the test signs the way the services do, so the 403s above are about the expiry and the tampering alone");
    }

    [Test]
    public async Task A_manifest_pointing_at_files_this_order_does_not_have_is_rejected_with_the_lines_and_nothing_is_stored()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await Draft(enterprise, "image-classification");
        var elsewhere = await Draft(enterprise, "image-classification");
        await Api.ReadAsync(await PutFile(enterprise, orderId, "boat.png", Png()), HttpStatusCode.Created);
        await Api.ReadAsync(await PutFile(enterprise, orderId, "horn.wav", Wav()), HttpStatusCode.Created);
        await Api.ReadAsync(await PutFile(enterprise, elsewhere, "ship.png", Png()), HttpStatusCode.Created);

        var manifest = string.Join('\n',
            Line("a", $"content://{orderId}/boat.png"),
            Line("b", $"content://{orderId}/never-uploaded.png"),
            Line("c", $"content://{orderId}/horn.wav"),
            Line("d", $"content://{elsewhere}/ship.png"),
            Line("e", "content://boat.png"),
            Line("f", "https://datasets.example/boats/7.jpg")) + "\n";
        var result = await DatasetUploadTests.UploadAsync(enterprise, orderId, "jsonl", manifest);

        Assert.That(result.GetProperty("status").GetString(), Is.EqualTo("rejected"), result.ToString());
        var errors = result.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("line").GetInt64(), e => e.GetProperty("error").GetString());
        Assert.That(errors.Keys, Is.EquivalentTo(new long[] { 2, 3, 4, 5 }), string.Join("; ", errors));
        Assert.That(errors[2], Does.Contain("never-uploaded.png").And.Contain("not uploaded"));
        Assert.That(errors[3], Does.Contain("horn.wav").And.Contain("image"));
        Assert.That(errors[4], Does.Contain("another order"));
        Assert.That(errors[5], Does.Contain("content://"));
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("itemCount").GetInt32(), Is.Zero, "nothing was stored");
    }

    [Test]
    public async Task Inline_items_cannot_point_at_uploaded_files()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var response = await enterprise.PostAsync("/api/orders/orders", new
        {
            title = "Boats", taskType = "image-classification", labels = new[] { "boat", "no-boat" },
            items = new[] { new { id = "1", content = $"content://{Guid.NewGuid()}/boat.png" } },
            unitPrice = 1.00m, currency = "CNY", deadline = DateTimeOffset.UtcNow.AddDays(2),
        });
        var problem = await Api.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").GetProperty("items[0].content")[0].GetString(), Does.Contain("manifest"));
    }

    [Test]
    public async Task Files_that_are_not_images_or_audio_or_have_unsafe_names_are_refused_naming_them()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await Draft(enterprise, "image-classification");

        var text = await Api.ReadAsync(await PutFile(enterprise, orderId, "notes.png", "just some notes, renamed"u8.ToArray()), HttpStatusCode.UnsupportedMediaType);
        AssertNamesTheFile(text, "notes.png");
        // PNG's signature, then the file ends before its IHDR says how big the image is.
        var damaged = await Api.ReadAsync(await PutFile(enterprise, orderId, "cut.png", Png()[..20]), HttpStatusCode.UnsupportedMediaType);
        AssertNamesTheFile(damaged, "cut.png");
        Assert.That(damaged.GetProperty("detail").GetString(), Does.Contain("width and height"));
        var empty = await Api.ReadAsync(await PutFile(enterprise, orderId, "empty.png", []), HttpStatusCode.BadRequest);
        Assert.That(empty.GetProperty("detail").GetString(), Does.Contain("empty.png"));
        foreach (var bad in new[] { "bad%20name.png", "..%2Fsecrets.env", "a;b.png", "%E5%90%8D.png" })
        {
            var problem = await Api.ReadAsync(await PutFile(enterprise, orderId, bad, Png()), HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").TryGetProperty("name", out _), Is.True, $"{bad}: {problem}");
        }

        // Too large, whether it says so up front or only while streaming.
        var big = new byte[Cluster.MaxFileBytes + 1];
        Png().CopyTo(big, 0);
        AssertNamesTheFile(await Api.ReadAsync(await PutFile(enterprise, orderId, "big.png", big), HttpStatusCode.RequestEntityTooLarge), "big.png");
        var streamed = new StreamContent(new Unseekable(new MemoryStream(big)));
        AssertNamesTheFile(await Api.ReadAsync(await PutFile(enterprise, orderId, "big.png", streamed), HttpStatusCode.RequestEntityTooLarge), "big.png");

        var listed = await enterprise.GetAsync($"/api/orders/orders/{orderId}/files");
        Assert.That(listed.GetProperty("total").GetInt64(), Is.Zero, "nothing was stored");
        Assert.That((await enterprise.Http.GetAsync($"/api/orders/orders/{orderId}/files?pageSize=1000")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Files_go_only_to_the_organisations_own_draft_orders()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var other = await Api.SignUpAsync("enterprise");
        var orderId = await Draft(enterprise, "image-classification");

        var theirs = await Api.ReadAsync(await PutFile(other, orderId, "boat.png", Png()), HttpStatusCode.NotFound);
        Assert.That(theirs.GetProperty("title").GetString(), Is.EqualTo("Not found"));
        Assert.That((await other.Http.GetAsync($"/api/orders/orders/{orderId}/files")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await PutFile(enterprise, Guid.NewGuid(), "boat.png", Png())).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        await Scenario.DepositAsync(enterprise, 5.00m);
        var published = await Scenario.PublishedOrderAsync(enterprise, items: 1);
        var late = await Api.ReadAsync(await PutFile(enterprise, published, "boat.png", Png()), HttpStatusCode.Conflict);
        Assert.That(late.GetProperty("detail").GetString(), Does.Contain("draft"));

        var operatorView = await (await Api.OperatorAsync()).GetAsync($"/api/orders/orders/{orderId}/files");
        Assert.That(operatorView.GetProperty("total").GetInt64(), Is.Zero);
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}/files")).GetProperty("total").GetInt64(), Is.Zero, "the refused uploads stored nothing");
    }

    /// <summary>A body whose length the client does not know in advance: it goes chunked, with no Content-Length.</summary>
    private sealed class Unseekable(Stream inner) : Stream
    {
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 64 * 1024));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
