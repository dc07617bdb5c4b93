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
}
