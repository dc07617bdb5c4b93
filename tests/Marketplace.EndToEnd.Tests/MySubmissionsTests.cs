using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests;

/// <summary>A worker's own submissions (GET /api/tasks/assignments/submitted): theirs only, newest first, keyset-paged.</summary>
[TestFixture]
public class MySubmissionsTests
{
    private static async Task<(Actor Enterprise, Guid OrderId)> OrderAsync(int items)
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 20.00m);
        return (enterprise, await Scenario.PublishedOrderAsync(enterprise, items, unitPrice: 1.00m));
    }

    private static async Task<Guid> ClaimAsync(Actor worker, Guid orderId) =>
        (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();

    private static async Task<Guid> SubmitAsync(Actor worker, Guid orderId)
    {
        var id = await ClaimAsync(worker, orderId);
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
        return id;
    }

    private static async Task<List<JsonElement>> ListAsync(Actor worker, string query = "") =>
        (await worker.GetAsync($"/api/tasks/assignments/submitted{query}")).GetProperty("items").EnumerateArray().ToList();

    [Test]
    public async Task A_worker_sees_only_their_own_submissions_newest_first_with_the_review_of_each()
    {
        var (enterprise, orderId) = await OrderAsync(items: 4);
        var worker = await Api.SignUpAsync("worker");
        var other = await Api.SignUpAsync("worker");
        var first = await SubmitAsync(worker, orderId);
        var rejected = await SubmitAsync(worker, orderId);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{rejected}/reject",
            new { reasonCode = "incomplete", comment = "第二句没有读 (the second sentence was ignored)." }), HttpStatusCode.OK);
        var theirs = await SubmitAsync(other, orderId);
        var held = await ClaimAsync(worker, orderId); // leased, not submitted: not in the list

        var order = await enterprise.GetAsync($"/api/orders/orders/{orderId}");
        var list = await ListAsync(worker);
        Assert.That(list.Select(s => s.GetProperty("assignmentId").GetGuid()), Is.EqualTo(new[] { rejected, first }),
            "the caller's submitted work only, newest first; not another worker's, not work still held");
        var r = list[0];
        Assert.That(r.GetProperty("orderId").GetGuid(), Is.EqualTo(orderId));
        Assert.That(r.GetProperty("itemId").GetString(), Does.StartWith("review-"));
        Assert.That(r.GetProperty("taskType").GetString(), Is.EqualTo("text-classification"));
        Assert.That(r.GetProperty("status").GetString(), Is.EqualTo("rejected"));
        Assert.That(r.GetProperty("rejectReasonCode").GetString(), Is.EqualTo("incomplete"));
        Assert.That(r.GetProperty("rejectComment").GetString(), Does.Contain("第二句"));
        Assert.That(r.GetProperty("rejectedAt").GetDateTime(), Is.GreaterThanOrEqualTo(r.GetProperty("submittedAt").GetDateTime()));
        Assert.That(r.GetProperty("appealableUntil").GetDateTime(), Is.GreaterThan(r.GetProperty("rejectedAt").GetDateTime()));
        Assert.That(r.GetProperty("appealStatus").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That((r.Money("reward"), order.Money("workerReward")), Is.EqualTo((0.90m, 0.90m)), "1.00 a slot less the 10% fee");
        Assert.That(r.GetProperty("currency").GetString(), Is.EqualTo("CNY"));
        Assert.That((await worker.GetAsync("/api/tasks/assignments/submitted")).GetProperty("nextBefore").ValueKind, Is.EqualTo(JsonValueKind.Null));

        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{rejected}/appeal", new { message = "请再看一遍。" }), HttpStatusCode.OK);
        await Jobs.AutoApproveNowAsync(first);
        JsonElement approved = default;
        await Api.EventuallyAsync(async () =>
        {
            approved = (await ListAsync(worker)).Single(s => s.GetProperty("assignmentId").GetGuid() == first);
            return approved.GetProperty("status").GetString() == "approved";
        }, "the unreviewed submission is approved automatically");
        Assert.That(approved.GetProperty("approvedAt").GetDateTime(), Is.GreaterThanOrEqualTo(approved.GetProperty("submittedAt").GetDateTime()));
        Assert.That(approved.GetProperty("rejectReasonCode").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That((await ListAsync(worker)).Single(s => s.GetProperty("assignmentId").GetGuid() == rejected).GetProperty("appealStatus").GetString(),
            Is.EqualTo("pending"));

        Assert.That((await ListAsync(other)).Select(s => s.GetProperty("assignmentId").GetGuid()), Is.EqualTo(new[] { theirs }));
        Assert.That(await ListAsync(await Api.SignUpAsync("worker")), Is.Empty, "a worker with no work has an empty list");
        Assert.That(list.Any(s => s.GetProperty("assignmentId").GetGuid() == held), Is.False);
    }

    [Test]
    public async Task Pages_follow_the_cursor_without_gaps_or_repeats()
    {
        var (_, orderId) = await OrderAsync(items: 5);
        var worker = await Api.SignUpAsync("worker");
        var submitted = new List<Guid>();
        for (var i = 0; i < 5; i++) submitted.Add(await SubmitAsync(worker, orderId));
        submitted.Reverse();

        var seen = new List<Guid>();
        var pages = new List<int>();
        string? before = null;
        do
        {
            var page = await worker.GetAsync($"/api/tasks/assignments/submitted?limit=2{(before is null ? "" : $"&before={Uri.EscapeDataString(before)}")}");
            var items = page.GetProperty("items").EnumerateArray().ToList();
            pages.Add(items.Count);
            seen.AddRange(items.Select(s => s.GetProperty("assignmentId").GetGuid()));
            before = page.GetProperty("nextBefore").GetString();
        } while (before is not null && pages.Count < 10);

        Assert.That(pages, Is.EqualTo(new[] { 2, 2, 1 }));
        Assert.That(seen, Is.EqualTo(submitted), "every submission once, newest first");
        var all = await ListAsync(worker, "?limit=200");
        Assert.That(all.Select(s => s.GetProperty("assignmentId").GetGuid()), Is.EqualTo(submitted));
        var times = all.Select(s => s.GetProperty("submittedAt").GetDateTime()).ToList();
        Assert.That(times, Is.Ordered.Descending);
    }

    [Test]
    public async Task Bad_paging_values_answer_400_naming_the_field()
    {
        var worker = await Api.SignUpAsync("worker");
        foreach (var (query, field) in new[]
                 {
                     ("limit=0", "limit"), ("limit=201", "limit"), ("limit=ten", "limit"), ("limit=-1", "limit"), ("limit=", "limit"),
                     ("before=not-a-cursor", "before"), ("before=MTIzLm5vdC1hLWd1aWQ", "before"), ("before=", "before"),
                 })
        {
            var problem = await Api.ReadAsync(await worker.Http.GetAsync($"/api/tasks/assignments/submitted?{query}"), HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, $"{query}: {problem}");
        }
        Assert.That((await ListAsync(worker, "?limit=1")), Is.Empty);
        Assert.That((await ListAsync(worker, "?limit=200")), Is.Empty);
    }
}
