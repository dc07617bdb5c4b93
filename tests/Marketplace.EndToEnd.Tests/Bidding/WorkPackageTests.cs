using System.Net;
using System.Text.Json;

namespace Marketplace.EndToEnd.Tests.Bidding;

/// <summary>
/// A contracted order's work, through every service as its users drive it: the vendor holding the contract puts parts
/// of the order to its team, the crowd and a sub-vendor; the sub-vendor puts its share to its own team; workers claim
/// and submit; each vendor reviews its own packages; the order is delivered. Grade rules and the money guard hold at
/// every tier.
/// </summary>
public class WorkPackageTests
{
    [Test]
    public async Task A_three_tier_order_is_worked_by_a_team_the_crowd_and_a_sub_vendor_delivered_and_every_party_is_paid_to_the_fen()
    {
        var vendorA = await Tender.VendorAsync();
        var vendorB = await Tender.VendorAsync();
        var order = await Contracted.AwardedAsync(vendorA, items: 10, price: 15m);
        var teamA = await Contracted.TeamMemberAsync(vendorA);
        var teamB = await Contracted.TeamMemberAsync(vendorB);
        var crowdWorker = await Api.SignUpAsync("worker");

        // Tier 1: income is the contract price less the platform's 10 %; nothing committed yet.
        var plan = await Contracted.PlanAsync(vendorA, order.Id);
        Assert.That(plan.GetProperty("tier").GetString(), Is.EqualTo("contract"));
        Assert.That(plan.Money("income"), Is.EqualTo(13.5m));
        Assert.That(plan.GetProperty("unallocated").GetInt32(), Is.EqualTo(10));

        var teamPackage = await Contracted.PackageIdAsync(vendorA, order.Id, new { kind = "team", items = 3, rewardPerAnswer = 1m });
        var crowdPackage = await Contracted.PackageIdAsync(vendorA, order.Id, new { kind = "crowd", items = 3, rewardPerAnswer = 0.5m });
        // The money guard: 4.5 committed of 13.5, a sub-contract over the 9 left is refused and changes nothing.
        var over = await Api.ReadAsync(await Contracted.PackageAsync(vendorA, order.Id,
            new { kind = "subcontract", items = 4, vendorOrgId = vendorB.OrgId, price = 9.0001m }), (HttpStatusCode)422);
        Assert.That(over.Code(), Is.EqualTo("work.over_income"));
        var tooMany = await Api.ReadAsync(await Contracted.PackageAsync(vendorA, order.Id, new { kind = "team", items = 5, rewardPerAnswer = 0m }),
            (HttpStatusCode)422);
        Assert.That(tooMany.Code(), Is.EqualTo("work.not_enough_items"));
        var subKey = Guid.NewGuid().ToString();
        var subBody = new { kind = "subcontract", items = 4, vendorOrgId = vendorB.OrgId, price = 6m };
        var sub = await Api.ReadAsync(await Contracted.PackageAsync(vendorA, order.Id, subBody, subKey), HttpStatusCode.Created);
        var subId = sub.GetProperty("id").GetGuid();
        Assert.That(sub.GetProperty("status").GetString(), Is.EqualTo("offered"));
        var replay = await Api.ReadAsync(await Contracted.PackageAsync(vendorA, order.Id, subBody, subKey), HttpStatusCode.Created);
        Assert.That(replay.GetProperty("id").GetGuid(), Is.EqualTo(subId), "a replayed request makes no second package");

        plan = await Contracted.PlanAsync(vendorA, order.Id);
        Assert.That(plan.Money("committed"), Is.EqualTo(10.5m));
        Assert.That(plan.Money("margin"), Is.EqualTo(3m), "the vendor's margin, visible to it alone");
        Assert.That(plan.GetProperty("unallocated").GetInt32(), Is.Zero);
        Assert.That(plan.GetProperty("packages").GetProperty("total").GetInt64(), Is.EqualTo(3));

        // Tier 2: B sees the offer, accepts it (orders announces SubcontractAgreed) and puts its share to its own team.
        var offers = await vendorB.GetAsync("/api/orders/orders/subcontracts/offers?status=offered");
        Assert.That(offers.Ids(), Does.Contain(subId));
        Assert.That(offers.GetProperty("items").EnumerateArray().First(o => o.GetProperty("id").GetGuid() == subId).Money("price"), Is.EqualTo(6m));
        await Api.ReadAsync(await vendorB.PostAsync($"/api/orders/orders/subcontracts/{subId}/accept"), HttpStatusCode.OK);
        Assert.That(await Contracted.OrdersScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Marketplace.Contracts.Orders.SubcontractAgreed,%' AND body->>'subcontractId' = @id",
            new { id = subId.ToString() }), Is.EqualTo(1));
        var planB = await Contracted.PlanAsync(vendorB, order.Id);
        Assert.That(planB.GetProperty("tier").GetString(), Is.EqualTo("subcontract"));
        Assert.That(planB.Money("income"), Is.EqualTo(6m));
        Assert.That(planB.GetProperty("items").GetInt32(), Is.EqualTo(4));
        Assert.That(planB.GetRawText(), Does.Not.Contain(teamPackage.ToString()), "B sees its own tier, not A's packages");
        var teamPackageB = await Contracted.PackageIdAsync(vendorB, order.Id, new { kind = "team", items = 4, rewardPerAnswer = 1m });

