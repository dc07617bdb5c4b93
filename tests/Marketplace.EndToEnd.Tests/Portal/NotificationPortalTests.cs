using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Tasks;
using Marketplace.EndToEnd.Tests.Bidding;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// Notifications in Chinese: the page (the sentence written from the kind and its facts, and read marks) and the header's
/// bell with the unread count.
/// </summary>
[TestFixture]
public class NotificationPortalTests : PortalTest
{
    protected override string Language => "zh-CN";

    [Test]
    public async Task A_worker_reads_a_rejection_in_Chinese_on_the_notifications_page_and_marks_it_read()
    {
        var worker = await Api.SignUpAsync("worker");
        // What tasks publishes when an enterprise rejects a submission (the gateway tells the worker).
        await Tender.PublishAsync(new AssignmentRejected(Guid.NewGuid(), Guid.NewGuid(), worker.UserId, "wrong-answer", "框画偏了",
            DateTimeOffset.UtcNow.AddDays(3), DateTimeOffset.UtcNow));
        await NotificationTests.ArrivesAsync(worker, "submission.rejected");

        await SignInAsync(worker);
        await Page.GetByRole(AriaRole.Link, new() { Name = "通知" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "通知" })).ToBeVisibleAsync();
        var item = Page.Locator("li.notification[data-kind='submission.rejected']");
        await Expect(item).ToContainTextAsync("被驳回：答案错误。框画偏了");
        await Expect(Page.Locator(".unread-count")).ToHaveTextAsync("1 条未读");
        await item.GetByRole(AriaRole.Button, new() { Name = "标为已读" }).ClickAsync();
        await Expect(Page.Locator(".unread-count")).ToHaveTextAsync("0 条未读");
        var read = (await NotificationTests.NotificationsAsync(worker, "submission.rejected")).Single();
        Assert.That(read.GetProperty("readAt").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.String));
        Assert.That(ConsoleErrors, Is.Empty);
    }

    [Test]
    public async Task A_worker_reads_a_team_invitation_and_team_work_in_Chinese()
    {
        var worker = await Api.SignUpAsync("worker");
        var vendor = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        // What tasks publishes when a vendor invites the worker and when its team packages (first work, rework) are split.
        await Tender.PublishAsync(new TeamInvitationSent(Guid.NewGuid(), vendor, worker.UserId, "欢迎加入我们的团队", now));
        await Tender.PublishAsync(new TeamWorkArrived(Guid.NewGuid(), Guid.NewGuid(), vendor, [worker.UserId], "text-classification", "core", 4, 1.5m,
            "CNY", now.AddDays(2), null, now));
        await Tender.PublishAsync(new TeamWorkArrived(Guid.NewGuid(), Guid.NewGuid(), vendor, [worker.UserId], "text-classification", "core", 2, 2m,
            "CNY", now.AddDays(2), 1, now));
        await Api.EventuallyAsync(async () => (await NotificationTests.NotificationsAsync(worker)).Count == 3, "the worker is told three things");

        await SignInAsync(worker);
        await Page.GetByRole(AriaRole.Link, new() { Name = "通知" }).ClickAsync();
        await Expect(Page.Locator("li.notification[data-kind='team.invited']")).ToContainTextAsync("一家服务商邀请您加入其标注团队。欢迎加入我们的团队");
        var work = Page.Locator("li.notification[data-kind='work.arrived']");
        await Expect(work.Filter(new() { HasText = "团队新工作已到" })).ToContainTextAsync("4 个任务（文本分类，核心数据），每个 ¥1.50");
        await Expect(work.Filter(new() { HasText = "团队返工任务已到" })).ToContainTextAsync("2 个未通过验收的条目（文本分类），每个 ¥2.00");
        Assert.That(ConsoleErrors, Is.Empty);
    }

    [Test]
    public async Task A_vendor_reads_sub_contract_offers_and_answers_and_a_failed_acceptance_in_Chinese()
    {
        var vendor = await Api.SignUpAsync("vendor");
        var other = Guid.NewGuid();
        var order = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        // What orders publishes: an offer to this vendor, this vendor's own offer declined, its contract's sample failed.
        await Tender.PublishAsync(new SubcontractOffered(Guid.NewGuid(), order, other, vendor.OrgId, 5, 12.5m, "CNY", "text-classification", "important",
            now.AddDays(5), now));
        await Tender.PublishAsync(new SubcontractDeclined(Guid.NewGuid(), order, vendor.OrgId, other, 3, "本周没有产能", now));
        await Tender.PublishAsync(new OrderReworkRequested(order, Guid.NewGuid(), 1, 2, 0m, "CNY", now, vendor.OrgId, Guid.NewGuid()));
        // ...and, as a sub-vendor of another order, items it delivered failed that order's acceptance.
        await Tender.PublishAsync(new SubcontractReworkRequested(Guid.NewGuid(), order, other, vendor.OrgId, 2, 3, "金融客服语音转写", now));
        await Api.EventuallyAsync(async () => (await NotificationTests.NotificationsAsync(vendor)).Count == 4, "the vendor is told four things");

        await SignInAsync(vendor);
        await Page.GetByRole(AriaRole.Link, new() { Name = "通知" }).ClickAsync();
        var shortId = order.ToString()[..8];
        await Expect(Page.Locator("li.notification[data-kind='subcontract.offered']"))
            .ToContainTextAsync($"您收到订单 {shortId} 的分包邀约：5 条（重要数据，文本分类），价格 ¥12.50");
        await Expect(Page.Locator("li.notification[data-kind='subcontract.declined']")).ToContainTextAsync("（3 条）被拒绝：本周没有产能。");
        await Expect(Page.Locator("li.notification[data-kind='contract.rework_requested']"))
            .ToContainTextAsync($"订单 {shortId} 第 1 轮验收未通过：2 条需返工。");
        await Expect(Page.Locator("li.notification[data-kind='subcontract.rework_requested']"))
            .ToContainTextAsync($"您分包承接的「金融客服语音转写」（订单 {shortId}）中有 3 条未通过第 2 轮验收，总包服务商须返工这些条目。");
        Assert.That(ConsoleErrors, Is.Empty);
    }

    /// <summary>
    /// The header's bell, on every page: the unread count as a badge, asked again on every page change (and every 30 s);
    /// it opens the notifications page, where reading lowers it.
    /// </summary>
    [Test]
    public async Task The_bell_in_the_header_counts_unread_notifications_opens_them_and_goes_down_as_they_are_read()
    {
        var worker = await Api.SignUpAsync("worker");
        async Task RejectedAsync(int expected)
        {
            await Tender.PublishAsync(new AssignmentRejected(Guid.NewGuid(), Guid.NewGuid(), worker.UserId, "wrong-answer", "框画偏了",
                DateTimeOffset.UtcNow.AddDays(3), DateTimeOffset.UtcNow));
            await Api.EventuallyAsync(async () => (await NotificationTests.NotificationsAsync(worker)).Count == expected, $"{expected} notifications");
        }
        await RejectedAsync(1);
        await RejectedAsync(2);

        await SignInAsync(worker);
        var bell = Page.Locator("#notification-bell");
        await Expect(bell).ToHaveAttributeAsync("aria-label", "未读消息 2 条");
        await Expect(bell.Locator(".bell-badge")).ToHaveTextAsync("2");
        await bell.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/notifications$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "通知" })).ToBeVisibleAsync();
        await Page.Locator("li.notification.unread").First.GetByRole(AriaRole.Button, new() { Name = "标为已读" }).ClickAsync();
        await Expect(bell.Locator(".bell-badge")).ToHaveTextAsync("1");
        await Page.GetByRole(AriaRole.Button, new() { Name = "全部标为已读" }).ClickAsync();
        await Expect(bell.Locator(".bell-badge")).ToHaveCountAsync(0);
        await Expect(bell).ToHaveAttributeAsync("aria-label", "未读消息 0 条");

        // A notice that arrives meanwhile shows at the next page change.
        await RejectedAsync(3);
        await Page.GetByRole(AriaRole.Link, new() { Name = "我的提交" }).ClickAsync();
        await Expect(bell.Locator(".bell-badge")).ToHaveTextAsync("1");
        Assert.That(ConsoleErrors, Is.Empty);
    }
}
