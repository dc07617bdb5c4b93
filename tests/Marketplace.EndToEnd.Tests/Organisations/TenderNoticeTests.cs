using System.Net;
using Marketplace.EndToEnd.Tests.Bidding;
using static Marketplace.EndToEnd.Tests.Organisations.Team;

namespace Marketplace.EndToEnd.Tests.Organisations;

/// <summary>
/// In-app notices of the contracted market reach the members of the organisations concerned whose role cares: a call to
/// bid on and a bid's loss those who may bid (owner, finance), a closed call those who award (owner, finance), a won bid
/// and a new contract everyone in the organisation; never a vendor outside the call's audience.
/// </summary>
[TestFixture]
public class TenderNoticeTests
{
    [Test]
    public async Task A_call_opened_closed_and_awarded_tells_the_right_members_of_the_right_organisations_only()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var enterpriseReviewer = await MemberAsync(enterprise, "reviewer");
        var enterpriseFinance = await MemberAsync(enterprise, "finance");
        var winner = await Tender.VendorAsync();
        var winnerReviewer = await MemberAsync(winner, "reviewer");
        var winnerFinance = await MemberAsync(winner, "finance");
        var loser = await Tender.VendorAsync();
        var outsider = await Tender.VendorAsync(industry: "medical");

        var call = await Tender.OpenAsync(enterprise, items: 10, budget: 100m);
        bool ThisCall(System.Text.Json.JsonElement p) => p.GetProperty("callId").GetGuid() == call.Id;

        var opened = await NotificationTests.ArrivesAsync(winner, "call.opened", ThisCall);
        Assert.That(opened.GetProperty("params").GetProperty("orderId").GetGuid(), Is.EqualTo(call.OrderId));
        Assert.That(opened.GetProperty("params").GetProperty("budget").GetDecimal(), Is.EqualTo(100m));
        Assert.That(opened.GetProperty("params").GetProperty("bidDeadline").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.String));
        await NotificationTests.ArrivesAsync(winnerFinance, "call.opened", ThisCall);
        await NotificationTests.ArrivesAsync(loser, "call.opened", ThisCall);
        // One transaction wrote every recipient's row: whoever has none now never gets one.
        foreach (var nobody in new[] { winnerReviewer, outsider, enterprise })
            Assert.That(await CountAsync(nobody, "call.opened", call.Id), Is.Zero, nobody.Email);

        var winningBid = await Tender.BidAsync(winnerFinance, call, 40m);
        var losingBid = await Tender.BidAsync(loser, call, 60m);
        await Tender.PassDeadlineAsync(call);
        var closed = await NotificationTests.ArrivesAsync(enterprise, "call.closed", ThisCall);
        Assert.That(closed.GetProperty("params").GetProperty("bids").GetInt32(), Is.EqualTo(2));
        await NotificationTests.ArrivesAsync(enterpriseFinance, "call.closed", ThisCall);
        Assert.That(await CountAsync(enterpriseReviewer, "call.closed", call.Id), Is.Zero);
        Assert.That(await CountAsync(winner, "call.closed", call.Id), Is.Zero);

        await Api.ReadAsync(await enterprise.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId = winningBid }), HttpStatusCode.OK);
        foreach (var member in new[] { winner, winnerReviewer, winnerFinance })
        {
            var won = await NotificationTests.ArrivesAsync(member, "bid.won", ThisCall);
            Assert.That(won.GetProperty("params").GetProperty("bidId").GetGuid(), Is.EqualTo(winningBid));
            Assert.That(won.GetProperty("params").GetProperty("price").GetDecimal(), Is.EqualTo(40m));
        }
        var lost = await NotificationTests.ArrivesAsync(loser, "bid.lost", ThisCall);
        Assert.That(lost.GetProperty("params").GetProperty("bidId").GetGuid(), Is.EqualTo(losingBid));
        foreach (var member in new[] { enterprise, enterpriseReviewer, enterpriseFinance })
        {
            var awarded = await NotificationTests.ArrivesAsync(member, "contract.awarded", ThisCall);
            Assert.That(awarded.GetProperty("params").GetProperty("vendorOrgId").GetGuid(), Is.EqualTo(winner.OrgId));
            Assert.That(awarded.GetProperty("params").GetProperty("automatic").GetBoolean(), Is.False);
        }
        Assert.That(await CountAsync(winner, "bid.lost", call.Id), Is.Zero);
        Assert.That(await CountAsync(loser, "bid.won", call.Id), Is.Zero);
        Assert.That(await CountAsync(outsider, "bid.won", call.Id) + await CountAsync(outsider, "bid.lost", call.Id), Is.Zero);
        Assert.That(await CountAsync(winner, "call.opened", call.Id), Is.EqualTo(1));
    }

    [Test]
    public async Task A_call_that_closes_without_bids_tells_the_enterprise_there_are_none_and_an_invited_vendor_hears_of_its_call()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        var invited = await Api.SignUpAsync("vendor"); // no certificate nor listing: it sees the call only as invited
        var call = await Tender.OpenAsync(enterprise, invited: [invited.OrgId]);
        await NotificationTests.ArrivesAsync(invited, "call.opened", p => p.GetProperty("callId").GetGuid() == call.Id);
        await Tender.PassDeadlineAsync(call);
        var closed = await NotificationTests.ArrivesAsync(enterprise, "call.closed", p => p.GetProperty("callId").GetGuid() == call.Id);
        Assert.That(closed.GetProperty("params").GetProperty("bids").GetInt32(), Is.Zero);
    }

    private static async Task<int> CountAsync(Actor actor, string kind, Guid callId) =>
        (await NotificationTests.NotificationsAsync(actor, kind)).Count(n => n.GetProperty("params").GetProperty("callId").GetGuid() == callId);
}
