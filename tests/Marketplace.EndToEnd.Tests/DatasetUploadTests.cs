using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.EndToEnd.Tests;

/// <summary>Datasets arrive as resumable uploads, are checked row by row, and are imported whole or not at all.</summary>
[TestFixture]
public class DatasetUploadTests
{
    internal static async Task<Guid> DraftWithoutItems(Actor enterprise, object? extra = null)
    {
        var body = Scenario.OrderBodyWith(extra ?? new { }, items: 1, unitPrice: 0.10m);
        body.Remove("items");
        var order = await Api.ReadAsync(await enterprise.PostAsync("/api/orders/orders", body.ToJsonString()), HttpStatusCode.Created);
        Assert.That(order.GetProperty("itemCount").GetInt32(), Is.Zero);
        return order.GetProperty("id").GetGuid();
    }

    internal static async Task<HttpResponseMessage> SendChunk(Actor enterprise, Guid orderId, Guid uploadId, long offset, byte[] bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/orders/orders/{orderId}/uploads/{uploadId}")
        {
            Content = new ByteArrayContent(bytes),
        };
        request.Content.Headers.ContentType = new("application/octet-stream");
        request.Headers.Add("Upload-Offset", offset.ToString());
        return await enterprise.Http.SendAsync(request);
    }

    internal static async Task<JsonElement> UploadAsync(Actor enterprise, Guid orderId, string format, string text, int chunks = 1)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var upload = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/uploads", new { format, expectedBytes = bytes.Length }),
            HttpStatusCode.Created);
        var uploadId = upload.GetProperty("id").GetGuid();
        var size = (bytes.Length + chunks - 1) / chunks;
        for (var offset = 0; offset < bytes.Length; offset += size)
            await Api.ReadAsync(await SendChunk(enterprise, orderId, uploadId, offset, bytes[offset..Math.Min(bytes.Length, offset + size)]), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/uploads/{uploadId}/complete"), HttpStatusCode.Accepted);
        JsonElement done = default;
        await Api.EventuallyAsync(async () =>
        {
            done = await enterprise.GetAsync($"/api/orders/orders/{orderId}/uploads/{uploadId}");
            return done.GetProperty("status").GetString() is "imported" or "rejected";
        }, "the upload is checked");
        return done;
    }

    internal static string Jsonl(int count) => string.Join('\n', Enumerable.Range(1, count).Select(i => JsonSerializer.Serialize(new
    {
        id = $"review-{i:00000}",
        content = Scenario.Reviews[i % Scenario.Reviews.Length],
        metadata = new { source = "marketplace-reviews", stars = i % 5 + 1 },
        predictions = i % 2 == 0 ? "positive" : "negative",
    }))) + "\n";

    [Test]
    public async Task A_dropped_upload_resumes_from_what_arrived_and_the_order_takes_every_row()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 100.00m);
        var orderId = await DraftWithoutItems(enterprise);
        var bytes = Encoding.UTF8.GetBytes(Jsonl(300));
        var upload = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/uploads", new { format = "jsonl", expectedBytes = bytes.Length }),
            HttpStatusCode.Created);
        var uploadId = upload.GetProperty("id").GetGuid();

        var half = bytes.Length / 2;
        await Api.ReadAsync(await SendChunk(enterprise, orderId, uploadId, 0, bytes[..half]), HttpStatusCode.OK);
        // The client lost its place: it sends from the start again and is told where to resume.
        var wrong = await Api.ReadAsync(await SendChunk(enterprise, orderId, uploadId, 0, bytes[..100]), HttpStatusCode.Conflict);
        Assert.That(wrong.GetProperty("receivedBytes").GetInt64(), Is.EqualTo(half));
        var early = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/uploads/{uploadId}/complete"), HttpStatusCode.Conflict);
        Assert.That(early.GetProperty("detail").GetString(), Does.Contain("send the rest"));
        var progress = await enterprise.GetAsync($"/api/orders/orders/{orderId}/uploads/{uploadId}");
        Assert.That(progress.GetProperty("receivedPercent").GetDecimal(), Is.EqualTo(Math.Round(100m * half / bytes.Length, 1)));

        await Api.ReadAsync(await SendChunk(enterprise, orderId, uploadId, half, bytes[half..]), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/uploads/{uploadId}/complete"), HttpStatusCode.Accepted);
        await Api.EventuallyAsync(async () =>
            (await enterprise.GetAsync($"/api/orders/orders/{orderId}/uploads/{uploadId}")).GetProperty("status").GetString() == "imported", "imported");

        var order = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        Assert.That(order.GetProperty("itemCount").GetInt32(), Is.EqualTo(300));
        Assert.That(order.GetProperty("datasetBytes").GetInt64(), Is.EqualTo(bytes.Length));
        Assert.That(order.Money("budget"), Is.EqualTo(30.00m));

        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 300, "the crowd has all 300 items");
    }

    [Test]
    public async Task A_large_crowd_order_is_split_from_its_stored_manifest()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 5000.00m);
        var orderId = await DraftWithoutItems(enterprise, new { overlap = 2 });
        Assert.That((await UploadAsync(enterprise, orderId, "jsonl", Jsonl(20_000), chunks: 3)).GetProperty("status").GetString(), Is.EqualTo("imported"));
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);

        JsonElement progress = default;
        await Api.EventuallyAsync(async () =>
        {
            var response = await enterprise.Http.GetAsync($"/api/tasks/orders/{orderId}/progress");
            if (response.StatusCode == HttpStatusCode.NotFound) return false;
            progress = await Api.ReadAsync(response, HttpStatusCode.OK);
            return true;
        }, "tasks split the 20,000 items", TimeSpan.FromSeconds(90));
        Assert.That(progress.GetProperty("totalAssignments").GetInt64(), Is.EqualTo(40_000), "every item at overlap 2, in one transaction");
        Assert.That(progress.GetProperty("open").GetInt64(), Is.EqualTo(40_000));

        // The work carries its content from the stored manifest.
        var claim = await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK);
        Assert.That(claim.GetProperty("content").GetString(), Is.AnyOf(Scenario.Reviews));
        Assert.That((await enterprise.GetAsync($"/api/tasks/orders/{orderId}/progress")).GetProperty("leased").GetInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_manifest_with_bad_rows_is_rejected_whole_with_their_line_numbers()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await DraftWithoutItems(enterprise);
        var lines = Jsonl(10).TrimEnd('\n').Split('\n').ToList();
        lines[6] = "{\"id\": \"review-00007\", \"content\": \"unterminated";           // line 7: bad JSON
        lines[2] = "{\"content\": \"no id here\"}";                                   // line 3: missing id
        lines[8] = lines[0];                                                          // line 9: duplicate of line 1
        lines[4] = "{\"id\": \"review-00005\", \"content\": \"ok\", \"predictions\": \"sarcastic\"}"; // line 5: prediction outside the labels

        var result = await UploadAsync(enterprise, orderId, "jsonl", string.Join('\n', lines), chunks: 3);

        Assert.That(result.GetProperty("status").GetString(), Is.EqualTo("rejected"));
        var errors = result.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("line").GetInt64(), e => e.GetProperty("error").GetString());
        Assert.That(errors.Keys, Is.EquivalentTo(new long[] { 3, 5, 7, 9 }), string.Join("; ", errors));
        Assert.That(errors[3], Does.Contain("id"));
        Assert.That(errors[5], Does.Contain("predictions"));
        Assert.That(errors[7], Does.Contain("JSON"));
        Assert.That(errors[9], Does.Contain("duplicate"));
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("itemCount").GetInt32(), Is.Zero, "nothing was stored");
        Assert.That((await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish")).StatusCode, Is.EqualTo(HttpStatusCode.Conflict),
            "an order without items cannot be published");
    }

    [Test]
    public async Task A_csv_manifest_keeps_quoted_commas_and_line_breaks()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await DraftWithoutItems(enterprise);
        var csv = "id,content,metadata\r\n" +
                  "a-1,\"Good value, fast delivery\",\"{\"\"stars\"\": 5}\"\r\n" +
                  "a-2,\"Two lines:\nstill one review\",\r\n" +
                  "a-3,\"He said \"\"meh\"\"\",\r\n";
        var result = await UploadAsync(enterprise, orderId, "csv", csv);
        Assert.That(result.GetProperty("status").GetString(), Is.EqualTo("imported"), result.ToString());
        Assert.That(result.GetProperty("rowsImported").GetInt64(), Is.EqualTo(3));

        var broken = await DraftWithoutItems(enterprise);
        var rejected = await UploadAsync(enterprise, broken, "csv", "id,content\na-1,fine\na-2,\"never closed\n");
        Assert.That(rejected.GetProperty("errors")[0].GetProperty("line").GetInt64(), Is.EqualTo(3));
    }

    [Test]
    public async Task A_line_or_field_past_its_limit_or_a_repeated_header_rejects_the_file_with_its_line()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var lines = Jsonl(3).TrimEnd('\n').Split('\n');
        lines[1] = JsonSerializer.Serialize(new { id = "long", content = new string('长', Cluster.MaxManifestLineChars) });
        var longLine = await UploadAsync(enterprise, await DraftWithoutItems(enterprise), "jsonl", string.Join('\n', lines) + "\n");
        Assert.That(longLine.GetProperty("status").GetString(), Is.EqualTo("rejected"));
        Assert.That(longLine.GetProperty("errors")[0].GetProperty("line").GetInt64(), Is.EqualTo(2));
        Assert.That(longLine.GetProperty("errors")[0].GetProperty("error").GetString(), Does.Contain($"longer than {Cluster.MaxManifestLineChars}"));

        var longField = await UploadAsync(enterprise, await DraftWithoutItems(enterprise), "csv",
            $"id,content\na-1,fine\na-2,\"{new string('x', Cluster.MaxCsvFieldChars + 1)}\"\n");
        Assert.That(longField.GetProperty("status").GetString(), Is.EqualTo("rejected"));
        Assert.That(longField.GetProperty("errors")[0].GetProperty("line").GetInt64(), Is.EqualTo(3));
        Assert.That(longField.GetProperty("errors")[0].GetProperty("error").GetString(), Does.Contain("field 2"));

        // Once left the upload "validating" for ever (the import job failed on the duplicate column and retried).
        var repeated = await UploadAsync(enterprise, await DraftWithoutItems(enterprise), "csv", "id,content,ID\na-1,fine,again\n");
        Assert.That(repeated.GetProperty("status").GetString(), Is.EqualTo("rejected"));
        Assert.That(repeated.GetProperty("errors")[0].GetProperty("error").GetString(), Does.Contain("'id' more than once"));
        Assert.That((await enterprise.GetAsync("/api/orders/orders")).EnumerateArray().Select(o => o.GetProperty("itemCount").GetInt32()),
            Is.All.Zero, "nothing was stored");
    }

    [Test]
    public async Task An_upload_past_its_limit_or_the_organisations_storage_is_refused_and_nothing_is_stored()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = await DraftWithoutItems(enterprise);
        async Task<string?> RefusedAsync(HttpResponseMessage response)
        {
            var problem = await Api.ReadAsync(response, HttpStatusCode.RequestEntityTooLarge);
            Assert.That(problem.GetProperty("maxBytes").GetInt64(), Is.GreaterThan(0));
            return problem.GetProperty("code").GetString();
        }
        Assert.That(await RefusedAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/uploads", new { format = "jsonl", expectedBytes = Cluster.MaxUploadBytes + 1 })),
            Is.EqualTo("dataset.too_large"));

        // Nearly all the organisation may store, in one upload: taken.
        var uploadId = (await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/uploads", new { format = "jsonl" }), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        var first = new byte[Cluster.MaxUploadBytes - 16];
        Array.Fill(first, (byte)'\n');
        await Api.ReadAsync(await SendChunk(enterprise, orderId, uploadId, 0, first), HttpStatusCode.OK);
        // 32 bytes more would pass the upload's limit; in another upload, the organisation's.
        Assert.That(await RefusedAsync(await SendChunk(enterprise, orderId, uploadId, first.Length, new byte[32])), Is.EqualTo("dataset.too_large"));
        var otherOrder = await DraftWithoutItems(enterprise);
        var other = (await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{otherOrder}/uploads", new { format = "jsonl" }), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        Assert.That(await RefusedAsync(await SendChunk(enterprise, otherOrder, other, 0, new byte[32])), Is.EqualTo("dataset.storage_full"));
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");
        var file = new HttpRequestMessage(HttpMethod.Put, $"/api/orders/orders/{otherOrder}/files/pixel.png") { Content = new ByteArrayContent(png) };
        file.Content.Headers.ContentType = new("image/png");
        Assert.That(await RefusedAsync(await enterprise.Http.SendAsync(file)), Is.EqualTo("dataset.storage_full"));

        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}/uploads/{uploadId}")).GetProperty("receivedBytes").GetInt64(), Is.EqualTo(first.Length));
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{otherOrder}/uploads/{other}")).GetProperty("receivedBytes").GetInt64(), Is.Zero);
        Assert.That((await enterprise.GetAsync($"/api/orders/orders/{otherOrder}/files")).GetProperty("total").GetInt64(), Is.Zero);
    }

    [Test]
    public async Task Uploads_belong_to_their_order_and_only_drafts_take_them()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var other = await Api.SignUpAsync("enterprise");
        var orderId = await DraftWithoutItems(enterprise);
        var upload = await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/uploads", new { format = "jsonl" }), HttpStatusCode.Created);
        var uploadId = upload.GetProperty("id").GetGuid();

        Assert.That((await other.PostAsync($"/api/orders/orders/{orderId}/uploads", new { format = "jsonl" })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await SendChunk(other, orderId, uploadId, 0, "x"u8.ToArray())).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await other.Http.GetAsync($"/api/orders/orders/{orderId}/uploads/{uploadId}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/uploads", new { format = "xml" }), HttpStatusCode.BadRequest);
        var noOffset = new HttpRequestMessage(HttpMethod.Put, $"/api/orders/orders/{orderId}/uploads/{uploadId}") { Content = new ByteArrayContent("x"u8.ToArray()) };
        await Api.ReadAsync(await enterprise.Http.SendAsync(noOffset), HttpStatusCode.BadRequest);

        var published = await Scenario.CreateOrderAsync(enterprise, items: 1);
        await Scenario.DepositAsync(enterprise, 5.00m);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{published}/publish"), HttpStatusCode.Accepted);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{published}/uploads", new { format = "jsonl" }), HttpStatusCode.Conflict);
    }
}
