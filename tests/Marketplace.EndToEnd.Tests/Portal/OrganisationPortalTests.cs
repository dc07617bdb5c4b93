using Marketplace.EndToEnd.Tests.Bidding;
using Marketplace.EndToEnd.Tests.Organisations;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// Organisations with members in the browser, in Chinese: an owner invites a colleague as a reviewer, the colleague
/// accepts on its own organisation page and switches to the owner's organisation in the header, where it acts as a
/// reviewer: no money forms, and the reason in Chinese in their place. An owner changes a member's role, removes it and
/// revokes an invitation, each after a confirmation.
/// </summary>
[TestFixture]
public class OrganisationPortalTests : PortalTest
{
    protected override string Language => "zh-CN";

    private static async Task<string> OrganisationNameAsync(Actor person) =>
        (await person.GetAsync("/api/auth/memberships")).GetProperty("items").EnumerateArray()
            .Single(m => m.GetProperty("current").GetBoolean()).GetProperty("organisationName").GetString()!;

    [Test]
    public async Task An_invited_reviewer_accepts_switches_organisation_in_the_header_and_is_offered_no_money_buttons()
    {
        var owner = await Api.SignUpAsync("vendor");
        var colleague = await Api.SignUpAsync("vendor");
        var ownerOrg = await OrganisationNameAsync(owner);
        var colleagueOrg = await OrganisationNameAsync(colleague);

        await SignInAsync(owner);
        await Expect(Page.Locator(".account .org-current")).ToHaveTextAsync($"{ownerOrg} · 标注企业 · 负责人");
        await Page.GetByRole(AriaRole.Link, new() { Name = "组织与成员" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "组织与成员" })).ToBeVisibleAsync();
        await Expect(Page.Locator(".members-table .member-name")).ToHaveTextAsync("E2E vendor");
        await Page.Locator(".invite").GetByLabel("电子邮箱").FillAsync(colleague.Email);
        await ChooseAsync(Page.Locator(".invite").GetByLabel("角色"), "审核员");
        await Page.GetByRole(AriaRole.Button, new() { Name = "发送邀请" }).ClickAsync();
        await Expect(Toast($"已邀请 {colleague.Email}")).ToBeVisibleAsync();
        var sent = Page.Locator(".invitations-table tr", new() { HasText = colleague.Email });
        await Expect(sent).ToContainTextAsync("审核员");
        await Expect(sent.Locator(".badge")).ToHaveAttributeAsync("data-value", "pending");
        // The same address again: the server's refusal, in Chinese, at the form.
        await Page.Locator(".invite").GetByLabel("电子邮箱").FillAsync(colleague.Email);
        await Page.GetByRole(AriaRole.Button, new() { Name = "发送邀请" }).ClickAsync();
        await Expect(Page.Locator(".invite .form-error")).ToHaveTextAsync("已向此邮箱发出邀请，尚待处理。");
        await Page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();

        await SignInAsync(colleague);
        await Expect(Page.Locator(".account .org-current")).ToHaveTextAsync($"{colleagueOrg} · 标注企业 · 负责人");
        await Page.GotoAsync("/#/organisation");
        var invitation = Page.Locator(".my-invitations tr", new() { HasText = ownerOrg });
        await Expect(invitation).ToContainTextAsync("审核员");
        await invitation.GetByRole(AriaRole.Button, new() { Name = "接受" }).ClickAsync();
        await Expect(Toast($"已加入「{ownerOrg}」，角色：审核员")).ToBeVisibleAsync();
        await Expect(Page.Locator(".my-organisations .el-table__body tr")).ToHaveCountAsync(2);

