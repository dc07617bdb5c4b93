using System.Net;
using System.Text.Json;
using Marketplace.EndToEnd.Tests.Bidding;
using static Marketplace.EndToEnd.Tests.Organisations.Team;

namespace Marketplace.EndToEnd.Tests.Organisations;

/// <summary>
/// In-app notices of a contracted order's work: a sub-contract offered reaches the addressed vendor's members who may
/// accept it, its answer the offering vendor's; a team invitation reaches the worker; team work arriving reaches the
/// vendor's team workers and nobody else, and a crowd package tells no one.
/// </summary>
[TestFixture]
public class WorkNoticeTests
{
    [Test]
    public async Task Sub_contracts_offered_declined_and_accepted_tell_the_members_who_commit_of_the_vendors_concerned()
    {
        var vendorA = await Tender.VendorAsync();
        var reviewerA = await MemberAsync(vendorA, "reviewer");
        var vendorB = await Tender.VendorAsync();
        var financeB = await MemberAsync(vendorB, "finance");
        var reviewerB = await MemberAsync(vendorB, "reviewer");
        var order = await Contracted.AwardedAsync(vendorA, items: 4, price: 8m);

        var first = await Contracted.PackageIdAsync(vendorA, order.Id, new { kind = "subcontract", items = 2, vendorOrgId = vendorB.OrgId, price = 3m });
        bool First(JsonElement p) => p.GetProperty("subcontractId").GetGuid() == first;
        foreach (var member in new[] { vendorB, financeB })
        {
            var offered = (await NotificationTests.ArrivesAsync(member, "subcontract.offered", First)).GetProperty("params");
            Assert.That((offered.GetProperty("orderId").GetGuid(), offered.GetProperty("fromVendorOrgId").GetGuid(), offered.GetProperty("items").GetInt32(),
                offered.Money("price"), offered.GetProperty("dataGrade").GetString()), Is.EqualTo((order.Id, vendorA.OrgId, 2, 3m, "general")));
        }
        await Api.ReadAsync(await vendorB.PostAsync($"/api/orders/orders/subcontracts/{first}/decline", new { reason = "No capacity this week." }),
            HttpStatusCode.OK);
        var declined = (await NotificationTests.ArrivesAsync(vendorA, "subcontract.declined", First)).GetProperty("params");
        Assert.That((declined.GetProperty("reason").GetString(), declined.GetProperty("items").GetInt32()), Is.EqualTo(("No capacity this week.", 2)));

        var second = await Contracted.PackageIdAsync(vendorA, order.Id, new { kind = "subcontract", items = 2, vendorOrgId = vendorB.OrgId, price = 3.5m });
        await NotificationTests.ArrivesAsync(vendorB, "subcontract.offered", p => p.GetProperty("subcontractId").GetGuid() == second);
        await Api.ReadAsync(await financeB.PostAsync($"/api/orders/orders/subcontracts/{second}/accept"), HttpStatusCode.OK);
        var accepted = (await NotificationTests.ArrivesAsync(vendorA, "subcontract.accepted", p => p.GetProperty("subcontractId").GetGuid() == second))
            .GetProperty("params");
        Assert.That((accepted.GetProperty("toVendorOrgId").GetGuid(), accepted.Money("price")), Is.EqualTo((vendorB.OrgId, 3.5m)));

        // Each row was written with the event that caused it: whoever has none now never gets one.
        Assert.That(await CountAsync(reviewerB, "subcontract.offered"), Is.Zero, "a reviewer cannot accept an offer");
        Assert.That(await CountAsync(reviewerA, "subcontract.declined") + await CountAsync(reviewerA, "subcontract.accepted"), Is.Zero);
        Assert.That(await CountAsync(vendorA, "subcontract.offered") + await CountAsync(vendorB, "subcontract.accepted"), Is.Zero);
        Assert.That(await CountAsync(order.Enterprise, "subcontract.offered"), Is.Zero, "the enterprise's contract is with A alone");
    }

    [Test]
    public async Task A_team_invitation_tells_the_worker_and_team_work_tells_the_team_while_a_crowd_package_tells_nobody()
    {
        var vendor = await Tender.VendorAsync();
        var otherVendor = await Tender.VendorAsync();
        var member = await Contracted.TeamMemberAsync(vendor);
        var otherTeam = await Contracted.TeamMemberAsync(otherVendor);
        var invited = await NotificationTests.ArrivesAsync(member, "team.invited", p => p.GetProperty("vendorOrgId").GetGuid() == vendor.OrgId);
        Assert.That(invited.GetProperty("params").GetProperty("message").GetString(), Is.EqualTo("Join us."));
        var order = await Contracted.AwardedAsync(vendor, items: 4, price: 8m);

        var team = await Contracted.PackageIdAsync(vendor, order.Id, new { kind = "team", items = 2, rewardPerAnswer = 1m });
        var crowd = await Contracted.PackageIdAsync(vendor, order.Id, new { kind = "crowd", items = 2, rewardPerAnswer = 0.5m });
        var arrived = (await NotificationTests.ArrivesAsync(member, "work.arrived", p => p.GetProperty("packageId").GetGuid() == team)).GetProperty("params");
        Assert.That((arrived.GetProperty("orderId").GetGuid(), arrived.GetProperty("slots").GetInt32(), arrived.Money("reward"),
            arrived.GetProperty("reworkRound").ValueKind), Is.EqualTo((order.Id, 2, 1m, JsonValueKind.Null)));
        await Contracted.WaitForSplitAsync(vendor, crowd, 2);

        // Tasks announced the team package once and the crowd package never: no one anywhere was told of the crowd's.
        Assert.That(await Contracted.TasksScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Marketplace.Contracts.Tasks.TeamWorkArrived,%' AND body->>'orderId' = @id",
            new { id = order.Id.ToString() }), Is.EqualTo(1));
        Assert.That(await GatewayCountAsync("SELECT count(*) FROM notifications WHERE kind = 'work.arrived' AND params->>'packageId' = @id", crowd), Is.Zero);
        Assert.That(await GatewayCountAsync("SELECT count(*) FROM notifications WHERE kind = 'work.arrived' AND params->>'packageId' = @id", team), Is.EqualTo(1),
            "the one team member, and not another vendor's team");
        Assert.That(await CountAsync(otherTeam, "work.arrived"), Is.Zero);
    }

    private static async Task<int> CountAsync(Actor actor, string kind) => (await NotificationTests.NotificationsAsync(actor, kind)).Count;

    private static async Task<long> GatewayCountAsync(string sql, Guid id)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Cluster.Database("gateway"));
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, sql, new { id = id.ToString() });
    }
}
