using System.Net;
using System.Text.Json;
using MassTransit;
using Marketplace.Contracts.Tasks;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// In-app notifications (gateway): what happens to a worker reaches that worker, and only them, as a stable kind with the
/// facts the portal renders; a list of one's own, paged newest first; read marks that nobody else can set.
/// </summary>
[TestFixture]
public class NotificationTests
{
    private IBusControl _bus = null!;

    [OneTimeSetUp]
    public async Task StartBus()
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(Environment.GetEnvironmentVariable("RabbitMq__Host") ?? "127.0.0.1",
                ushort.Parse(Environment.GetEnvironmentVariable("RabbitMq__Port") ?? "61672"), "/", h =>
                {
                    h.Username(Environment.GetEnvironmentVariable("RabbitMq__Username") ?? "test");
                    h.Password(Environment.GetEnvironmentVariable("RabbitMq__Password") ?? "test");
                });
        });
        await _bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
    }

    [OneTimeTearDown]
    public Task StopBus() => _bus.StopAsync();

    public static async Task<List<JsonElement>> NotificationsAsync(Actor actor, string? kind = null)
    {
        var page = await actor.GetAsync("/api/notifications?pageSize=100");
        return page.GetProperty("items").EnumerateArray().Where(n => kind is null || n.GetProperty("kind").GetString() == kind).ToList();
    }

    /// <summary>Waits until the actor has a notification of the kind matching the condition, and answers it.</summary>
    public static async Task<JsonElement> ArrivesAsync(Actor actor, string kind, Func<JsonElement, bool>? where = null)
    {
        JsonElement found = default;
        await Api.EventuallyAsync(async () =>
        {
            var match = (await NotificationsAsync(actor, kind)).Where(n => where?.Invoke(n.GetProperty("params")) ?? true).ToList();
            if (match.Count > 0) found = match[0];
            return match.Count > 0;
        }, $"{actor.Email} is told {kind}");
        return found;
    }

    private static async Task<Guid> SubmitAsync(Actor worker, Guid orderId)
    {
        var id = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
        return id;
    }

    [Test]
    public async Task A_rejection_and_its_appeal_decision_notify_the_worker_who_did_the_work_and_nobody_else()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 10.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 2, unitPrice: 1.00m);
        var denied = await Api.SignUpAsync("worker");
        var upheld = await Api.SignUpAsync("worker");
        var bystander = await Api.SignUpAsync("worker");
        var deniedWork = await SubmitAsync(denied, orderId);
        var upheldWork = await SubmitAsync(upheld, orderId);
        foreach (var id in new[] { deniedWork, upheldWork })
        {
            await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/reject",
                new { reasonCode = "wrong-answer", comment = "评论是负面的。" }), HttpStatusCode.OK);
        }

        var rejected = await ArrivesAsync(denied, "submission.rejected");
        var facts = rejected.GetProperty("params");
        Assert.That(facts.GetProperty("assignmentId").GetGuid(), Is.EqualTo(deniedWork));
        Assert.That(facts.GetProperty("orderId").GetGuid(), Is.EqualTo(orderId));
        Assert.That(facts.GetProperty("reasonCode").GetString(), Is.EqualTo("wrong-answer"));
        Assert.That(facts.GetProperty("comment").GetString(), Is.EqualTo("评论是负面的。"));
        Assert.That(facts.GetProperty("appealableUntil").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow));
        Assert.That(rejected.GetProperty("readAt").ValueKind, Is.EqualTo(JsonValueKind.Null));

        foreach (var (worker, id) in new[] { (denied, deniedWork), (upheld, upheldWork) })
            await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/appeal", new { message = "请再看一遍。" }), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{deniedWork}/appeal/resolve", new { decision = "deny", note = "仍然是负面的。" }),
            HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{upheldWork}/appeal/resolve", new { decision = "uphold" }), HttpStatusCode.OK);

        var no = (await ArrivesAsync(denied, "appeal.decided")).GetProperty("params");
        Assert.That(no.GetProperty("decision").GetString(), Is.EqualTo("denied"));
        Assert.That(no.GetProperty("note").GetString(), Is.EqualTo("仍然是负面的。"));
        Assert.That(no.GetProperty("assignmentId").GetGuid(), Is.EqualTo(deniedWork));
        var yes = (await ArrivesAsync(upheld, "appeal.decided")).GetProperty("params");
        Assert.That(yes.GetProperty("decision").GetString(), Is.EqualTo("upheld"));
        Assert.That(yes.GetProperty("assignmentId").GetGuid(), Is.EqualTo(upheldWork));

        // Each worker hears of their own work only; the enterprise and a bystander hear nothing.
        Assert.That((await NotificationsAsync(denied)).Select(n => n.GetProperty("params").GetProperty("assignmentId").GetGuid()), Has.All.EqualTo(deniedWork));
        Assert.That((await NotificationsAsync(upheld)).Select(n => n.GetProperty("params").GetProperty("assignmentId").GetGuid()), Has.All.EqualTo(upheldWork));
        Assert.That(await NotificationsAsync(denied), Has.Count.EqualTo(2));
        Assert.That(await NotificationsAsync(enterprise), Is.Empty);
        Assert.That(await NotificationsAsync(bystander), Is.Empty);
    }

    [Test]
    public async Task A_worker_suspended_for_accuracy_on_gold_is_told_with_the_figures()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var spammer = await Api.SignUpAsync("worker");
        await Scenario.DepositAsync(enterprise, 100.00m);
        string[] praise = ["Absolutely love it, works perfectly.", "Best purchase this year, five stars.", "Excellent quality.", "Great value."];
        var orderId = await Scenario.PublishedOrderWithAsync(enterprise, new
        {
            goldShare = 0.5m,
            requiredAccuracy = 0.8m,
            items = Enumerable.Range(0, 8).Select(i => (object)new { id = $"review-{i + 1}", content = Scenario.Reviews[i % Scenario.Reviews.Length] })
                .Concat(praise.Select((text, i) => (object)new { id = $"check-{i + 1}", content = text, gold = "positive" })).ToArray(),
        }, items: 16, unitPrice: 0.50m);

        HttpResponseMessage response;
        while ((response = await spammer.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}")).StatusCode == HttpStatusCode.OK)
        {
            var id = (await Api.ReadAsync(response, HttpStatusCode.OK)).GetProperty("assignmentId").GetGuid();
            await Api.ReadAsync(await spammer.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "negative" }), HttpStatusCode.OK);
        }
        var refused = await Api.ReadAsync(response, HttpStatusCode.Forbidden);
        Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("claims.suspended"));

        var suspended = (await ArrivesAsync(spammer, "worker.suspended")).GetProperty("params");
        Assert.That(suspended.GetProperty("orderId").GetGuid(), Is.EqualTo(orderId));
        Assert.That(suspended.GetProperty("goldAnswered").GetInt32(), Is.EqualTo(3));
        Assert.That(suspended.GetProperty("goldCorrect").GetInt32(), Is.Zero);
        Assert.That(suspended.GetProperty("requiredAccuracy").GetDecimal(), Is.EqualTo(0.8m));
        Assert.That(suspended.GetProperty("suspendedUntil").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow.AddHours(23)));
        Assert.That(await NotificationsAsync(spammer, "worker.suspended"), Has.Count.EqualTo(1), "told once");
        Assert.That(await NotificationsAsync(enterprise), Is.Empty);
    }

    /// <summary>A worker with <paramref name="count"/> rejections announced straight on the broker (the gateway trusts the event).</summary>
    private async Task<(Actor Worker, List<Guid> MessageIds)> RejectedManyTimesAsync(int count)
    {
        var worker = await Api.SignUpAsync("worker", verified: false);
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var messageId = NewId.NextGuid();
            ids.Add(messageId);
            await _bus.Publish(new AssignmentRejected(Guid.NewGuid(), Guid.NewGuid(), worker.UserId, "other", $"#{i}",
                DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow), ctx => ctx.MessageId = messageId);
        }
        await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/notifications/unread-count")).GetProperty("unread").GetInt64() == count,
            $"{count} notifications arrived");
        return (worker, ids);
    }

    [Test]
    public async Task The_list_is_paged_newest_first_and_its_bounds_are_refused_with_the_field_named()
    {
        var (worker, _) = await RejectedManyTimesAsync(25);

        var seen = new List<JsonElement>();
        for (var page = 1; page <= 3; page++)
        {
            var answer = await worker.GetAsync($"/api/notifications?page={page}&pageSize=10");
            Assert.That(answer.GetProperty("total").GetInt64(), Is.EqualTo(25));
            Assert.That(answer.GetProperty("unread").GetInt64(), Is.EqualTo(25));
            Assert.That(answer.GetProperty("page").GetInt32(), Is.EqualTo(page));
            Assert.That(answer.GetProperty("pageSize").GetInt32(), Is.EqualTo(10));
            seen.AddRange(answer.GetProperty("items").EnumerateArray());
        }
        Assert.That(seen, Has.Count.EqualTo(25));
        Assert.That(seen.Select(n => n.GetProperty("id").GetGuid()).Distinct().Count(), Is.EqualTo(25), "no row on two pages");
        var created = seen.Select(n => n.GetProperty("createdAt").GetDateTimeOffset()).ToList();
        Assert.That(created, Is.Ordered.Descending, "newest first");
        Assert.That((await worker.GetAsync("/api/notifications?page=4&pageSize=10")).GetProperty("items").GetArrayLength(), Is.Zero);
        Assert.That((await worker.GetAsync("/api/notifications")).GetProperty("items").GetArrayLength(), Is.EqualTo(20), "20 by default");

        foreach (var (query, field) in new[] { ("pageSize=0", "pageSize"), ("pageSize=101", "pageSize"), ("page=0", "page"), ("page=-1", "page") })
        {
            var problem = await Api.ReadAsync(await worker.Http.GetAsync($"/api/notifications?{query}"), HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("validation.out_of_range"));
        }
        var notANumber = await Api.ReadAsync(await worker.Http.GetAsync("/api/notifications?page=first"), HttpStatusCode.BadRequest);
        Assert.That(notANumber.GetProperty("code").GetString(), Is.EqualTo("request.malformed"));
        var badTime = await Api.ReadAsync(await worker.PostAsync("/api/notifications/read-all?before=yesterday"), HttpStatusCode.BadRequest);
        Assert.That(badTime.GetProperty("errors").TryGetProperty("before", out _), Is.True);
        Assert.That((await worker.GetAsync("/api/notifications/unread-count")).GetProperty("unread").GetInt64(), Is.EqualTo(25), "nothing was marked");
    }

    [Test]
    public async Task One_and_all_are_marked_read_by_their_owner_only()
    {
        var (owner, _) = await RejectedManyTimesAsync(3);
        var other = await Api.SignUpAsync("worker", verified: false);
        var op = await Api.OperatorAsync();
        var items = await NotificationsAsync(owner);
        var first = items[0].GetProperty("id").GetGuid();

        // Another user, even an operator, cannot mark it or see it: for them it does not exist.
        foreach (var stranger in new[] { other, op })
        {
            var refused = await Api.ReadAsync(await stranger.PostAsync($"/api/notifications/{first}/read"), HttpStatusCode.NotFound);
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("notification.not_found"));
            Assert.That((await NotificationsAsync(stranger)).Select(n => n.GetProperty("id").GetGuid()), Does.Not.Contain(first));
            var all = await Api.ReadAsync(await stranger.PostAsync("/api/notifications/read-all"), HttpStatusCode.OK);
            Assert.That(all.GetProperty("unread").GetInt64(), Is.Zero);
        }
        Assert.That((await owner.GetAsync("/api/notifications/unread-count")).GetProperty("unread").GetInt64(), Is.EqualTo(3), "still unread");

        var read = await Api.ReadAsync(await owner.PostAsync($"/api/notifications/{first}/read"), HttpStatusCode.OK);
        var readAt = read.GetProperty("readAt").GetDateTimeOffset();
        var again = await Api.ReadAsync(await owner.PostAsync($"/api/notifications/{first}/read"), HttpStatusCode.OK);
        Assert.That(again.GetProperty("readAt").GetDateTimeOffset(), Is.EqualTo(readAt), "read once, at the first time");
        Assert.That((await owner.GetAsync("/api/notifications/unread-count")).GetProperty("unread").GetInt64(), Is.EqualTo(2));
        var unreadOnly = await owner.GetAsync("/api/notifications?unreadOnly=true");
        Assert.That(unreadOnly.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetGuid()), Does.Not.Contain(first));
        Assert.That(unreadOnly.GetProperty("total").GetInt64(), Is.EqualTo(2));

        // "Everything up to the one I saw": the oldest is marked, the one after it stays unread.
        var before = items[2].GetProperty("createdAt").GetDateTimeOffset();
        var someSeen = await Api.ReadAsync(await owner.PostAsync($"/api/notifications/read-all?before={Uri.EscapeDataString(before.ToString("O"))}"), HttpStatusCode.OK);
        Assert.That(someSeen.GetProperty("unread").GetInt64(), Is.EqualTo(1));
        var all2 = await Api.ReadAsync(await owner.PostAsync("/api/notifications/read-all"), HttpStatusCode.OK);
        Assert.That(all2.GetProperty("marked").GetInt64(), Is.EqualTo(1));
        Assert.That(all2.GetProperty("unread").GetInt64(), Is.Zero);
        Assert.That((await Api.Anonymous().GetAsync("/api/notifications")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_duplicated_event_notifies_once()
    {
        var worker = await Api.SignUpAsync("worker", verified: false);
        var messageId = NewId.NextGuid();
        var rejected = new AssignmentRejected(Guid.NewGuid(), Guid.NewGuid(), worker.UserId, "spam", "Twice", DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow);
        for (var i = 0; i < 2; i++) await _bus.Publish(rejected, ctx => ctx.MessageId = messageId);

        await ArrivesAsync(worker, "submission.rejected");
        await Jobs.DuplicateSkippedAsync("gateway", messageId);
        Assert.That(await NotificationsAsync(worker), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task An_event_for_someone_without_an_account_is_dropped_not_retried()
    {
        var messageId = NewId.NextGuid();
        await _bus.Publish(new AppealDecided(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "denied", null, DateTimeOffset.UtcNow),
            ctx => ctx.MessageId = messageId);
        await Jobs.ConsumedAsync("gateway", messageId);
        var op = await Api.OperatorAsync();
        var dead = await op.GetAsync("/ops/dead-letters");
        Assert.That(dead.ToString(), Does.Not.Contain(messageId.ToString()), "nothing in the gateway's error queues");
    }
}

/// <summary>Payout notifications; apart because the fake bank's mode is one for the whole cluster.</summary>
[TestFixture, NonParallelizable]
public class NotificationPayoutTests
{
    [Test]
    public async Task A_declined_payout_and_a_sent_one_notify_the_worker_with_the_amount()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker");
        var colleague = await Api.SignUpAsync("worker");
        await Scenario.PayoutMethodAsync(worker);
        await Scenario.DepositAsync(enterprise, 5.00m);
        var orderId = await Scenario.PublishedOrderAsync(enterprise, items: 1, unitPrice: 1.00m);
        var id = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "negative" }), HttpStatusCode.OK);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        await Jobs.ReleaseEarningsAsync(worker, 0.90m);
        await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("available") == 0.90m, "the worker earned 0.90");

        async Task Batch(string mode)
        {
            await Api.ReadAsync(await Api.Send(op.Http, HttpMethod.Put, "/api/payouts/fake-bank/mode", new { mode }), HttpStatusCode.OK);
            await Api.ReadAsync(await op.PostAsync("/api/payouts/payout-batches", null, Guid.NewGuid().ToString()), HttpStatusCode.Accepted);
        }
        try
        {
            await Batch("decline");
            var failed = (await NotificationTests.ArrivesAsync(worker, "payout.failed")).GetProperty("params");
            Assert.That(failed.GetProperty("amount").GetDecimal(), Is.EqualTo(0.90m));
            Assert.That(failed.GetProperty("currency").GetString(), Is.EqualTo("CNY"));
            Assert.That(failed.GetProperty("reason").GetString(), Does.Contain("Declined"));
            var payouts = await worker.GetAsync("/api/payouts/payouts");
            Assert.That(payouts.EnumerateArray().Select(p => p.GetProperty("id").GetGuid()), Does.Contain(failed.GetProperty("payoutId").GetGuid()));

            await Batch("succeed");
            var sent = (await NotificationTests.ArrivesAsync(worker, "payout.sent")).GetProperty("params");
            Assert.That(sent.GetProperty("amount").GetDecimal(), Is.EqualTo(0.90m));
            Assert.That(sent.GetProperty("railReference").GetString(), Is.Not.Empty);
            Assert.That(sent.GetProperty("payoutId").GetGuid(), Is.Not.EqualTo(failed.GetProperty("payoutId").GetGuid()));
        }
        finally
        {
            await Api.ReadAsync(await Api.Send(op.Http, HttpMethod.Put, "/api/payouts/fake-bank/mode", new { mode = "succeed" }), HttpStatusCode.OK);
        }
        Assert.That(await NotificationTests.NotificationsAsync(colleague), Is.Empty);
        Assert.That(await NotificationTests.NotificationsAsync(enterprise), Is.Empty);
    }
}
