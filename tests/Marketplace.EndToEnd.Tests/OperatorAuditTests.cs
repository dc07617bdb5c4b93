using System.Net;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Marketplace.EndToEnd.Tests;

/// <summary>The operators' audit log: every change an operator makes is recorded, operators read it, nobody edits it.</summary>
[TestFixture]
public class OperatorAuditTests
{
    /// <summary>An operator of its own (so its log holds only this test's actions), signed in.</summary>
    public static async Task<Actor> NewOperatorAsync()
    {
        var boss = await Api.OperatorAsync();
        var email = $"audited-{Guid.NewGuid():N}@e2e.test";
        await Api.ReadAsync(await boss.PostAsync("/api/auth/operators", new { email, password = "e2e-password-1", displayName = "Audited Operator" }),
            HttpStatusCode.Created);
        return await Api.SignInAsync(email, "e2e-password-1");
    }

    [Test]
    public async Task Every_operator_change_is_recorded_with_who_what_target_when_and_outcome_and_can_be_filtered()
    {
        var op = await NewOperatorAsync();
        var worker = await Api.SignUpAsync("worker", verified: false);
        await Api.ReadAsync(await worker.PostAsync("/api/tasks/workers/me/identity", new { legalName = "Audit Worker", idNumber = Api.IdNumber() }), HttpStatusCode.OK);
        var before = DateTime.UtcNow.AddSeconds(-5);
        await Api.ReadAsync(await op.PostAsync($"/api/tasks/workers/{worker.UserId}/identity/review", new { decision = "verify" }), HttpStatusCode.OK);
        await Api.ReadAsync(await op.PostAsync($"/api/tasks/workers/{worker.UserId}/identity/review", new { decision = "verify" }), HttpStatusCode.Conflict);
        await op.GetAsync($"/api/tasks/workers/{worker.UserId}"); // a read is not an action

        var log = await op.GetAsync($"/api/ops/audit?operatorId={op.UserId}&pageSize=10");
        Assert.That(log.GetProperty("total").GetInt64(), Is.EqualTo(2), log.ToString());
        var entries = log.GetProperty("items").EnumerateArray().ToList();
        Assert.That(entries.Select(e => e.GetProperty("status").GetInt32()), Is.EqualTo(new[] { 409, 200 }), "newest first, refusals too");
        foreach (var entry in entries)
        {
            Assert.That(entry.GetProperty("operatorId").GetGuid(), Is.EqualTo(op.UserId));
            Assert.That(entry.GetProperty("operatorName").GetString(), Is.EqualTo("Audited Operator"));
            Assert.That(entry.GetProperty("action").GetString(), Is.EqualTo("POST /api/tasks/workers/{id}/identity/review"));
            Assert.That(entry.GetProperty("target").GetString(), Is.EqualTo($"/api/tasks/workers/{worker.UserId}/identity/review"));
            Assert.That(entry.GetProperty("occurredAt").GetDateTime(), Is.GreaterThan(before));
        }
        var byAction = await op.GetAsync($"/api/ops/audit?operatorId={op.UserId}&action={Uri.EscapeDataString("POST /api/tasks/workers/")}");
        Assert.That(byAction.GetProperty("total").GetInt64(), Is.EqualTo(2));
        var other = await op.GetAsync($"/api/ops/audit?operatorId={op.UserId}&action={Uri.EscapeDataString("DELETE ")}");
        Assert.That(other.GetProperty("total").GetInt64(), Is.Zero);

        Assert.That((await worker.Http.GetAsync("/api/ops/audit")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        using var anonymous = Api.Anonymous();
        Assert.That((await anonymous.GetAsync("/api/ops/audit")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var badPage = await Api.ReadAsync(await op.Http.GetAsync("/api/ops/audit?page=0"), HttpStatusCode.BadRequest);
        Assert.That(badPage.GetProperty("errors").TryGetProperty("page", out _), Is.True);
    }

    [Test]
    public async Task Nobody_can_edit_or_delete_the_record_even_in_the_database()
    {
        var op = await NewOperatorAsync();
        var worker = await Api.SignUpAsync("worker", verified: false);
        await op.PostAsync($"/api/tasks/workers/{worker.UserId}/vetting", new { decision = "vet" }); // refused (not verified), still recorded
        await Api.EventuallyAsync(async () => (await op.GetAsync($"/api/ops/audit?operatorId={op.UserId}")).GetProperty("total").GetInt64() == 1,
            "the action is recorded");

        await using var db = new NpgsqlConnection(Cluster.Database("gateway"));
        foreach (var sql in new[]
                 {
                     "UPDATE operator_actions SET status = 200 WHERE operator_id = @UserId",
                     "DELETE FROM operator_actions WHERE operator_id = @UserId",
                     "TRUNCATE operator_actions",
                 })
        {
            var refused = Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(sql, new { op.UserId }), sql);
            Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege), sql);
        }
        var kept = await db.QuerySingleAsync<(int Status, string Action)>("SELECT status, action FROM operator_actions WHERE operator_id = @UserId", new { op.UserId });
        Assert.That(kept.Status, Is.GreaterThanOrEqualTo(400));
        Assert.That(kept.Action, Is.EqualTo("POST /api/tasks/workers/{id}/vetting"));
    }
}
