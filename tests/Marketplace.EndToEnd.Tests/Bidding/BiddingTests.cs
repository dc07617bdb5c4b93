using System.Net;
using System.Text.Json;
using Marketplace.Contracts.Bidding;
using Marketplace.Contracts.Orders;
using static Marketplace.EndToEnd.Tests.Bidding.Tender;

namespace Marketplace.EndToEnd.Tests.Bidding;

/// <summary>Calls for bids, sealed bids, evaluation and award, through bidding's HTTP API and its messages.</summary>
[TestFixture]
public class BiddingTests
{
    [OneTimeSetUp]
    public Task StartObserving() => BusAsync();

    [Test]
    public async Task Sealed_bids_are_seen_by_no_other_vendor_and_by_the_enterprise_and_operators_only_after_the_deadline()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        var alpha = await VendorAsync();
        var beta = await VendorAsync();
        var call = await OpenAsync(enterprise);
        var alphaBid = await BidAsync(alpha, call, 60m);
        var betaBid = await BidAsync(beta, call, 40m);

        var mine = await alpha.GetAsync("/api/bidding/bids/mine?pageSize=100");
        Assert.That(mine.Ids(), Does.Contain(alphaBid).And.Not.Contain(betaBid));
        Assert.That((await alpha.Http.GetAsync($"/api/bidding/bids/{betaBid}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await alpha.Http.GetAsync($"/api/bidding/bids/{betaBid}/revisions")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await alpha.Http.GetAsync($"/api/bidding/calls/{call.Id}/bids")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var seenByVendor = await alpha.GetAsync($"/api/bidding/calls/{call.Id}");
        Assert.That(seenByVendor.GetProperty("bids").ValueKind, Is.EqualTo(JsonValueKind.Null), "a vendor learns nothing of other bids");
        Assert.That(seenByVendor.GetProperty("terms").ValueKind, Is.EqualTo(JsonValueKind.Null), "nor who else was invited");

        var seenByEnterprise = await enterprise.GetAsync($"/api/bidding/calls/{call.Id}");
        Assert.That(seenByEnterprise.GetProperty("bids").GetInt32(), Is.EqualTo(2), "before the deadline: the count only");
        Assert.That(seenByEnterprise.GetProperty("sealed").GetBoolean(), Is.True);
        foreach (var reader in new[] { enterprise, op })
        {
            await Api.ReadAsync(await reader.Http.GetAsync($"/api/bidding/calls/{call.Id}/bids"), HttpStatusCode.Conflict);
            await Api.ReadAsync(await reader.Http.GetAsync($"/api/bidding/bids/{alphaBid}/revisions"), HttpStatusCode.Conflict);
        }

        await PassDeadlineAsync(call);
        foreach (var reader in new[] { enterprise, op })
        {
            var ranked = await reader.GetAsync($"/api/bidding/calls/{call.Id}/bids");
            Assert.That(ranked.GetProperty("total").GetInt64(), Is.EqualTo(2));
            var top = ranked.GetProperty("items")[0];
            Assert.That(top.GetProperty("bidId").GetGuid(), Is.EqualTo(betaBid), "the cheaper bid ranks first");
            Assert.That(top.GetProperty("rank").GetInt32(), Is.EqualTo(1));
            Assert.That(top.GetProperty("priceScore").GetDecimal(), Is.EqualTo(1m));
            Assert.That(top.GetProperty("record").GetProperty("onTimeScore").GetDecimal(), Is.EqualTo(0.8m), "no record: the neutral prior");
            Assert.That(ranked.GetProperty("items")[1].GetProperty("priceScore").GetDecimal(), Is.EqualTo(0.6667m));
            var revisions = await reader.GetAsync($"/api/bidding/bids/{alphaBid}/revisions");
            Assert.That(revisions.GetProperty("items")[0].GetProperty("action").GetString(), Is.EqualTo("placed"));
        }
        Assert.That((await alpha.Http.GetAsync($"/api/bidding/calls/{call.Id}/bids")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "never a vendor");
        Assert.That((await alpha.Http.GetAsync($"/api/bidding/bids/{betaBid}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        await Api.EventuallyAsync(() => Task.FromResult(Closed.Any(c => c.CallId == call.Id && c.Bids == 2)), "CallForBidsClosed with 2 bids is published");
    }

    [Test]
    public async Task A_vendor_revises_and_withdraws_its_bid_before_the_deadline_and_every_version_is_kept_but_after_it_bids_are_frozen()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var vendor = await VendorAsync();
        var late = await VendorAsync();
        var call = await OpenAsync(enterprise, items: 10, budget: 100m);
        var bid = await BidAsync(vendor, call, 80m);
        await Api.ReadAsync(await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids", BidBody(70m)), HttpStatusCode.Conflict);

        var revised = await Api.ReadAsync(await Api.Send(vendor.Http, HttpMethod.Put, $"/api/bidding/bids/{bid}",
            BidBody(7.5m, priceKind: "per_item", deliverInDays: 8)), HttpStatusCode.OK);
        Assert.That(revised.GetProperty("priceKind").GetString(), Is.EqualTo("per_item"));
        Assert.That(revised.GetProperty("amount").GetDecimal(), Is.EqualTo(7.5m));
        Assert.That(revised.GetProperty("price").GetDecimal(), Is.EqualTo(75m), "per item x 10 items");
        Assert.That(revised.GetProperty("revision").GetInt32(), Is.EqualTo(2));

        var withdrawn = await Api.ReadAsync(await Api.Send(vendor.Http, HttpMethod.Delete, $"/api/bidding/bids/{bid}"), HttpStatusCode.OK);
        Assert.That(withdrawn.GetProperty("status").GetString(), Is.EqualTo("withdrawn"));
        await Api.ReadAsync(await Api.Send(vendor.Http, HttpMethod.Put, $"/api/bidding/bids/{bid}", BidBody(60m)), HttpStatusCode.Conflict);
        var history = await vendor.GetAsync($"/api/bidding/bids/{bid}/revisions");
        Assert.That(history.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("action").GetString()),
            Is.EqualTo(new[] { "placed", "revised", "withdrawn" }));
        Assert.That(history.GetProperty("items")[0].GetProperty("price").GetDecimal(), Is.EqualTo(80m), "the first version as it was");

        var again = await BidAsync(vendor, call, 65m);
        await PassDeadlineAsync(call);
        await Api.ReadAsync(await late.PostAsync($"/api/bidding/calls/{call.Id}/bids", BidBody(10m)), HttpStatusCode.Conflict);
        await Api.ReadAsync(await Api.Send(vendor.Http, HttpMethod.Put, $"/api/bidding/bids/{again}", BidBody(10m)), HttpStatusCode.Conflict);
        await Api.ReadAsync(await Api.Send(vendor.Http, HttpMethod.Delete, $"/api/bidding/bids/{again}"), HttpStatusCode.Conflict);
        var standing = await vendor.GetAsync($"/api/bidding/bids/{again}");
        Assert.That(standing.GetProperty("price").GetDecimal(), Is.EqualTo(65m));
        Assert.That(standing.GetProperty("status").GetString(), Is.EqualTo("live"));
        Assert.That(await StatusAsync(call), Is.EqualTo("closed"));
    }

    [Test]
    public async Task A_bid_over_the_budget_or_delivered_after_the_order_deadline_or_malformed_is_refused_and_changes_nothing()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var vendor = await VendorAsync();
        var call = await OpenAsync(enterprise, items: 10, budget: 100m, orderDeadline: DateTimeOffset.UtcNow.AddDays(20));
        var over = await Api.ReadAsync(await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids", BidBody(10.01m, priceKind: "per_item")),
            HttpStatusCode.UnprocessableEntity);
        Assert.That(over.GetProperty("errors").TryGetProperty("amount", out _), Is.True, over.ToString());
        var late = await Api.ReadAsync(await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids", BidBody(50m, deliverInDays: 21)), HttpStatusCode.BadRequest);
        Assert.That(late.GetProperty("errors").TryGetProperty("deliverBy", out _), Is.True, late.ToString());
        var empty = await Api.ReadAsync(await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids", new { }), HttpStatusCode.BadRequest);
        foreach (var field in new[] { "priceKind", "amount", "deliverBy", "teamSize", "proposal" })
            Assert.That(empty.GetProperty("errors").TryGetProperty(field, out _), Is.True, $"{field} in {empty}");
        var bad = await Api.ReadAsync(await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids",
            new { priceKind = "hourly", amount = 1.00001m, deliverBy = DateTimeOffset.UtcNow.AddDays(2), teamSize = 0, proposal = new string('x', 10_001) }),
            HttpStatusCode.BadRequest);
        foreach (var field in new[] { "priceKind", "amount", "teamSize", "proposal" })
            Assert.That(bad.GetProperty("errors").TryGetProperty(field, out _), Is.True, $"{field} in {bad}");
        await Api.ReadAsync(await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids", "{\"amount\": \"lots\"}"), HttpStatusCode.BadRequest);
        Assert.That((await vendor.GetAsync("/api/bidding/bids/mine")).GetProperty("total").GetInt64(), Is.Zero, "nothing was placed");
        var exact = await Api.ReadAsync(await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids", BidBody(10m, priceKind: "per_item")), HttpStatusCode.Created);
        Assert.That(exact.GetProperty("price").GetDecimal(), Is.EqualTo(100m), "the budget itself is allowed");
    }

    [Test]
    public async Task Only_vendors_certified_for_the_grade_with_a_covering_listing_see_a_call_and_an_invited_vendor_still_needs_the_grade_to_bid()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var uncertified = await VendorAsync();
        var important = await VendorAsync("important");
        var otherIndustry = await VendorAsync("core", industry: "medical");
        var invitedUncertified = await VendorAsync(listing: false);
        var general = await OpenAsync(enterprise, "general");
        var importantCall = await OpenAsync(enterprise, "important");
        var coreCall = await OpenAsync(enterprise, "core", invited: [invitedUncertified.OrgId]);

        async Task<Guid[]> Feed(Actor vendor) => (await vendor.GetAsync($"/api/bidding/calls?industry={Industry}&pageSize=100&sort=newest")).Ids();
        Assert.That(await Feed(uncertified), Does.Contain(general.Id).And.Not.Contain(importantCall.Id).And.Not.Contain(coreCall.Id));
        Assert.That(await Feed(important), Does.Contain(general.Id).And.Contain(importantCall.Id).And.Not.Contain(coreCall.Id));
        Assert.That((await otherIndustry.GetAsync("/api/bidding/calls?pageSize=100")).Ids(), Does.Not.Contain(general.Id).And.Not.Contain(coreCall.Id),
            "its listings cover another industry");
        Assert.That(await Feed(invitedUncertified), Does.Contain(coreCall.Id).And.Not.Contain(general.Id), "invited: sees it without a listing");

        foreach (var hidden in new[] { importantCall, coreCall })
        {
            Assert.That((await uncertified.Http.GetAsync($"/api/bidding/calls/{hidden.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await uncertified.PostAsync($"/api/bidding/calls/{hidden.Id}/bids", BidBody())).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
        Assert.That((await important.PostAsync($"/api/bidding/calls/{coreCall.Id}/bids", BidBody())).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var invitedView = await invitedUncertified.GetAsync($"/api/bidding/calls/{coreCall.Id}");
        Assert.That(invitedView.GetProperty("invited").GetBoolean(), Is.True);
        var refused = await Api.ReadAsync(await invitedUncertified.PostAsync($"/api/bidding/calls/{coreCall.Id}/bids", BidBody()), HttpStatusCode.Forbidden);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("core"));
        await BidAsync(important, importantCall);
        await BidAsync(uncertified, general);
    }

    [Test]
    public async Task Two_bidding_instances_and_two_awards_racing_as_the_deadline_passes_award_exactly_once()
    {
        var op = await Api.OperatorAsync();
        var enterprise = await Api.SignUpAsync("enterprise");
        var alpha = await VendorAsync();
        var beta = await VendorAsync();
        var call = await OpenAsync(enterprise);
        var alphaBid = await BidAsync(alpha, call, 50m);
        var betaBid = await BidAsync(beta, call, 60m);
        // The deadline passes for real, two seconds from now; then both instances' sweeps and two awards race for it.
        await ExecuteAsync("UPDATE calls SET bid_deadline = now() + interval '2 seconds' WHERE id = @Id", new { call.Id });
        await Api.EventuallyAsync(async () => (await enterprise.GetAsync($"/api/bidding/calls/{call.Id}")).GetProperty("sealed").GetBoolean() == false,
            "the deadline passed");
        var instances = Cluster.Instances("bidding");
        Assert.That(instances, Has.Count.EqualTo(2));
        var racers = instances.Select(i => op.Http.PostAsync(new Uri(i, "/ops/jobs/recurring/close-due-calls/trigger"), null))
            .Concat([
                enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId = alphaBid }),
                enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId = betaBid, reason = "Faster team we know." }),
            ]).ToList();
        var answers = await Task.WhenAll(racers);
        Assert.That(answers.Take(2).Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.Accepted));
        var awards = answers.Skip(2).Select(a => a.StatusCode).ToList();
        Assert.That(awards, Is.EquivalentTo(new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }), "one award wins, the other is refused");

        await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId = alphaBid }), HttpStatusCode.Conflict);
        await Jobs.RunNowAsync("bidding", "close-due-calls");
        Assert.That(await OutboxCountAsync<BidAwarded>(call.OrderId), Is.EqualTo(1), "BidAwarded once");
        Assert.That(await OutboxCountAsync<CallForBidsClosed>(call.OrderId), Is.EqualTo(1), "CallForBidsClosed once");
        var contracts = await enterprise.GetAsync("/api/bidding/contracts?pageSize=100");
        Assert.That(contracts.GetProperty("items").EnumerateArray().Count(c => c.GetProperty("callId").GetGuid() == call.Id), Is.EqualTo(1));
        await Api.EventuallyAsync(() => Task.FromResult(Awarded.Count(a => a.CallId == call.Id) == 1), "BidAwarded reached the broker");
        var statuses = new[] { (alpha, alphaBid), (beta, betaBid) }.Select(x => x.Item1.GetAsync($"/api/bidding/bids/{x.Item2}").Result
            .GetProperty("status").GetString()).ToList();
        Assert.That(statuses, Is.EquivalentTo(new[] { "won", "lost" }));
        Assert.That(await StatusAsync(call), Is.EqualTo("awarded"));
    }