        // Two organisations: the header offers the other one.
        await PickFromMenuAsync(Page.Locator(".account button.org-current"), ownerOrg);
        await Expect(Toast($"已切换到「{ownerOrg}」")).ToBeVisibleAsync();
        await Expect(Page.Locator(".account button.org-current")).ToContainTextAsync($"{ownerOrg} · 审核员");
        await Expect(Page.Locator(".account .org")).ToHaveAttributeAsync("data-org-role", "reviewer");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "标注企业工作台" })).ToBeVisibleAsync();
        var members = await owner.GetAsync("/api/organisation/members");
        Assert.That(members.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("userId").GetGuid() == colleague.UserId)
            .GetProperty("orgRole").GetString(), Is.EqualTo("reviewer"));

        // A reviewer moves no money: no bank account or withdrawal form, and why, in the words the server's refusal uses.
        await Page.GetByRole(AriaRole.Link, new() { Name = "收款与提现" }).ClickAsync();
        await Expect(Page.Locator("#vendor-available")).ToHaveTextAsync("¥0.00");
        await Expect(Page.Locator(".notice.role")).ToHaveTextAsync("您在本组织的角色是审核员，不能动用资金（需要负责人或财务）。");
        await Expect(Page.Locator(".bank-account-form")).ToHaveCountAsync(0);
        await Expect(Page.Locator(".withdraw")).ToHaveCountAsync(0);
        await Page.GotoAsync("/#/organisation");
        await Expect(Page.Locator("#my-org-role")).ToHaveTextAsync("审核员");
        await Expect(Page.Locator(".notice.role")).ToHaveTextAsync("您在本组织的角色是审核员，不能管理成员（需要负责人）。");
        await Expect(Page.Locator(".members-table")).ToHaveCountAsync(0);
        await Page.GotoAsync("/#/vendor");
        await Expect(Page.Locator(".notice.role")).ToContainTextAsync("不能投标或修改服务与资质（需要负责人或财务）");
        await SnapAsync("page-organisation-reviewer-zh");
        Assert.That(ConsoleErrorsBesidesClientErrors(), Is.Empty);
    }

    [Test]
    public async Task An_owner_changes_a_members_role_removes_a_member_and_revokes_an_invitation_after_confirming()
    {
        var owner = await Api.SignUpAsync("enterprise");
        var colleague = await Team.MemberAsync(owner, "reviewer");
        var leaving = await Team.MemberAsync(owner, "finance");
        var invited = $"later-{Guid.NewGuid():N}@e2e.test";
        await Team.InviteAsync(owner, invited, "finance");

        await SignInAsync(owner);
        await Page.GotoAsync("/#/organisation");
        await Expect(Page.Locator(".members-table .el-table__body tr")).ToHaveCountAsync(3);
        await ChooseAsync(Page.Locator($".member-role[data-user-id='{colleague.UserId}']"), "财务");
        await ConfirmAsync();
        await Expect(Toast("的角色已改为财务")).ToBeVisibleAsync();
        await Api.EventuallyAsync(async () => (await owner.GetAsync("/api/organisation/members")).GetProperty("items").EnumerateArray()
            .Single(m => m.GetProperty("userId").GetGuid() == colleague.UserId).GetProperty("orgRole").GetString() == "finance", "the reviewer is finance now");

        var row = Page.Locator(".members-table .el-table__body tr", new() { HasText = leaving.Email });
        await row.GetByRole(AriaRole.Button, new() { Name = "移除" }).ClickAsync();
        await Page.Locator(".el-message-box").GetByRole(AriaRole.Button, new() { Name = "取消" }).ClickAsync();
        await Expect(Page.Locator(".el-overlay.is-message-box:visible")).ToHaveCountAsync(0);
        Assert.That((await owner.GetAsync("/api/organisation/members")).GetProperty("total").GetInt64(), Is.EqualTo(3), "cancelled: nobody removed");
        await row.GetByRole(AriaRole.Button, new() { Name = "移除" }).ClickAsync();
        await ConfirmAsync();
        await Expect(Page.Locator(".members-table .el-table__body tr")).ToHaveCountAsync(2);
        Assert.That((await owner.GetAsync("/api/organisation/members")).Ids("userId"), Is.EquivalentTo(new[] { owner.UserId, colleague.UserId }));

        var pending = Page.Locator(".invitations-table tr", new() { HasText = invited });
        await pending.GetByRole(AriaRole.Button, new() { Name = "撤销" }).ClickAsync();
        await ConfirmAsync();
        await Expect(pending.Locator(".badge")).ToHaveAttributeAsync("data-value", "revoked");
        await ChooseAsync(Page.GetByRole(AriaRole.Combobox, new() { Name = "状态" }), "待接受");
        await Expect(Page.Locator(".invitations-table tr", new() { HasText = invited })).ToHaveCountAsync(0);
        Assert.That(ConsoleErrorsBesidesClientErrors(), Is.Empty);
    }
}
