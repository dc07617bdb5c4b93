using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests.Bidding;

/// <summary>
/// A contracted order whose acceptance sample fails, worked in packages (the vendor's team and a sub-vendor's team): the
/// vendor is told (and so is the sub-vendor whose items failed), sees which items failed and who delivered them, puts them back to work in a rework package at its own
/// cost (the enterprise pays nothing more), its team redoes them seeing the findings, the order is delivered again and
/// accepted, and every party is paid to the fen with the books reconciled.
/// </summary>
public class ContractReworkTests
{
    [Test]
    public async Task A_failed_sample_goes_back_to_the_vendor_who_reworks_the_failed_items_delivers_again_and_everyone_is_paid_right()
    {
        var vendorA = await Tender.VendorAsync();
        var vendorB = await Tender.VendorAsync();
        var order = await Contracted.AwardedAsync(vendorA, items: 8, price: 15m, sampleSize: 8);
        var teamA = await Contracted.TeamMemberAsync(vendorA);
        var teamB = await Contracted.TeamMemberAsync(vendorB);

        // First work: A's team takes review-1..4; B takes review-5..8 as a sub-contract at 6.00 and puts them to its own team.
        var teamPackage = await Contracted.PackageIdAsync(vendorA, order.Id, new { kind = "team", items = 4, rewardPerAnswer = 1m });
        var sub = await Contracted.PackageIdAsync(vendorA, order.Id, new { kind = "subcontract", items = 4, vendorOrgId = vendorB.OrgId, price = 6m });
        await Api.ReadAsync(await vendorB.PostAsync($"/api/orders/orders/subcontracts/{sub}/accept"), HttpStatusCode.OK);
        var teamPackageB = await Contracted.PackageIdAsync(vendorB, order.Id, new { kind = "team", items = 4, rewardPerAnswer = 1m });
        await Contracted.WaitForSplitAsync(vendorA, teamPackage, 4);
        await Contracted.WaitForSplitAsync(vendorB, teamPackageB, 4);
        await Contracted.ApproveAsync(vendorA, await Contracted.WorkAsync(teamA, teamPackage));
        await Contracted.ApproveAsync(vendorB, await Contracted.WorkAsync(teamB, teamPackageB));
        await Scenario.WaitForStatusAsync(order.Enterprise, order.Id, "delivered", TimeSpan.FromSeconds(90));

        // The enterprise finds one of A's team's items and one of B's wrong: the order goes back to A.
        const string findingA = "The reviewer praises the product: positive.";
        const string findingB = "Sarcasm: the review is negative.";
        await JudgeAsync(order, new Dictionary<string, string> { ["review-1"] = findingA, ["review-5"] = findingB });
        await Scenario.WaitForStatusAsync(order.Enterprise, order.Id, "rework");
        var told = await NotificationTests.ArrivesAsync(vendorA, "contract.rework_requested", p => p.GetProperty("orderId").GetGuid() == order.Id);
        Assert.That((told.GetProperty("params").GetProperty("round").GetInt32(), told.GetProperty("params").GetProperty("items").GetInt32()), Is.EqualTo((1, 2)));
        // B, whose sub-contract delivered one of the failed items, is told too (all its members, as A's are); A, the
        // contract holder, is told of its own rework only.
        var subTold = (await NotificationTests.ArrivesAsync(vendorB, "subcontract.rework_requested", p => p.GetProperty("orderId").GetGuid() == order.Id))
            .GetProperty("params");
        Assert.That((subTold.GetProperty("subcontractId").GetGuid(), subTold.GetProperty("fromVendorOrgId").GetGuid(), subTold.GetProperty("round").GetInt32(),
            subTold.GetProperty("failedItems").GetInt32()), Is.EqualTo((sub, vendorA.OrgId, 1, 1)));
        Assert.That(subTold.GetProperty("title").GetString(), Is.Not.Empty);
        Assert.That(await NotificationTests.NotificationsAsync(vendorA, "subcontract.rework_requested"), Is.Empty);
        Assert.That(await NotificationTests.NotificationsAsync(teamB, "subcontract.rework_requested"), Is.Empty, "B's team workers are not B's members");
        var orderView = await order.Enterprise.GetAsync($"/api/orders/orders/{order.Id}");
        Assert.That(orderView.GetProperty("reworkFunding").ValueKind, Is.EqualTo(JsonValueKind.Null), "a contract's rework asks nothing of the wallet");

        // A sees what failed and who delivered it; B, the sub-vendor, answers to A and sees no sample.
        var failed = await vendorA.GetAsync($"/api/orders/orders/{order.Id}/work/rework");
        Assert.That((failed.GetProperty("round").GetInt32(), failed.GetProperty("open").GetBoolean(), failed.GetProperty("failed").GetInt32(),
            failed.GetProperty("unallocated").GetInt32()), Is.EqualTo((1, true, 2, 2)));
        var items = failed.GetProperty("items").GetProperty("items").EnumerateArray().ToList();
        Assert.That(items.Select(i => i.GetProperty("itemId").GetString()), Is.EqualTo(new[] { "review-1", "review-5" }));
        Assert.That((items[0].GetProperty("finding").GetString(), items[0].GetProperty("deliveredByKind").GetString(),
            items[0].GetProperty("deliveredByPackageId").GetGuid()), Is.EqualTo((findingA, "team", teamPackage)));
        Assert.That((items[1].GetProperty("deliveredByKind").GetString(), items[1].GetProperty("deliveredByVendorOrgId").GetGuid()),
            Is.EqualTo(("subcontract", vendorB.OrgId)));
        Assert.That((await vendorB.Http.GetAsync($"/api/orders/orders/{order.Id}/work/rework")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var stranger = await Api.SignUpAsync("vendor");
        Assert.That((await stranger.Http.GetAsync($"/api/orders/orders/{order.Id}/work/rework")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await order.Enterprise.Http.GetAsync($"/api/orders/orders/{order.Id}/work/rework")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await Api.ReadAsync(await vendorA.Http.GetAsync($"/api/orders/orders/{order.Id}/work/rework?pageSize=101"), HttpStatusCode.BadRequest))
            .Code(), Is.EqualTo("validation.out_of_range"));
        Assert.That((await Api.ReadAsync(await Contracted.PackageAsync(vendorB, order.Id, new { kind = "team", items = 1, rewardPerAnswer = 1m }),
            HttpStatusCode.Conflict)).Code(), Is.EqualTo("work.not_open"), "the sub-contract is done: the rework is A's");

        // The rework package: the failed items only, within A's money (income 13.50, committed 10.00: 3.50 left).
        foreach (var (body, code) in new (object, string)[]
        {
            (new { kind = "subcontract", items = 2, vendorOrgId = vendorB.OrgId, price = 1m }, "work.rework_not_subcontracted"),
            (new { kind = "team", items = 3, rewardPerAnswer = 1m }, "work.not_enough_items"),
            (new { kind = "team", items = 2, rewardPerAnswer = 1.7501m }, "work.over_income"),
        })
            Assert.That((await Api.ReadAsync(await Contracted.PackageAsync(vendorA, order.Id, body), HttpStatusCode.UnprocessableEntity)).Code(), Is.EqualTo(code));
        var rework = await Api.ReadAsync(await Contracted.PackageAsync(vendorA, order.Id, new { kind = "team", items = 2, rewardPerAnswer = 1.5m }),
            HttpStatusCode.Created);
        var reworkPackage = rework.GetProperty("id").GetGuid();
        Assert.That((rework.GetProperty("reworkRound").GetInt32(), rework.GetProperty("maxAnswers").GetInt32(), rework.Money("committed")),
            Is.EqualTo((1, 1, 3m)));
        failed = await vendorA.GetAsync($"/api/orders/orders/{order.Id}/work/rework");
        Assert.That(failed.GetProperty("unallocated").GetInt32(), Is.Zero);
        Assert.That(failed.GetProperty("items").GetProperty("items").EnumerateArray().Select(i => i.GetProperty("reworkPackageId").GetGuid()),
            Is.All.EqualTo(reworkPackage));

        // The team is told, and redoes each item seeing what the enterprise found wrong (the same worker may: a new package).
        var arrived = await NotificationTests.ArrivesAsync(teamA, "work.arrived", p => p.GetProperty("packageId").GetGuid() == reworkPackage);
        Assert.That(arrived.GetProperty("params").GetProperty("reworkRound").GetInt32(), Is.EqualTo(1));
        await Contracted.WaitForSplitAsync(vendorA, reworkPackage, 2);
        var findings = new Dictionary<string, string?>();
        var redone = new List<Guid>();
        while ((await teamA.PostAsync($"/api/tasks/assignments/claim?orderId={reworkPackage}")) is { StatusCode: HttpStatusCode.OK } response)
        {
            var claim = await Api.ReadAsync(response, HttpStatusCode.OK);
            findings[claim.GetProperty("itemId").GetString()!] = claim.GetProperty("reworkFinding").GetString();
            var id = claim.GetProperty("assignmentId").GetGuid();
            await Api.ReadAsync(await teamA.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
            redone.Add(id);
        }
        Assert.That(findings, Is.EquivalentTo(new Dictionary<string, string?> { ["review-1"] = findingA, ["review-5"] = findingB }));
        // The vendor cannot stop the order with a dispute while its own rework is at work.
        Assert.That((await Api.ReadAsync(await vendorA.PostAsync($"/api/orders/orders/{order.Id}/disputes", new { evidence = "Contest." }),
            HttpStatusCode.Conflict)).Code(), Is.EqualTo("dispute.rework_in_progress"));
        await Contracted.ApproveAsync(vendorA, redone);

        // Delivered again: a new sample, which passes; the plan still counts each item once.
        await Scenario.WaitForStatusAsync(order.Enterprise, order.Id, "delivered", TimeSpan.FromSeconds(90));
        Assert.That((await Contracted.PlanAsync(vendorA, order.Id)).GetProperty("itemsDone").GetInt32(), Is.EqualTo(8));
        await JudgeAsync(order, new Dictionary<string, string>());
        await Scenario.WaitForStatusAsync(order.Enterprise, order.Id, "closed", TimeSpan.FromSeconds(90));

        // Fixed figures: price 15.00, fee 10% 1.50. A: team 4 x 1.00, rework 2 x 1.50, B 6.00 -> 0.50. B: 6.00 - its team 4.00.
        await Api.EventuallyAsync(async () => await ContractedMoney.VendorBalanceAsync(vendorA) == 0.50m, "A: 15.00 - 1.50 - 4.00 - 3.00 - 6.00");
        await Api.EventuallyAsync(async () => await ContractedMoney.VendorBalanceAsync(vendorB) == 2.00m, "B: 6.00 - 4.00");
        foreach (var (worker, earned) in new[] { (teamA, 7.00m), (teamB, 4.00m) })
            await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("totalEarned") == earned, $"{worker.Email} earned {earned}");
        Assert.That(await Scenario.EscrowAsync(order.Id), Is.Zero, "the escrow is spent to the fen");
        Assert.That((await order.Enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(85.00m),
            "deposit 100.00 - contract 15.00: the rework cost the enterprise nothing");
        await ContractedMoney.AssertReconciledAsync();
    }

    /// <summary>Judges the open round: the items named wrong with their findings, every other item right.</summary>
    private static async Task JudgeAsync(Contracted.Order order, IReadOnlyDictionary<string, string> wrong)
    {
        var round = (await order.Enterprise.GetAsync($"/api/orders/orders/{order.Id}/acceptance"))[0];
        await Api.ReadAsync(await order.Enterprise.PostAsync($"/api/orders/orders/{order.Id}/acceptance", new
        {
            round = round.GetProperty("round").GetInt32(),
            verdicts = round.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!)
                .Select(id => new { itemId = id, ok = !wrong.ContainsKey(id), finding = wrong.GetValueOrDefault(id) }).ToArray(),
        }), HttpStatusCode.OK);
    }
}
