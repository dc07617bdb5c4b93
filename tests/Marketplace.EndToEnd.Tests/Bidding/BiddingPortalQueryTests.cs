using System.Net;
using static Marketplace.EndToEnd.Tests.Bidding.Tender;

namespace Marketplace.EndToEnd.Tests.Bidding;

/// <summary>
/// What the portal's tender pages ask bidding: an order's calls (the order page's tender panel), a vendor's bid on one call
/// (the call's page), and problems with codes the portal translates.
/// </summary>
[TestFixture]
public class BiddingPortalQueryTests
{
    [OneTimeSetUp]
    public Task StartObserving() => BusAsync();

    [Test]
    public async Task Calls_are_listed_by_order_and_bids_by_call_within_the_callers_organisation()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var other = await Api.SignUpAsync("enterprise");
        var vendor = await VendorAsync();
        var first = await OpenAsync(enterprise);
        var second = await OpenAsync(enterprise);
        var bidOnFirst = await BidAsync(vendor, first);
        var bidOnSecond = await BidAsync(vendor, second);

        var byOrder = await enterprise.GetAsync($"/api/bidding/calls?orderId={first.OrderId}");
        Assert.That(byOrder.Ids(), Is.EqualTo(new[] { first.Id }));
        Assert.That((await other.GetAsync($"/api/bidding/calls?orderId={first.OrderId}")).Ids(), Is.Empty, "another organisation's order has no calls for it");
        Assert.That((await vendor.GetAsync($"/api/bidding/calls?orderId={second.OrderId}")).Ids(), Is.EqualTo(new[] { second.Id }));

        Assert.That((await vendor.GetAsync($"/api/bidding/bids/mine?callId={first.Id}")).Ids(), Is.EqualTo(new[] { bidOnFirst }));
        Assert.That((await vendor.GetAsync($"/api/bidding/bids/mine?callId={second.Id}")).Ids(), Is.EqualTo(new[] { bidOnSecond }));
        var stranger = await VendorAsync();
        Assert.That((await stranger.GetAsync($"/api/bidding/bids/mine?callId={first.Id}")).Ids(), Is.Empty);

        foreach (var path in new[] { "/api/bidding/calls?orderId=not-a-guid", "/api/bidding/bids/mine?callId=42" })
        {
            var reader = path.Contains("mine") ? vendor : enterprise;
            var bad = await Api.ReadAsync(await reader.Http.GetAsync(path), HttpStatusCode.BadRequest);
            Assert.That(bad.GetProperty("code").GetString(), Is.EqualTo("request.malformed"), path);
        }
    }

    [Test]
    public async Task Bidding_problems_carry_codes_the_portal_translates()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var vendor = await VendorAsync();
        var second = await VendorAsync();
        var call = await OpenAsync(enterprise, budget: 100m, items: 10);

        var over = await Api.ReadAsync(await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids", BidBody(150m)), HttpStatusCode.UnprocessableEntity);
        Assert.That(over.GetProperty("code").GetString(), Is.EqualTo("bid.over_budget"));
        Assert.That(over.GetProperty("errorCodes").GetProperty("amount")[0].GetString(), Is.EqualTo("bid.over_budget"));
        var past = await Api.ReadAsync(await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids", BidBody(50m, deliverInDays: -1)), HttpStatusCode.BadRequest);
        Assert.That(past.GetProperty("errorCodes").GetProperty("deliverBy")[0].GetString(), Is.EqualTo("bid.deliver_by_past"));
        var late = await Api.ReadAsync(await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids", BidBody(50m, deliverInDays: 60)), HttpStatusCode.BadRequest);
        Assert.That(late.GetProperty("errorCodes").GetProperty("deliverBy")[0].GetString(), Is.EqualTo("bid.deliver_by_after_deadline"));

        var bid = await BidAsync(vendor, call, 40m);
        var again = await Api.ReadAsync(await vendor.PostAsync($"/api/bidding/calls/{call.Id}/bids", BidBody(45m)), HttpStatusCode.Conflict);
        Assert.That(again.GetProperty("code").GetString(), Is.EqualTo("bid.live_exists"));
        var sealedBids = await Api.ReadAsync(await enterprise.Http.GetAsync($"/api/bidding/calls/{call.Id}/bids"), HttpStatusCode.Conflict);
        Assert.That(sealedBids.GetProperty("code").GetString(), Is.EqualTo("bid.sealed"));
        var dearer = await BidAsync(second, call, 60m);

        await PassDeadlineAsync(call);
        var frozen = await Api.ReadAsync(await Api.Send(vendor.Http, HttpMethod.Put, $"/api/bidding/bids/{bid}", BidBody(30m)), HttpStatusCode.Conflict);
        Assert.That(frozen.GetProperty("code").GetString(), Is.EqualTo("bid.frozen"));
        var noReason = await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId = dearer }), HttpStatusCode.BadRequest);
        Assert.That(noReason.GetProperty("errorCodes").GetProperty("reason")[0].GetString(), Is.EqualTo("award.reason_required"));
        await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId = bid }), HttpStatusCode.OK);
        var twice = await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId = bid }), HttpStatusCode.Conflict);
        Assert.That(twice.GetProperty("code").GetString(), Is.EqualTo("conflict.awarded"));
    }
}
