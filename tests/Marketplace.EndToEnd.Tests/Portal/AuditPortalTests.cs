using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>An operator reads the audit log in the portal, filtered to one operator.</summary>
[TestFixture]
public class AuditPortalTests : PortalTest
{
    protected override string Language => "zh-CN";

    [Test]
    public async Task An_operator_finds_their_own_actions_in_the_audit_log()
    {
        var op = await OperatorAuditTests.NewOperatorAsync();
        var worker = await Api.SignUpAsync("worker", verified: false);
        await Api.ReadAsync(await worker.PostAsync("/api/tasks/workers/me/identity", new { legalName = "Audit Worker", idNumber = Api.IdNumber() }), HttpStatusCode.OK);
        await Api.ReadAsync(await op.PostAsync($"/api/tasks/workers/{worker.UserId}/identity/review", new { decision = "verify" }), HttpStatusCode.OK);

        await SignInAsync(op);
        await Page.GotoAsync("/#/ops/audit");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "运营操作审计" })).ToBeVisibleAsync();
        await ChooseAsync(Page.GetByRole(AriaRole.Combobox, new() { Name = "运营人员", Exact = true }), op.Email);
        var row = Page.Locator(".audit-table tbody tr", new() { HasText = worker.UserId.ToString() });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("POST /api/tasks/workers/{id}/identity/review");
        await Expect(row).ToContainTextAsync("200");
        Assert.That(ConsoleErrors, Is.Empty);
    }
}
