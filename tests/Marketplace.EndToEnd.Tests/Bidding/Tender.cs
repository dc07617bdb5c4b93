using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Dapper;
using MassTransit;
using Marketplace.Contracts.Bidding;
using Marketplace.Contracts.Orders;
using Npgsql;

namespace Marketplace.EndToEnd.Tests.Bidding;

/// <summary>
/// Drives bidding the way orders will: its commands (OpenCallForBids, ExtendCallForBids, WithdrawCallForBids) and the
/// facts of delivery go straight onto RabbitMQ, and what bidding publishes (CallForBidsClosed, BidAwarded) is heard on a
/// queue of the test's own. Vendors are qualified through orders' real supermarket (certification, operator review,
/// listing), which tells bidding.
/// </summary>
public static class Tender
{
    public const string TaskType = "text-classification";
    public const string Industry = "finance";

    private static readonly Lazy<Task<IBusControl>> BusInstance = new(StartBusAsync);
    public static readonly ConcurrentBag<CallForBidsClosed> Closed = [];
    public static readonly ConcurrentBag<BidAwarded> Awarded = [];

    private static async Task<IBusControl> StartBusAsync()
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(Environment.GetEnvironmentVariable("RabbitMq__Host") ?? "127.0.0.1",
                ushort.Parse(Environment.GetEnvironmentVariable("RabbitMq__Port") ?? "61672"), "/", h =>
                {
                    h.Username(Environment.GetEnvironmentVariable("RabbitMq__Username") ?? "test");
                    h.Password(Environment.GetEnvironmentVariable("RabbitMq__Password") ?? "test");
                });
            cfg.ReceiveEndpoint($"e2e-bidding-observer-{Cluster.RunId}", e =>
            {
                e.AutoDelete = true;
                e.Durable = false;
                e.Handler<CallForBidsClosed>(ctx => { Closed.Add(ctx.Message); return Task.CompletedTask; });
                e.Handler<BidAwarded>(ctx => { Awarded.Add(ctx.Message); return Task.CompletedTask; });
            });
        });
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        return bus;
    }

    public static Task<IBusControl> BusAsync() => BusInstance.Value;

    public static async Task<Guid> PublishAsync<T>(T message, Guid? messageId = null) where T : class
    {
        var id = messageId ?? NewId.NextGuid();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await (await BusAsync()).Publish(message, ctx => ctx.MessageId = id, timeout.Token);
        return id;
    }

    /// <summary>
    /// Straight to bidding's own receive endpoint (a fact other services also consume, for an order only bidding knows).
    /// Through the endpoint's exchange: sending to "queue:" would declare the quorum queue again as a classic one, which
    /// the broker refuses.
    /// </summary>
    public static async Task<Guid> SendToBiddingAsync<T>(string endpointName, T message) where T : class
    {
        var id = NewId.NextGuid();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var endpoint = await (await BusAsync()).GetSendEndpoint(new Uri($"exchange:bidding-{endpointName}"));
        await endpoint.Send(message, ctx => ctx.MessageId = id, timeout.Token);
        return id;
    }

    public sealed record Call(Guid Id, Guid OrderId, Actor Enterprise);

    /// <summary>Opens a call (as orders would) and waits until its enterprise sees it.</summary>
    public static async Task<Call> OpenAsync(Actor enterprise, string grade = "general", decimal budget = 100m, int items = 10,
        bool autoAward = false, Guid[]? invited = null, TimeSpan? bidsFor = null, string industry = Industry, DateTimeOffset? orderDeadline = null)
    {
        var orderId = Guid.NewGuid();
        var deadline = DateTimeOffset.UtcNow + (bidsFor ?? TimeSpan.FromHours(1));
        var terms = new OrderTerms
        {
            Mode = "bid", TaskType = TaskType, Labels = ["positive", "negative"], Currency = "CNY", DataGrade = grade, Industry = industry,
            Deadline = orderDeadline ?? DateTimeOffset.UtcNow.AddDays(30), SampleSize = 5, PassThreshold = 0.9m,
            Tender = new TenderTerms { BidDeadline = deadline, AutoAward = autoAward, InvitedVendorOrgIds = invited ?? [], LatePenaltyPercentPerDay = 2m, MaxPenaltyPercent = 10m },
        };
        await PublishAsync(new OpenCallForBids(orderId, enterprise.OrgId, $"Tender {orderId:N}"[..20], "Label each review's sentiment.", terms,
            items, budget, deadline, 1, DateTimeOffset.UtcNow));
        return new Call(await CallIdAsync(enterprise, orderId), orderId, enterprise);
    }

    public static async Task<Guid> CallIdAsync(Actor enterprise, Guid orderId)
    {
        Guid? id = null;
        await Api.EventuallyAsync(async () =>
        {
            var page = await enterprise.GetAsync("/api/bidding/calls?sort=newest&pageSize=100");
            id = page.GetProperty("items").EnumerateArray().Where(c => c.GetProperty("orderId").GetGuid() == orderId)
                .Select(c => (Guid?)c.GetProperty("id").GetGuid()).FirstOrDefault();
            return id is not null;
        }, $"bidding opened a call for order {orderId}");
        return id!.Value;
    }

    /// <summary>A vendor whose listing covers the test's task type and industry, certified (by a real operator review) at <paramref name="grade"/>.</summary>
    public static async Task<Actor> VendorAsync(string? grade = null, string industry = Industry, bool listing = true)
    {
        var vendor = await Api.SignUpAsync("vendor");
        if (grade is not null && grade != "general")
        {
            var op = await Api.OperatorAsync();
            var cert = await Api.ReadAsync(await vendor.PostAsync("/api/orders/certifications",
                new { name = $"Data security {grade}", issuer = "E2E data labeling base", grade, validUntil = "2030-12-31" }), HttpStatusCode.Created);
            await Api.ReadAsync(await op.PostAsync($"/api/orders/certifications/{cert.GetProperty("id").GetGuid()}/review",
                new { decision = "approve", note = "Checked." }), HttpStatusCode.OK);
        }
        if (listing)
        {
            await Api.ReadAsync(await vendor.PostAsync("/api/orders/listings", new
            {
                // The id's random end: organisation ids are version 7, so their start is the time and two vendors made
                // in the same moment would share a name a page searches by.
                vendorName = $"Vendor {vendor.OrgId.ToString("N")[^8..]}", title = "Sentiment", description = "Double review.", taskTypes = new[] { TaskType },
                industries = new[] { industry }, languages = new[] { "zh-CN" }, capacityPerDay = 1000, priceMin = 0.1m, priceMax = 5m,
            }), HttpStatusCode.Created);
        }
        // Evidence that bidding holds the newest snapshot (listing and certificate), not a sleep. A vendor with neither
        // was never announced: bidding does not know it, as for any vendor that never used the supermarket.
        if (!listing && (grade is null or "general")) return vendor;
        await Api.EventuallyAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(Cluster.Database("bidding"));
            return await connection.ExecuteScalarAsync<bool>("""
                SELECT EXISTS (SELECT 1 FROM vendor_qualifications WHERE vendor_org_id = @OrgId
                    AND (NOT @listing OR cardinality(task_types) > 0) AND (@grade::text IS NULL OR @grade = 'general' OR certificates::text LIKE '%' || @grade || '%'))
                """, new { vendor.OrgId, listing, grade });
        }, $"bidding knows vendor {vendor.OrgId}'s qualifications");
        return vendor;
    }

    public static object BidBody(decimal amount = 50m, string priceKind = "total", int deliverInDays = 10, int teamSize = 5, string proposal = "Two annotators per item, one reviewer.") =>
        new { priceKind, amount, deliverBy = DateTimeOffset.UtcNow.AddDays(deliverInDays), teamSize, proposal };

    public static async Task<Guid> BidAsync(Actor vendor, Call call, decimal amount = 50m, int deliverInDays = 10) =>
        (await Api.ReadAsync(await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids", BidBody(amount, deliverInDays: deliverInDays)), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();

    /// <summary>The call's bid deadline is now in the past (deadlines are data), and the close sweep runs.</summary>
    public static async Task PassDeadlineAsync(Call call, bool runSweep = true)
    {
        await ExecuteAsync("UPDATE calls SET bid_deadline = now() - interval '1 second' WHERE id = @Id AND status = 'open'", new { call.Id });
        if (runSweep) await Jobs.RunNowAsync("bidding", "close-due-calls");
    }

    public static async Task<string> StatusAsync(Call call) =>
        (await call.Enterprise.GetAsync($"/api/bidding/calls/{call.Id}")).GetProperty("status").GetString()!;

    /// <summary>How many messages of a type bidding's outbox holds for the order (the only way bidding publishes).</summary>
    public static async Task<long> OutboxCountAsync<T>(Guid orderId)
    {
        await using var connection = new NpgsqlConnection(Cluster.Database("bidding"));
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE @type AND body->>'orderId' = @orderId",
            new { type = typeof(T).FullName + ",%", orderId = orderId.ToString() });
    }

    public static async Task ExecuteAsync(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(Cluster.Database("bidding"));
        await connection.ExecuteAsync(sql, parameters);
    }

    public static Guid[] Ids(this JsonElement page, string property = "id") =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(property).GetGuid()).ToArray();
}