    [Test]
    public async Task An_auto_award_order_awards_the_top_ranked_bid_at_the_deadline_and_makes_the_contract()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var cheap = await VendorAsync();
        var dear = await VendorAsync();
        var call = await OpenAsync(enterprise, autoAward: true, items: 10, budget: 100m);
        var cheapBid = await BidAsync(cheap, call, 40m);
        var dearBid = await BidAsync(dear, call, 90m);
        await PassDeadlineAsync(call);

        Assert.That(await StatusAsync(call), Is.EqualTo("awarded"));
        await Api.EventuallyAsync(() => Task.FromResult(Awarded.Any(a => a.CallId == call.Id)), "BidAwarded is published");
        var awarded = Awarded.Single(a => a.CallId == call.Id);
        Assert.That(awarded.Automatic, Is.True);
        Assert.That(awarded.BidId, Is.EqualTo(cheapBid));
        Assert.That(awarded.VendorOrgId, Is.EqualTo(cheap.OrgId));
        Assert.That(awarded.Price, Is.EqualTo(40m));
        var contract = await cheap.GetAsync($"/api/bidding/contracts/{awarded.ContractId}");
        Assert.That(contract.GetProperty("price").GetDecimal(), Is.EqualTo(40m));
        Assert.That(contract.GetProperty("latePenaltyPercentPerDay").GetDecimal(), Is.EqualTo(2m));
        Assert.That(contract.GetProperty("maxPenaltyPercent").GetDecimal(), Is.EqualTo(10m));
        Assert.That(contract.GetProperty("sampleSize").GetInt32(), Is.EqualTo(5));
        Assert.That(contract.GetProperty("passThreshold").GetDecimal(), Is.EqualTo(0.9m));
        Assert.That(contract.GetProperty("automatic").GetBoolean(), Is.True);
        Assert.That((await cheap.GetAsync("/api/bidding/contracts")).Ids(), Does.Contain(awarded.ContractId));
        Assert.That((await dear.Http.GetAsync($"/api/bidding/contracts/{awarded.ContractId}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var lost = await dear.GetAsync("/api/bidding/bids/mine?status=lost");
        Assert.That(lost.Ids(), Is.EqualTo(new[] { dearBid }));
        await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId = cheapBid }), HttpStatusCode.Conflict);
    }

    [Test]
    public async Task A_call_without_bids_closes_as_no_bids_then_an_extension_reopens_it_and_a_withdrawal_voids_its_bids()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var vendor = await VendorAsync();
        var call = await OpenAsync(enterprise, autoAward: true);
        await PassDeadlineAsync(call);
        Assert.That(await StatusAsync(call), Is.EqualTo("no_bids"));
        await Api.EventuallyAsync(() => Task.FromResult(Closed.Any(c => c.CallId == call.Id && c.Bids == 0)), "CallForBidsClosed with no bids");
        Assert.That(await OutboxCountAsync<BidAwarded>(call.OrderId), Is.Zero);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId = Guid.NewGuid() }), HttpStatusCode.Conflict);
        await Api.ReadAsync(await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids", BidBody()), HttpStatusCode.Conflict); // closed: frozen

        var extended = await PublishAsync(new ExtendCallForBids(call.OrderId, 1, DateTimeOffset.UtcNow.AddHours(2), DateTimeOffset.UtcNow));
        await Jobs.ConsumedAsync("bidding", extended);
        Assert.That(await StatusAsync(call), Is.EqualTo("open"));
        var bid = await BidAsync(vendor, call);

        var withdrawn = await PublishAsync(new WithdrawCallForBids(call.OrderId, 1, "switched to crowd mode", DateTimeOffset.UtcNow));
        await Jobs.ConsumedAsync("bidding", withdrawn);
        Assert.That(await StatusAsync(call), Is.EqualTo("withdrawn"));
        Assert.That((await vendor.GetAsync($"/api/bidding/bids/{bid}")).GetProperty("status").GetString(), Is.EqualTo("void"));
        Assert.That((await vendor.GetAsync("/api/bidding/calls?pageSize=100")).Ids(), Does.Not.Contain(call.Id));
    }

    [Test]
    public async Task A_duplicated_OpenCallForBids_opens_one_call()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var orderId = Guid.NewGuid();
        var deadline = DateTimeOffset.UtcNow.AddHours(1);
        var message = new OpenCallForBids(orderId, enterprise.OrgId, "Twice", "Label.", new OrderTerms
        {
            Mode = "bid", TaskType = TaskType, Industry = Industry, Deadline = DateTimeOffset.UtcNow.AddDays(9), Tender = new TenderTerms { BidDeadline = deadline },
        }, 3, 30m, deadline, 1, DateTimeOffset.UtcNow);
        var id = Guid.NewGuid();
        await PublishAsync(message, id);
        await PublishAsync(message, id);
        await PublishAsync(message); // another copy under a new id: one call per order and round all the same
        await Jobs.DuplicateSkippedAsync("bidding", id);
        var calls = await enterprise.GetAsync("/api/bidding/calls?pageSize=100");
        Assert.That(calls.GetProperty("items").EnumerateArray().Count(c => c.GetProperty("orderId").GetGuid() == orderId), Is.EqualTo(1));
    }

    [Test]
    public async Task The_enterprise_awards_another_bid_than_the_top_only_with_a_reason()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var top = await VendorAsync();
        var other = await VendorAsync();
        var call = await OpenAsync(enterprise);
        await BidAsync(top, call, 30m);
        var otherBid = await BidAsync(other, call, 80m);
        await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId = otherBid }), HttpStatusCode.Conflict);
        await PassDeadlineAsync(call);
        var noReason = await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId = otherBid, reason = " " }),
            HttpStatusCode.BadRequest);
        Assert.That(noReason.GetProperty("errors").TryGetProperty("reason", out _), Is.True);
        var contract = await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award",
            new { bidId = otherBid, reason = "Their medical-domain reviewers." }), HttpStatusCode.OK);
        Assert.That(contract.GetProperty("vendorOrgId").GetGuid(), Is.EqualTo(other.OrgId));
        Assert.That(contract.GetProperty("reason").GetString(), Is.EqualTo("Their medical-domain reviewers."));
        Assert.That(contract.GetProperty("automatic").GetBoolean(), Is.False);
        await Api.EventuallyAsync(() => Task.FromResult(Awarded.Any(a => a.CallId == call.Id && a.Reason == "Their medical-domain reviewers.")),
            "BidAwarded carries the reason");
    }

    [Test]
    public async Task Every_endpoint_names_bad_input_and_answers_404_for_another_organisations_ids()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var rivalEnterprise = await Api.SignUpAsync("enterprise");
        var vendor = await VendorAsync();
        var rival = await VendorAsync();
        var call = await OpenAsync(enterprise, autoAward: true);
        var bid = await BidAsync(vendor, call);

        async Task Field(Actor actor, string path, string field)
        {
            var problem = await Api.ReadAsync(await actor.Http.GetAsync(path), HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, $"{path}: {problem}");
        }
        await Field(vendor, "/api/bidding/calls?sort=cheapest", "sort");
        await Field(vendor, "/api/bidding/calls?pageSize=1000", "pageSize");
        await Field(vendor, "/api/bidding/calls?page=0", "page");
        await Field(vendor, "/api/bidding/calls?taskType=poetry", "taskType");
        await Field(vendor, "/api/bidding/calls?status=closed", "status");
        await Field(enterprise, "/api/bidding/calls?status=done", "status");
        await Field(vendor, "/api/bidding/bids/mine?status=great", "status");
        await Field(vendor, "/api/bidding/bids/mine?pageSize=0", "pageSize");
        await Field(vendor, $"/api/bidding/bids/{bid}/revisions?page=0", "page");
        await Field(enterprise, $"/api/bidding/calls/{call.Id}/bids?pageSize=101", "pageSize");
        await Field(enterprise, "/api/bidding/contracts?status=signed", "status");
        await Api.ReadAsync(await vendor.Http.GetAsync("/api/bidding/calls?pageSize=x"), HttpStatusCode.BadRequest);
        var noBid = await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { }), HttpStatusCode.BadRequest);
        Assert.That(noBid.GetProperty("errors").TryGetProperty("bidId", out _), Is.True);

        async Task NotFound(Actor actor, HttpMethod method, string path, object? body = null) =>
            Assert.That((await Api.Send(actor.Http, method, path, body)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{method} {path}");
        await NotFound(vendor, HttpMethod.Get, $"/api/bidding/calls/{Guid.NewGuid()}");
        await NotFound(rivalEnterprise, HttpMethod.Get, $"/api/bidding/calls/{call.Id}");
        await NotFound(rivalEnterprise, HttpMethod.Get, $"/api/bidding/calls/{call.Id}/bids");
        await NotFound(rivalEnterprise, HttpMethod.Post, $"/api/bidding/calls/{call.Id}/award", new { bidId = bid });
        await NotFound(vendor, HttpMethod.Post, $"/api/bidding/calls/{Guid.NewGuid()}/bids", BidBody());
        await NotFound(rival, HttpMethod.Get, $"/api/bidding/bids/{bid}");
        await NotFound(rival, HttpMethod.Put, $"/api/bidding/bids/{bid}", BidBody());
        await NotFound(rival, HttpMethod.Delete, $"/api/bidding/bids/{bid}");
        await NotFound(rival, HttpMethod.Get, $"/api/bidding/bids/{bid}/revisions");
        await NotFound(rivalEnterprise, HttpMethod.Get, $"/api/bidding/bids/{bid}/revisions");
        await NotFound(enterprise, HttpMethod.Get, $"/api/bidding/vendors/{Guid.NewGuid()}/record");
        Assert.That(rivalEnterprise.GetAsync("/api/bidding/calls?pageSize=100").Result.Ids(), Does.Not.Contain(call.Id));

        await PassDeadlineAsync(call);
        var contractId = (await vendor.GetAsync("/api/bidding/contracts")).Ids().Single();
        await NotFound(rival, HttpMethod.Get, $"/api/bidding/contracts/{contractId}");
        await NotFound(rivalEnterprise, HttpMethod.Get, $"/api/bidding/contracts/{contractId}");
        await NotFound(enterprise, HttpMethod.Post, $"/api/bidding/calls/{Guid.NewGuid()}/award", new { bidId = bid });
        Assert.That((await rival.GetAsync("/api/bidding/contracts")).GetProperty("total").GetInt64(), Is.Zero);
        Assert.That((await enterprise.GetAsync($"/api/bidding/contracts/{contractId}")).GetProperty("callId").GetGuid(), Is.EqualTo(call.Id));
    }

    [Test]
    public async Task A_vendors_track_record_changes_after_its_contract_is_delivered_on_time_and_accepted()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var vendor = await VendorAsync();
        var other = await VendorAsync();
        async Task<JsonElement> Record() => await other.GetAsync($"/api/bidding/vendors/{vendor.OrgId}/record");
        var before = await Record();
        Assert.That(before.GetProperty("contracts").GetInt32(), Is.Zero);
        Assert.That(before.GetProperty("onTimeRate").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(before.GetProperty("passScore").GetDecimal(), Is.EqualTo(0.8m));

        var call = await OpenAsync(enterprise, autoAward: true);
        await BidAsync(vendor, call, 50m, deliverInDays: 5);
        await PassDeadlineAsync(call);
        Assert.That((await Record()).GetProperty("contracts").GetInt32(), Is.EqualTo(1));

        var delivered = await PublishAsync(new OrderDelivered(call.OrderId, 1, DateTimeOffset.UtcNow));
        await Jobs.ConsumedAsync("bidding", delivered);
        var afterDelivery = await Record();
        Assert.That(afterDelivery.GetProperty("delivered").GetInt32(), Is.EqualTo(1));
        Assert.That(afterDelivery.GetProperty("onTimeRate").GetDecimal(), Is.EqualTo(1m));
        Assert.That(afterDelivery.GetProperty("onTimeScore").GetDecimal(), Is.EqualTo(0.8667m), "(1 + 2 x 0.8) / 3");

        // OrderAccepted straight to bidding's queue: settlement would try to release an escrow this test never funded.
        var accepted = await SendToBiddingAsync("order-accepted", new OrderAccepted(call.OrderId, enterprise.OrgId, 10, "CNY", DateTimeOffset.UtcNow));
        await Jobs.ConsumedAsync("bidding", accepted);
        var afterAcceptance = await enterprise.GetAsync($"/api/bidding/vendors/{vendor.OrgId}/record");
        Assert.That(afterAcceptance.GetProperty("accepted").GetInt32(), Is.EqualTo(1));
        Assert.That(afterAcceptance.GetProperty("passRate").GetDecimal(), Is.EqualTo(1m));
        var contract = (await vendor.GetAsync("/api/bidding/contracts")).GetProperty("items")[0];
        Assert.That(contract.GetProperty("status").GetString(), Is.EqualTo("accepted"));
    }
}
