using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>Asking for a delivery export and fetching it through its signed link, as an enterprise's data team would.</summary>
public static class Delivery
{
    public static async Task<JsonElement> ExportAsync(Actor requester, Guid orderId, string format)
    {
        var requested = await Api.ReadAsync(await requester.PostAsync($"/api/tasks/orders/{orderId}/exports", new { format }), HttpStatusCode.Accepted);
        Assert.That(requested.GetProperty("status").GetString(), Is.EqualTo("queued"));
        Assert.That(requested.GetProperty("url").ValueKind, Is.EqualTo(JsonValueKind.Null), "no link before the file exists");
        var id = requested.GetProperty("id").GetGuid();
        JsonElement export = default;
        await Api.EventuallyAsync(async () =>
            (export = await requester.GetAsync($"/api/tasks/orders/{orderId}/exports/{id}")).GetProperty("status").GetString() == "ready",
            $"the {format} export of order {orderId} is ready");
        Assert.That(export.GetProperty("rowsWritten").GetInt64(), Is.EqualTo(export.GetProperty("totalRows").GetInt64()));
        Assert.That(export.GetProperty("bytes").GetInt64(), Is.GreaterThan(0));
        return export;
    }

    /// <summary>Downloads with no token at all: the link's signature is the only authorisation.</summary>
    public static async Task<string> DownloadAsync(JsonElement export)
    {
        using var browser = Api.Anonymous();
        var response = await browser.GetAsync(export.GetProperty("url").GetString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return text;
    }

    public static async Task<JsonElement> LabelsAsync(Actor enterprise, Guid orderId) =>
        await enterprise.GetAsync($"/api/tasks/orders/{orderId}/labels?pageSize=100");

    public static JsonElement LabelOf(JsonElement labels, string itemId) =>
        labels.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("itemId").GetString() == itemId);
}

