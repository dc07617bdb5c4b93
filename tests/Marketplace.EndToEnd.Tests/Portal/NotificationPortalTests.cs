using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Tasks;
using Marketplace.EndToEnd.Tests.Bidding;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>A worker's notifications page, in Chinese: the sentence written from the kind and its facts, and read marks.</summary>
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
        await Api.EventuallyAsync(async () => (await NotificationTests.NotificationsAsync(vendor)).Count == 3, "the vendor is told three things");

        await SignInAsync(vendor);
        await Page.GetByRole(AriaRole.Link, new() { Name = "通知" }).ClickAsync();
        var shortId = order.ToString()[..8];
        await Expect(Page.Locator("li.notification[data-kind='subcontract.offered']"))
            .ToContainTextAsync($"您收到订单 {shortId} 的分包邀约：5 条（重要数据，文本分类），价格 ¥12.50");
        await Expect(Page.Locator("li.notification[data-kind='subcontract.declined']")).ToContainTextAsync("（3 条）被拒绝：本周没有产能。");
        await Expect(Page.Locator("li.notification[data-kind='contract.rework_requested']"))
            .ToContainTextAsync($"订单 {shortId} 第 1 轮验收未通过：2 条需返工。");
        Assert.That(ConsoleErrors, Is.Empty);
    }
}