        await Contracted.WaitForSplitAsync(vendorA, teamPackage, 3);
        await Contracted.WaitForSplitAsync(vendorA, crowdPackage, 3);
        await Contracted.WaitForSplitAsync(vendorB, teamPackageB, 4);

        // Team work is the team's: the crowd worker and B's team are refused A's team work; A's member sees it in the feed.
        var refused = await Api.ReadAsync(await crowdWorker.PostAsync($"/api/tasks/assignments/claim?orderId={teamPackage}"), HttpStatusCode.Forbidden);
        Assert.That(refused.Code(), Is.EqualTo("claims.team_only"));
        Assert.That((await teamB.PostAsync($"/api/tasks/assignments/claim?orderId={teamPackage}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var feed = await teamA.GetAsync("/api/tasks/team/work");
        Assert.That(feed.Ids("orderId"), Does.Contain(teamPackage));
        Assert.That(feed.Ids("orderId"), Does.Not.Contain(teamPackageB));

        var teamAWork = await Contracted.WorkAsync(teamA, teamPackage);
        var crowdWork = await Contracted.WorkAsync(crowdWorker, crowdPackage);
        var teamBWork = await Contracted.WorkAsync(teamB, teamPackageB);
        Assert.That((teamAWork.Count, crowdWork.Count, teamBWork.Count), Is.EqualTo((3, 3, 4)));
        var claim = await crowdWorker.GetAsync($"/api/tasks/assignments/{crowdWork[0]}");
        Assert.That(claim.Money("workerReward"), Is.EqualTo(0.5m), "the crowd sees the vendor's reward, nothing of its margin");

        // Each vendor reviews its own packages; the enterprise and the other vendor cannot.
        Assert.That((await order.Enterprise.PostAsync($"/api/tasks/assignments/{teamAWork[0]}/approve")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await vendorB.PostAsync($"/api/tasks/assignments/{teamAWork[0]}/approve")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await vendorB.Http.GetAsync($"/api/tasks/orders/{teamPackage}/assignments")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var review = await vendorA.GetAsync($"/api/tasks/orders/{crowdPackage}/assignments");
        Assert.That(review.GetArrayLength(), Is.EqualTo(3));
        foreach (var id in teamAWork.Concat(crowdWork))
            await Api.ReadAsync(await vendorA.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);
        // B rejects one with a reason; the worker appeals and B upholds it, as in crowd mode.
        await Api.ReadAsync(await vendorB.PostAsync($"/api/tasks/assignments/{teamBWork[0]}/reject",
            new { reasonCode = "wrong-answer", comment = "The review is negative." }), HttpStatusCode.OK);
        await Api.ReadAsync(await teamB.PostAsync($"/api/tasks/assignments/{teamBWork[0]}/appeal", new { message = "It praises the product." }), HttpStatusCode.OK);
        await Api.ReadAsync(await vendorB.PostAsync($"/api/tasks/assignments/{teamBWork[0]}/appeal/resolve", new { decision = "uphold", note = "Right." }),
            HttpStatusCode.OK);
        foreach (var id in teamBWork.Skip(1))
            await Api.ReadAsync(await vendorB.PostAsync($"/api/tasks/assignments/{id}/approve"), HttpStatusCode.OK);

        // Every package done, B's sub-contract with it: the order is delivered and the enterprise samples it as today.
        await Scenario.WaitForStatusAsync(order.Enterprise, order.Id, "delivered", TimeSpan.FromSeconds(90));
        plan = await Contracted.PlanAsync(vendorA, order.Id);
        Assert.That(plan.GetProperty("itemsDone").GetInt32(), Is.EqualTo(10));
        Assert.That(plan.GetProperty("packages").GetProperty("items").EnumerateArray().Select(p => p.GetProperty("status").GetString()),
            Is.All.EqualTo("done"));
        var acceptance = await order.Enterprise.GetAsync($"/api/orders/orders/{order.Id}/acceptance");
        Assert.That(acceptance.GetRawText(), Does.Contain("\"round\":1"));

        // Approvals name the order and the vendor that pays them, with no per-answer platform fee.
        var paidBy = await Contracted.TasksScalarAsync<string>("""
            SELECT string_agg(DISTINCT concat(a->>'payerVendorOrgId', ':', trim_scale((a->>'platformFee')::numeric), ':',
                                              trim_scale((a->>'workerReward')::numeric)), ',')
            FROM outbox_messages m, jsonb_array_elements(m.body->'approvals') a
            WHERE m.message_type LIKE 'Marketplace.Contracts.Tasks.AssignmentsApproved,%' AND a->>'orderId' = @orderId
            """, new { orderId = order.Id.ToString() });
        Assert.That(paidBy.Split(','), Is.EquivalentTo(new[] { $"{vendorA.OrgId}:0:1", $"{vendorA.OrgId}:0:0.5", $"{vendorB.OrgId}:0:1" }));

        // The enterprise accepts: every party is paid to the fen, from the one escrow, and the books agree.
        var round = acceptance[0];
        await Api.ReadAsync(await order.Enterprise.PostAsync($"/api/orders/orders/{order.Id}/acceptance", new
        {
            round = round.GetProperty("round").GetInt32(),
            verdicts = round.GetProperty("items").EnumerateArray().Select(i => new { itemId = i.GetProperty("itemId").GetString(), ok = true }).ToArray(),
        }), HttpStatusCode.OK);
        await Scenario.WaitForStatusAsync(order.Enterprise, order.Id, "closed", TimeSpan.FromSeconds(90));
        // Fixed figures: price 15.00 at the default 10% fee; A's team 3 x 1.00, the crowd 3 x 0.50, B's team 4 x 1.00; B's sub-contract 6.00.
        await Api.EventuallyAsync(async () => await ContractedMoney.VendorBalanceAsync(vendorA) == 3.00m, "A: 15.00 - fee 1.50 - team 3.00 - crowd 1.50 - B 6.00");
        await Api.EventuallyAsync(async () => await ContractedMoney.VendorBalanceAsync(vendorB) == 2.00m, "B: 6.00 - its team 4.00");
        foreach (var (worker, earned) in new[] { (teamA, 3.00m), (crowdWorker, 1.50m), (teamB, 4.00m) })
            await Api.EventuallyAsync(async () => (await worker.GetAsync("/api/payouts/earnings")).Money("totalEarned") == earned, $"{worker.Email} earned {earned}");
        Assert.That(await Scenario.EscrowAsync(order.Id), Is.Zero, "the escrow is spent to the fen");
        Assert.That((await order.Enterprise.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(85.00m), "deposit 100.00 - contract 15.00");
        await ContractedMoney.AssertReconciledAsync();
    }

    [Test]
    public async Task Core_data_never_reaches_the_crowd_at_any_tier_and_a_sub_vendor_needs_the_certification()
    {
        var vendorA = await Tender.VendorAsync("core");
        var certified = await Tender.VendorAsync("core");
        var uncertified = await Tender.VendorAsync("important");
        var order = await Contracted.AwardedAsync(vendorA, grade: "core", items: 4, price: 8m);

        var crowd = await Api.ReadAsync(await Contracted.PackageAsync(vendorA, order.Id, new { kind = "crowd", items = 1, rewardPerAnswer = 1m }),
            (HttpStatusCode)422);
        Assert.That(crowd.Code(), Is.EqualTo("work.core_data_not_for_crowd"));
        var notCertified = await Api.ReadAsync(await Contracted.PackageAsync(vendorA, order.Id,
            new { kind = "subcontract", items = 2, vendorOrgId = uncertified.OrgId, price = 5m }), (HttpStatusCode)422);
        Assert.That(notCertified.Code(), Is.EqualTo("work.vendor_not_certified"));
        var unknown = await Api.ReadAsync(await Contracted.PackageAsync(vendorA, order.Id,
            new { kind = "subcontract", items = 2, vendorOrgId = Guid.NewGuid(), price = 5m }), (HttpStatusCode)422);
        Assert.That(unknown.Code(), Is.EqualTo("work.unknown_vendor"));
        var toSelf = await Api.ReadAsync(await Contracted.PackageAsync(vendorA, order.Id,
            new { kind = "subcontract", items = 2, vendorOrgId = vendorA.OrgId, price = 5m }), (HttpStatusCode)422);
        Assert.That(toSelf.Code(), Is.EqualTo("work.vendor_in_chain"));
        Assert.That((await Contracted.PlanAsync(vendorA, order.Id)).GetProperty("unallocated").GetInt32(), Is.EqualTo(4), "refusals change nothing");

        // A certified sub-vendor takes half; declining frees the items, a new offer is accepted; its crowd is refused too.
        var first = await Contracted.PackageIdAsync(vendorA, order.Id, new { kind = "subcontract", items = 2, vendorOrgId = certified.OrgId, price = 5m });
        await Api.ReadAsync(await certified.PostAsync($"/api/orders/orders/subcontracts/{first}/decline", new { reason = "No capacity this week." }),
            HttpStatusCode.OK);
        Assert.That((await Contracted.PlanAsync(vendorA, order.Id)).GetProperty("unallocated").GetInt32(), Is.EqualTo(4));
        var again = await Api.ReadAsync(await certified.PostAsync($"/api/orders/orders/subcontracts/{first}/accept"), HttpStatusCode.Conflict);
        Assert.That(again.GetProperty("currentState").GetString(), Is.EqualTo("declined"));
        var second = await Contracted.PackageIdAsync(vendorA, order.Id, new { kind = "subcontract", items = 2, vendorOrgId = certified.OrgId, price = 5m });
        await Api.ReadAsync(await certified.PostAsync($"/api/orders/orders/subcontracts/{second}/accept"), HttpStatusCode.OK);
        var crowdAtTier2 = await Api.ReadAsync(await Contracted.PackageAsync(certified, order.Id, new { kind = "crowd", items = 1, rewardPerAnswer = 1m }),
            (HttpStatusCode)422);
        Assert.That(crowdAtTier2.Code(), Is.EqualTo("work.core_data_not_for_crowd"));
        var overIncome = await Api.ReadAsync(await Contracted.PackageAsync(certified, order.Id, new { kind = "team", items = 2, rewardPerAnswer = 2.5001m }),
            (HttpStatusCode)422);
        Assert.That(overIncome.Code(), Is.EqualTo("work.over_income"), "a sub-vendor's income is its sub-contract's price");
        var tooMany = await Api.ReadAsync(await Contracted.PackageAsync(certified, order.Id, new { kind = "team", items = 3, rewardPerAnswer = 1m }),
            (HttpStatusCode)422);
        Assert.That(tooMany.Code(), Is.EqualTo("work.not_enough_items"), "a sub-vendor splits only its own items");
        var team = await Contracted.PackageIdAsync(certified, order.Id, new { kind = "team", items = 2, rewardPerAnswer = 2.5m });

        // Core-grade team work: only a member claims it, and the claim is audited.
        var member = await Contracted.TeamMemberAsync(certified);
        await Contracted.WaitForSplitAsync(certified, team, 2);
        var outsider = await Api.SignUpAsync("worker");
        Assert.That((await Api.ReadAsync(await outsider.PostAsync($"/api/tasks/assignments/claim?orderId={team}"), HttpStatusCode.Forbidden)).Code(),
            Is.EqualTo("claims.team_only"));
        var claimed = await Api.ReadAsync(await member.PostAsync($"/api/tasks/assignments/claim?orderId={team}"), HttpStatusCode.OK);
        var trail = await certified.GetAsync($"/api/tasks/orders/{team}/content-views");
        Assert.That(trail.GetProperty("items").EnumerateArray().Any(v => v.GetProperty("assignmentId").GetGuid() == claimed.GetProperty("assignmentId").GetGuid()
            && v.GetProperty("viewerId").GetGuid() == member.UserId), Is.True, "the team member's view of core data is audited");
    }

    [Test]
    public async Task Accepting_a_sub_contract_checks_the_certification_again_and_a_revoked_or_expired_one_is_refused_changing_nothing()
    {
        var vendorA = await Tender.VendorAsync("important");
        var revoked = await Tender.VendorAsync("important");
        var expired = await Tender.VendorAsync("important");
        var order = await Contracted.AwardedAsync(vendorA, grade: "important", items: 4, price: 8m);
        var toRevoked = await Contracted.PackageIdAsync(vendorA, order.Id, new { kind = "subcontract", items = 2, vendorOrgId = revoked.OrgId, price = 3m });
        var toExpired = await Contracted.PackageIdAsync(vendorA, order.Id, new { kind = "subcontract", items = 2, vendorOrgId = expired.OrgId, price = 3m });

        // Between the offer and the answer: an operator revokes one certification, the other runs out (deadlines are data).
        var op = await Api.OperatorAsync();
        var certificate = (await revoked.GetAsync("/api/orders/certifications")).EnumerateArray().Single().GetProperty("id").GetGuid();
        await Api.ReadAsync(await op.PostAsync($"/api/orders/certifications/{certificate}/review", new { decision = "revoke" }), HttpStatusCode.BadRequest);
        var revocation = await Api.ReadAsync(await op.PostAsync($"/api/orders/certifications/{certificate}/review",
            new { decision = "revoke", note = "The issuer withdrew it." }), HttpStatusCode.OK);
        Assert.That(revocation.GetProperty("status").GetString(), Is.EqualTo("revoked"));
        Assert.That((await Api.ReadAsync(await op.PostAsync($"/api/orders/certifications/{certificate}/review",
            new { decision = "revoke", note = "Again." }), HttpStatusCode.Conflict)).Code(), Is.EqualTo("conflict.revoked"));
        await Contracted.OrdersScalarAsync<int>("UPDATE vendor_certifications SET valid_until = current_date - 1 WHERE vendor_org_id = @OrgId", new { expired.OrgId });

        foreach (var (vendor, offer) in new[] { (revoked, toRevoked), (expired, toExpired) })
        {
            var refused = await Api.ReadAsync(await vendor.PostAsync($"/api/orders/orders/subcontracts/{offer}/accept"), HttpStatusCode.UnprocessableEntity);
            Assert.That(refused.Code(), Is.EqualTo("work.vendor_not_certified"));
            var offers = await vendor.GetAsync("/api/orders/orders/subcontracts/offers");
            Assert.That(offers.GetProperty("items").EnumerateArray().Single().GetProperty("status").GetString(), Is.EqualTo("offered"), "nothing changed");
        }
        Assert.That(await Contracted.OrdersScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Marketplace.Contracts.Orders.SubcontractAgreed,%' AND body->>'orderId' = @id",
            new { id = order.Id.ToString() }), Is.Zero, "no sub-contract was agreed");

        // Certified again (a new certificate, approved): the same offer is accepted.
        var renewed = await Api.ReadAsync(await revoked.PostAsync("/api/orders/certifications",
            new { name = "Data security important", issuer = "E2E data labeling base", grade = "important", validUntil = "2030-12-31" }), HttpStatusCode.Created);
        await Api.ReadAsync(await op.PostAsync($"/api/orders/certifications/{renewed.GetProperty("id").GetGuid()}/review",
            new { decision = "approve", note = "Renewed." }), HttpStatusCode.OK);
        var accepted = await Api.ReadAsync(await revoked.PostAsync($"/api/orders/orders/subcontracts/{toRevoked}/accept"), HttpStatusCode.OK);
        Assert.That(accepted.GetProperty("status").GetString(), Is.EqualTo("accepted"));
    }

    [Test]
    public async Task A_vendor_finds_workers_in_the_talent_pool_and_builds_its_team()
    {
        var vendor = await Tender.VendorAsync();
        var worker = await Contracted.QualifiedWorkerAsync();
        var colleague = await Contracted.QualifiedWorkerAsync();
        var unqualified = await Api.SignUpAsync("worker");

        var pool = await vendor.GetAsync($"/api/tasks/talent?qualification=tender-sentiment-{Cluster.RunId}&pageSize=100");
        var found = pool.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("workerId").GetGuid() == worker.UserId);
        Assert.That(found.Money("accuracy"), Is.EqualTo(1m));
        Assert.That(found.GetProperty("level").GetInt32(), Is.EqualTo(2), "a qualified newcomer");
        Assert.That(found.GetProperty("displayName").GetString(), Does.StartWith("Worker "));
        var other = pool.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("workerId").GetGuid() == colleague.UserId);
        Assert.That(other.GetProperty("displayName").GetString(), Is.Not.EqualTo(found.GetProperty("displayName").GetString()),
            "two workers who registered a moment apart are told apart");
        Assert.That(found.GetRawText(), Does.Not.Contain("E2E Worker").And.Not.Contain("@e2e.test"), "no personal data");
        Assert.That(pool.Ids("workerId"), Does.Not.Contain(unqualified.UserId));
        Assert.That((await Api.ReadAsync(await vendor.Http.GetAsync("/api/tasks/talent?minAccuracy=2"), HttpStatusCode.BadRequest)).Code(),
            Does.StartWith("validation"));

        Assert.That((await vendor.PostAsync("/api/tasks/team/invitations", new { workerId = unqualified.UserId })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound),
            "only the talent pool is invited");
        var invitation = await Api.ReadAsync(await vendor.PostAsync("/api/tasks/team/invitations", new { workerId = worker.UserId }), HttpStatusCode.Created);
        var invitationId = invitation.GetProperty("id").GetGuid();
        Assert.That((await Api.ReadAsync(await vendor.PostAsync("/api/tasks/team/invitations", new { workerId = worker.UserId }), HttpStatusCode.Conflict)).Code(),
            Is.EqualTo("team.invitation_pending"));
        var mine = await worker.GetAsync("/api/tasks/team/invitations/mine?status=pending");
        Assert.That(mine.Ids(), Is.EqualTo(new[] { invitationId }));
        Assert.That((await unqualified.PostAsync($"/api/tasks/team/invitations/{invitationId}/accept")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound),
            "another worker's invitation does not exist for them");
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/team/invitations/{invitationId}/accept"), HttpStatusCode.OK);
        Assert.That((await worker.PostAsync($"/api/tasks/team/invitations/{invitationId}/decline")).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        var members = await vendor.GetAsync("/api/tasks/team/members");
        Assert.That(members.Ids("workerId"), Is.EqualTo(new[] { worker.UserId }));
        var otherVendor = await Tender.VendorAsync();
        Assert.That((await otherVendor.GetAsync("/api/tasks/team/members")).GetProperty("total").GetInt64(), Is.Zero, "a team is its vendor's own");
        Assert.That((await Api.Send(otherVendor.Http, HttpMethod.Delete, $"/api/tasks/team/members/{worker.UserId}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await Api.Send(vendor.Http, HttpMethod.Delete, $"/api/tasks/team/members/{worker.UserId}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await vendor.GetAsync("/api/tasks/team/members")).GetProperty("total").GetInt64(), Is.Zero);

        // Declining: the invitation is answered, nobody joins.
        var next = await Api.ReadAsync(await vendor.PostAsync("/api/tasks/team/invitations", new { workerId = worker.UserId }), HttpStatusCode.Created);
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/team/invitations/{next.GetProperty("id").GetGuid()}/decline"), HttpStatusCode.OK);
        Assert.That((await vendor.GetAsync("/api/tasks/team/members")).GetProperty("total").GetInt64(), Is.Zero);
    }

    [Test]
    public async Task Another_organisations_ids_answer_404_and_bad_input_changes_nothing()
    {
        var vendorA = await Tender.VendorAsync();
        var stranger = await Tender.VendorAsync();
        var order = await Contracted.AwardedAsync(vendorA, items: 3, price: 6m);
        var sub = await Contracted.PackageIdAsync(vendorA, order.Id, new { kind = "subcontract", items = 1, vendorOrgId = stranger.OrgId, price = 2m });

        // Not the stranger's order (an offer is not an accepted sub-contract) nor the enterprise's to split.
        Assert.That((await stranger.Http.GetAsync($"/api/orders/orders/{order.Id}/work")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await Contracted.PackageAsync(stranger, order.Id, new { kind = "team", items = 1, rewardPerAnswer = 0.1m })).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await order.Enterprise.Http.GetAsync($"/api/orders/orders/{order.Id}/work")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await vendorA.PostAsync($"/api/orders/orders/subcontracts/{sub}/accept")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound),
            "an offer is accepted by the vendor it is addressed to");
        Assert.That((await vendorA.PostAsync($"/api/orders/orders/subcontracts/{sub}/decline", new { })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await vendorA.GetAsync("/api/orders/orders/subcontracts/offers")).GetProperty("total").GetInt64(), Is.Zero);
        Assert.That((await stranger.Http.GetAsync($"/api/orders/orders/{Guid.NewGuid()}/work")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        // Bad input: each a 4xx ProblemDetails with a code, and the plan unchanged.
        var bad = new (object Body, string Field)[]
        {
            (new { kind = "robots", items = 1, rewardPerAnswer = 1m }, "kind"),
            (new { kind = "team", items = 0, rewardPerAnswer = 1m }, "items"),
            (new { kind = "team", items = 1 }, "rewardPerAnswer"),
            (new { kind = "crowd", items = 1, rewardPerAnswer = 0m }, "rewardPerAnswer"),
            (new { kind = "team", items = 1, rewardPerAnswer = 0.00001m }, "rewardPerAnswer"),
            (new { kind = "subcontract", items = 1, price = 1m }, "vendorOrgId"),
            (new { kind = "subcontract", items = 1, vendorOrgId = stranger.OrgId, price = -1m }, "price"),
        };
        foreach (var (body, field) in bad)
        {
            var problem = await Api.ReadAsync(await Contracted.PackageAsync(vendorA, order.Id, body), HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errors").EnumerateObject().Select(e => e.Name), Does.Contain(field), JsonSerializer.Serialize(body));
            Assert.That(problem.Code(), Does.StartWith("validation"));
        }
        var malformed = await Api.ReadAsync(await Contracted.PackageAsync(vendorA, order.Id, "{\"kind\": \"team\", \"items\": \"many\""), HttpStatusCode.BadRequest);
        Assert.That(malformed.Code(), Is.Not.Empty);
        var noKey = await Api.ReadAsync(await vendorA.PostAsync($"/api/orders/orders/{order.Id}/work/packages", new { kind = "team", items = 1, rewardPerAnswer = 1m }),
            HttpStatusCode.BadRequest);
        Assert.That(noKey.GetProperty("errors").EnumerateObject().Select(e => e.Name), Does.Contain("Idempotency-Key"));
        Assert.That((await vendorA.Http.GetAsync($"/api/orders/orders/{order.Id}/work?pageSize=101")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await stranger.Http.GetAsync("/api/orders/orders/subcontracts/offers?status=lost")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var plan = await Contracted.PlanAsync(vendorA, order.Id);
        Assert.That(plan.GetProperty("unallocated").GetInt32(), Is.EqualTo(2));
        Assert.That(plan.Money("committed"), Is.EqualTo(2m));

        // Tasks: another vendor's team invitations and members are not reachable; bad ids and pages are refused.
        var worker = await Api.SignUpAsync("worker");
        Assert.That((await worker.PostAsync($"/api/tasks/team/invitations/{Guid.NewGuid()}/accept")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await vendorA.PostAsync("/api/tasks/team/invitations", new { workerId = "not-a-guid" })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await vendorA.PostAsync("/api/tasks/team/invitations", new { })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await vendorA.Http.GetAsync("/api/tasks/team/members?page=0")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await worker.Http.GetAsync("/api/tasks/team/members")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Cancelling_a_contracted_order_closes_its_packages_work()
    {
        var vendor = await Tender.VendorAsync();
        var order = await Contracted.AwardedAsync(vendor, items: 3, price: 6m);
        var member = await Contracted.TeamMemberAsync(vendor);
        var team = await Contracted.PackageIdAsync(vendor, order.Id, new { kind = "team", items = 2, rewardPerAnswer = 1m });
        await Contracted.WaitForSplitAsync(vendor, team, 2);
        var claimed = await Api.ReadAsync(await member.PostAsync($"/api/tasks/assignments/claim?orderId={team}"), HttpStatusCode.OK);
        await Api.ReadAsync(await member.PostAsync($"/api/tasks/assignments/{claimed.GetProperty("assignmentId").GetGuid()}/submit",
            new { answer = "positive" }), HttpStatusCode.OK);

        await Api.ReadAsync(await order.Enterprise.PostAsync($"/api/orders/orders/{order.Id}/cancel"), HttpStatusCode.Accepted);
        // Tasks closes the package: the submitted answer is approved (paid), the open one withdrawn, and it answers for the order.
        await Api.EventuallyAsync(async () => await Contracted.TasksScalarAsync<long>("""
            SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Marketplace.Contracts.Tasks.OrderWorkClosed,%'
              AND body->>'orderId' = @orderId AND (body->>'approvedAssignments')::int = 1 AND (body->>'withdrawnAssignments')::int = 1
            """, new { orderId = order.Id.ToString() }) == 1, "tasks closed the cancelled order's packages");
        Assert.That((await member.PostAsync($"/api/tasks/assignments/claim?orderId={team}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var closed = await Api.ReadAsync(await Contracted.PackageAsync(vendor, order.Id, new { kind = "team", items = 1, rewardPerAnswer = 1m }),
            HttpStatusCode.Conflict);
        Assert.That(closed.Code(), Is.EqualTo("work.not_open"));
    }

    /// <summary>
    /// Once the contract is late, what delivering now would pay as a penalty is no longer the vendor's to spend: the split
    /// at acceptance takes it (and the fee on what is left) before any vendor is credited, so the guard does too.
    /// </summary>
    [Test]
    public async Task A_late_contracts_penalty_is_taken_off_the_income_its_packages_may_commit()
    {
        var order = await ContractedMoney.AwardedAsync(price: 15m,
            tender: new { bidDeadline = DateTimeOffset.UtcNow.AddHours(1), latePenaltyPercentPerDay = 5m, maxPenaltyPercent = 20m });
        var vendorB = await Tender.VendorAsync();
        var onTime = await Contracted.PlanAsync(order.Vendor, order.OrderId);
        Assert.That((onTime.Money("income"), onTime.Money("latePenalty")), Is.EqualTo((15m - ContractedMoney.Fee(order), 0m)), "on time: no penalty");

        // A day and an hour past the deliver-by is two days late: 10 % of 15.00 owed if it delivered now.
        await ContractedMoney.DueAgoAsync(order, TimeSpan.FromDays(1) + TimeSpan.FromHours(1));
        var income = 15m - 1.50m - ContractedMoney.Fee(order, penalty: 1.50m);
        var late = await Contracted.PlanAsync(order.Vendor, order.OrderId);
        Assert.That((late.Money("latePenalty"), late.Money("income"), late.Money("margin")), Is.EqualTo((1.50m, income, income)));

        // What the guard allowed on time is now over the income, as is a ten-thousandth of a yuan more than it; the income itself fits.
        foreach (var price in new[] { onTime.Money("income"), income + 0.0001m })
            Assert.That((await Api.ReadAsync(await Contracted.PackageAsync(order.Vendor, order.OrderId,
                new { kind = "subcontract", items = 4, vendorOrgId = vendorB.OrgId, price }), (HttpStatusCode)422)).Code(), Is.EqualTo("work.over_income"), $"{price}");
        var fits = await Api.ReadAsync(await Contracted.PackageAsync(order.Vendor, order.OrderId,
            new { kind = "subcontract", items = 4, vendorOrgId = vendorB.OrgId, price = income }), HttpStatusCode.Created);
        Assert.That(fits.Money("committed"), Is.EqualTo(income));
        Assert.That((await Contracted.PlanAsync(order.Vendor, order.OrderId)).Money("margin"), Is.Zero);
    }
}