/// <summary>
/// Aggregation, dynamic overlap and delivery: a crowd that disagrees on some items gets asked again, up to the order's cap,
/// before the work is delivered; the aggregated labels come out as JSONL, COCO and Label Studio tasks behind signed links.
/// </summary>
[TestFixture]
public class DeliveryTests
{
    private static async Task<int> WorkAsync(Actor worker, Actor enterprise, Guid orderId, Func<string, object> answerFor)
    {
        var done = 0;
        while (true)
        {
            var response = await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}");
            if (response.StatusCode == HttpStatusCode.NoContent) return done;
            var claim = await Api.ReadAsync(response, HttpStatusCode.OK);
            var id = claim.GetProperty("assignmentId").GetGuid();
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit",
                new { answer = answerFor(claim.GetProperty("itemId").GetString()!) }), HttpStatusCode.OK);
            await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
            done++;
        }
    }

    private static async Task WaitForSlotsAsync(Actor enterprise, Guid orderId, int slots) =>
        await Api.EventuallyAsync(async () =>
            (await enterprise.GetAsync($"/api/tasks/orders/{orderId}/progress")).GetProperty("totalAssignments").GetInt32() == slots,
            $"order {orderId} has {slots} slots");

    [Test]
    public async Task Items_the_crowd_disagrees_on_get_more_answers_up_to_the_cap_and_the_labels_are_delivered_as_JSONL_and_Label_Studio()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var other = await Api.SignUpAsync("enterprise");
        var crowd = new List<Actor>();
        for (var i = 0; i < 5; i++) crowd.Add(await Api.SignUpAsync("worker"));
        await Scenario.DepositAsync(enterprise, 100.00m);
        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new { overlap = 3, confidenceBar = 0.9m, overlapCap = 5 }, items: 4, unitPrice: 1.00m);
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).Money("budget"), Is.EqualTo(4 * 5 * 1.00m), "escrow covers the cap");

        // review-2 is a complaint everyone sees; review-4 splits the crowd: workers 0 and 3 call it negative, the rest positive.
        Func<string, object> Answers(int worker) => item => item switch
        {
            "review-2" => "negative",
            "review-4" => worker is 0 or 3 ? "negative" : "positive",
            _ => "positive",
        };
        for (var w = 0; w < 3; w++) Assert.That(await WorkAsync(crowd[w], enterprise, orderId, Answers(w)), Is.EqualTo(4));

        // 2 of 3 is below the bar of 0.9: review-4 alone gets a fourth slot, and the work is not complete.
        await WaitForSlotsAsync(enterprise, orderId, 13);
        var firstRound = await Delivery.LabelsAsync(enterprise, orderId);
        Assert.That(firstRound.GetProperty("aggregationRounds").GetInt32(), Is.EqualTo(1));
        Assert.That(firstRound.GetProperty("completedAt").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(Delivery.LabelOf(firstRound, "review-4").GetProperty("confidence").GetDecimal(), Is.EqualTo(0.66667m));
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("status").GetString(), Is.EqualTo("in_progress"));

        Assert.That(await WorkAsync(crowd[3], enterprise, orderId, Answers(3)), Is.EqualTo(1), "only the uncertain item is asked again");
        await WaitForSlotsAsync(enterprise, orderId, 14); // 2 of 4: still below the bar, one more
        Assert.That(await WorkAsync(crowd[4], enterprise, orderId, Answers(4)), Is.EqualTo(1));
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");

        var labels = await Delivery.LabelsAsync(enterprise, orderId);
        Assert.That(labels.GetProperty("total").GetInt64(), Is.EqualTo(4));
        Assert.That(labels.GetProperty("dynamicSlots").GetInt32(), Is.EqualTo(2));
        Assert.That(labels.GetProperty("aggregationRounds").GetInt32(), Is.EqualTo(3));
        var split = Delivery.LabelOf(labels, "review-4");
        Assert.That(split.GetProperty("answerCount").GetInt32(), Is.EqualTo(5), "3 of 5 is still below the bar, but 5 is the cap");
        Assert.That(split.GetProperty("label").GetString(), Is.EqualTo("positive"));
        Assert.That(split.GetProperty("confidence").GetDecimal(), Is.EqualTo(0.6m));
        Assert.That(split.GetProperty("method").GetString(), Is.EqualTo("majority-vote"));
        foreach (var settled in new[] { "review-1", "review-2", "review-3" })
        {
            var label = Delivery.LabelOf(labels, settled);
            Assert.That(label.GetProperty("answerCount").GetInt32(), Is.EqualTo(3), $"{settled} was unanimous: no extra answers");
            Assert.That(label.GetProperty("confidence").GetDecimal(), Is.EqualTo(1m));
            Assert.That(label.GetProperty("label").GetString(), Is.EqualTo(settled == "review-2" ? "negative" : "positive"));
        }
        Assert.That(Delivery.LabelOf(labels, "review-1").GetProperty("answers").EnumerateArray().Select(a => a.GetProperty("workerId").GetGuid()),
            Is.EquivalentTo(crowd.Take(3).Select(w => w.UserId)));
        var approved = (await enterprise.GetAsync($"/api/tasks/orders/{orderId}/progress")).GetProperty("approved").GetInt32();
        Assert.That(approved, Is.EqualTo(14), "12 + 2 dynamic answers, within the 20 the escrow holds");

        // JSONL: one line per item, read back and compared with what the crowd answered.
        var jsonl = await Delivery.ExportAsync(enterprise, orderId, "jsonl");
        Assert.That(jsonl.GetProperty("url").GetString(), Does.StartWith($"/api/tasks/exports/{orderId}/").And.Contain("expires=").And.Contain("sig="));
        var lines = (await Delivery.DownloadAsync(jsonl)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(lines.Select(l => l.GetProperty("id").GetString()), Is.EqualTo(new[] { "review-1", "review-2", "review-3", "review-4" }));
        var line4 = lines[3];
        Assert.That(line4.GetProperty("label").GetString(), Is.EqualTo("positive"));
        Assert.That(line4.GetProperty("confidence").GetDecimal(), Is.EqualTo(0.6m));
        Assert.That(line4.GetProperty("content").GetString(), Is.EqualTo(Scenario.Reviews[3]));
        var given = line4.GetProperty("answers").EnumerateArray().ToDictionary(a => a.GetProperty("workerId").GetGuid(), a => a.GetProperty("answer").GetString());
        Assert.That(given, Is.EquivalentTo(crowd.Select((w, i) => new KeyValuePair<Guid, string?>(w.UserId, i is 0 or 3 ? "negative" : "positive"))));
        Assert.That(lines[1].GetProperty("label").GetString(), Is.EqualTo("negative"));

        // Label Studio: a task per item, each worker's answer an annotation, the combined label a prediction scored by its confidence.
        var studio = await Delivery.ExportAsync(enterprise, orderId, "label-studio");
        Assert.That(studio.GetProperty("labelConfig").GetString(), Does.Contain("<Choices name=\"label\" toName=\"text\""));
        var tasks = JsonDocument.Parse(await Delivery.DownloadAsync(studio)).RootElement;
        Assert.That(tasks.GetArrayLength(), Is.EqualTo(4));
        var task4 = tasks.EnumerateArray().Single(t => t.GetProperty("data").GetProperty("item_id").GetString() == "review-4");
        Assert.That(task4.GetProperty("data").GetProperty("text").GetString(), Is.EqualTo(Scenario.Reviews[3]));
        Assert.That(task4.GetProperty("annotations").GetArrayLength(), Is.EqualTo(5));
        var prediction = task4.GetProperty("predictions")[0];
        Assert.That(prediction.GetProperty("score").GetDouble(), Is.EqualTo(0.6).Within(1e-9));
        var result = prediction.GetProperty("result")[0];
        Assert.That(result.GetProperty("type").GetString(), Is.EqualTo("choices"));
        Assert.That(result.GetProperty("value").GetProperty("choices")[0].GetString(), Is.EqualTo("positive"));
        Assert.That(task4.GetProperty("annotations").EnumerateArray().Count(a => a.GetProperty("result")[0].GetProperty("value")
            .GetProperty("choices")[0].GetString() == "negative"), Is.EqualTo(2));

        // COCO is for boxes; another organisation sees nothing; the links cannot be tampered with or reused late.
        var coco = await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/orders/{orderId}/exports", new { format = "coco" }), HttpStatusCode.BadRequest);
        Assert.That(coco.GetProperty("errors").TryGetProperty("format", out _), Is.True);
        Assert.That((await other.Http.GetAsync($"/api/tasks/orders/{orderId}/labels")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await other.PostAsync($"/api/tasks/orders/{orderId}/exports", new { format = "jsonl" })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await other.Http.GetAsync($"/api/tasks/orders/{orderId}/exports")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await other.Http.GetAsync($"/api/tasks/orders/{orderId}/exports/{jsonl.GetProperty("id").GetGuid()}")).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        var listed = await enterprise.GetAsync($"/api/tasks/orders/{orderId}/exports");
        Assert.That(listed.GetArrayLength(), Is.EqualTo(2));
        Assert.That((await crowd[0].Http.GetAsync($"/api/tasks/orders/{orderId}/labels")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        await AssertLinkRefusalsAsync(jsonl.GetProperty("url").GetString()!);
    }

    /// <summary>A changed signature, a link resigned with a past expiry, and a content link's key: all 403; the right link still works.</summary>
    private static async Task AssertLinkRefusalsAsync(string link)
    {
        using var browser = Api.Anonymous();
        var sig = link[(link.IndexOf("sig=", StringComparison.Ordinal) + 4)..];
        var tampered = link[..^1] + (sig[^1] == '0' ? '1' : '0');
        var forged = await Api.ReadAsync(await browser.GetAsync(tampered), HttpStatusCode.Forbidden);
        Assert.That(forged.GetProperty("detail").GetString(), Does.Contain("signature"));
        Assert.That((await browser.GetAsync(link[..link.IndexOf('?')])).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "unsigned");
        var expired = await Api.ReadAsync(await browser.GetAsync(Resigned(link, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), "export")),
            HttpStatusCode.Forbidden);
        Assert.That(expired.GetProperty("detail").GetString(), Does.Contain("expired"));
        Assert.That((await browser.GetAsync(Resigned(link, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(), "content"))).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden), "a content link's key does not open exports");
        Assert.That((await browser.GetAsync(Resigned(link, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(), "export"))).StatusCode,
            Is.EqualTo(HttpStatusCode.OK), "the services sign exactly this way");
    }

    /// <summary>The same link with another expiry, signed as the services sign (HKDF of the content key per purpose, then HMAC).</summary>
    private static string Resigned(string link, long expires, string purpose)
    {
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromBase64String(Cluster.ContentKey), 32, [],
            Encoding.UTF8.GetBytes($"marketplace/{purpose}-links/v1"));
        var path = link[..link.IndexOf('?')];
        var rest = path["/api/tasks/exports/".Length..];
        var sig = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{rest[..36]}/{Uri.UnescapeDataString(rest[37..])}\n{expires}")));
        return $"{path}?expires={expires}&sig={sig}";
    }

    /// <summary>A phone photo held sideways: stored 301 × 43 with EXIF orientation 6, so shown (and labeled) 43 × 301.</summary>
    private static byte[] TurnedJpeg() =>
        File.ReadAllBytes(Path.Combine(Cluster.Root, "tests/Marketplace.Platform.Tests/Content/Images/exif-turned.jpg"));

    /// <summary>A published, split bounding-box order: street-1 an uploaded PNG, street-2 an uploaded JPEG, street-3 a link outside the platform.</summary>
    private static async Task<Guid> StreetOrderAsync(Actor enterprise, byte[] png)
    {
        var orderId = await DatasetUploadTests.DraftWithoutItems(enterprise, new { taskType = "bounding-boxes", labels = new[] { "car", "person" }, overlap = 3 });
        foreach (var (name, bytes) in new[] { ("street/1.png", png), ("street/2.jpg", TurnedJpeg()) })
        {
            var put = new HttpRequestMessage(HttpMethod.Put, $"/api/orders/orders/{orderId}/files/{name}") { Content = new ByteArrayContent(bytes) };
            put.Content.Headers.ContentType = new("application/octet-stream");
            await Api.ReadAsync(await enterprise.Http.SendAsync(put), HttpStatusCode.Created);
        }
        var manifest = string.Join("\n",
            JsonSerializer.Serialize(new { id = "street-1", contentUri = $"content://{orderId}/street/1.png" }),
            JsonSerializer.Serialize(new { id = "street-2", contentUri = $"content://{orderId}/street/2.jpg" }),
            JsonSerializer.Serialize(new { id = "street-3", contentUri = "https://datasets.example/street/3.jpg" })) + "\n";
        var imported = await DatasetUploadTests.UploadAsync(enterprise, orderId, "jsonl", manifest);
        Assert.That(imported.GetProperty("status").GetString(), Is.EqualTo("imported"), imported.ToString());
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 9, $"tasks split order {orderId}");
        return orderId;
    }

    [Test]
    public async Task Bounding_boxes_are_combined_by_overlap_and_delivered_as_COCO_in_pixels_of_the_real_images_and_Label_Studio_rectangles()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var crowd = new List<Actor>();
        for (var i = 0; i < 3; i++) crowd.Add(await Api.SignUpAsync("worker"));
        await Scenario.DepositAsync(enterprise, 100.00m);
        var png = Portal.TestImages.Png(640, 480, seed: 7);
        var orderId = await StreetOrderAsync(enterprise, png);
        var files = (await enterprise.GetAsync($"/api/orders/orders/{orderId}/files")).GetProperty("items").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => (f.GetProperty("width").GetInt32(), f.GetProperty("height").GetInt32()));
        Assert.That(files, Is.EqualTo(new Dictionary<string, (int, int)> { ["street/1.png"] = (640, 480), ["street/2.jpg"] = (43, 301) }),
            "orders reads each image's size at upload");

        // Everyone draws the car on street-1, a little differently, and only the first worker sees a person there; everyone
        // marks the same person on the turned photo street-2; nobody marks anything on street-3.
        Func<string, object> Boxes(int worker) => item =>
        {
            var boxes = new List<object>();
            if (item == "street-3") return boxes;
            if (item == "street-2") return new[] { new { label = "person", x = 0.50, y = 0.25, width = 0.25, height = 0.50 } };
            boxes.Add(new { label = "car", x = 0.10 + 0.02 * (worker - 1), y = 0.20 + 0.02 * (worker - 1), width = 0.30, height = 0.40 });
            if (worker == 0) boxes.Add(new { label = "person", x = 0.60, y = 0.10, width = 0.10, height = 0.30 });
            return boxes;
        };
        for (var w = 0; w < 3; w++) Assert.That(await WorkAsync(crowd[w], enterprise, orderId, Boxes(w)), Is.EqualTo(3));
        await Scenario.WaitForStatusAsync(enterprise, orderId, "delivered");

        var labels = await Delivery.LabelsAsync(enterprise, orderId);
        var street1 = Delivery.LabelOf(labels, "street-1");
        Assert.That(street1.GetProperty("method").GetString(), Is.EqualTo("box-consensus"));
        Assert.That(street1.GetProperty("label").GetArrayLength(), Is.EqualTo(1), "one worker's person is not the crowd's");
        Assert.That(street1.GetProperty("confidence").GetDecimal(), Is.EqualTo(0.66667m), "two of three agree there is no person");
        Assert.That(Delivery.LabelOf(labels, "street-3").GetProperty("label").GetArrayLength(), Is.Zero);

        var coco = JsonDocument.Parse(await Delivery.DownloadAsync(await Delivery.ExportAsync(enterprise, orderId, "coco"))).RootElement;
        Assert.That(coco.GetProperty("categories").EnumerateArray().Select(c => (c.GetProperty("id").GetInt32(), c.GetProperty("name").GetString())),
            Is.EqualTo(new[] { (1, "car"), (2, "person") }));
        var images = coco.GetProperty("images").EnumerateArray().ToList();
        Assert.That(images.Select(i => i.GetProperty("item_id").GetString()), Is.EqualTo(new[] { "street-1", "street-2", "street-3" }));
        Assert.That(images.Select(i => i.GetProperty("id").GetInt64()).Distinct().Count(), Is.EqualTo(3));
        // The real images' sizes: the PNG's IHDR, and the JPEG as shown (its EXIF orientation turns 301 × 43 upright).
        Assert.That(images.Select(i => (i.GetProperty("width").GetInt32(), i.GetProperty("height").GetInt32())),
            Is.EqualTo(new[] { (640, 480), (43, 301), (1, 1) }), "a linked image's size is unknown: its boxes stay fractions");
        Assert.That(images[2].GetProperty("coco_url").GetString(), Is.EqualTo("https://datasets.example/street/3.jpg"));
        Assert.That(images[0].TryGetProperty("coco_url", out _), Is.False, "an uploaded file has no public URL");
        var annotations = coco.GetProperty("annotations").EnumerateArray().ToList();
        Assert.That(annotations, Has.Count.EqualTo(2));
        var car = annotations.Single(a => a.GetProperty("image_id").GetInt64() == images[0].GetProperty("id").GetInt64());
        Assert.That(car.GetProperty("category_id").GetInt32(), Is.EqualTo(1));
        var bbox = car.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.That(bbox, Is.EqualTo(new[] { 0.10 * 640, 0.20 * 480, 0.30 * 640, 0.40 * 480 }).Within(1e-6), "the mean of the three cars, in pixels");
        Assert.That(car.GetProperty("area").GetDouble(), Is.EqualTo(bbox[2] * bbox[3]).Within(1e-6));
        Assert.That(car.GetProperty("iscrowd").GetInt32(), Is.Zero);
        var person = annotations.Single(a => a.GetProperty("image_id").GetInt64() == images[1].GetProperty("id").GetInt64());
        Assert.That(person.GetProperty("category_id").GetInt32(), Is.EqualTo(2));
        Assert.That(person.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()),
            Is.EqualTo(new[] { 0.50 * 43, 0.25 * 301, 0.25 * 43, 0.50 * 301 }).Within(1e-6));

        var tasks = JsonDocument.Parse(await Delivery.DownloadAsync(await Delivery.ExportAsync(enterprise, orderId, "label-studio"))).RootElement;
        var task1 = tasks.EnumerateArray().Single(t => t.GetProperty("data").GetProperty("item_id").GetString() == "street-1");
        Assert.That(task1.GetProperty("data").GetProperty("image").GetString(), Is.EqualTo($"content://{orderId}/street/1.png"));
        Assert.That(task1.GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("result").GetArrayLength()), Is.EquivalentTo(new[] { 2, 1, 1 }));
        var rectangle = task1.GetProperty("predictions")[0].GetProperty("result").EnumerateArray().Single();
        Assert.That(rectangle.GetProperty("type").GetString(), Is.EqualTo("rectanglelabels"));
        Assert.That(rectangle.GetProperty("to_name").GetString(), Is.EqualTo("image"));
        var value = rectangle.GetProperty("value");
        Assert.That(new[] { value.GetProperty("x").GetDouble(), value.GetProperty("y").GetDouble(), value.GetProperty("width").GetDouble(),
            value.GetProperty("height").GetDouble() }, Is.EqualTo(new[] { 10.0, 20.0, 30.0, 40.0 }).Within(1e-6), "percent of the image");
        Assert.That(value.GetProperty("rectanglelabels")[0].GetString(), Is.EqualTo("car"));
    }
}
