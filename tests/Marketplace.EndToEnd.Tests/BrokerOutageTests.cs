using System.Net;

namespace Marketplace.EndToEnd.Tests;

[TestFixture, NonParallelizable]
public class BrokerOutageTests
{
    [Test]
    public async Task An_order_published_while_RabbitMQ_is_down_reaches_the_crowd_when_it_returns()
    {
        var enterprise = await Api.SignUpAsync("enterprise");
        await Scenario.DepositAsync(enterprise, 20.00m);
        var orderId = await Scenario.CreateOrderAsync(enterprise, items: 2, unitPrice: 0.50m);

        await Cluster.RabbitMqAsync("stop");
        try
        {
            // The state change and its message commit together; the message waits in the outbox.
            await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.That((await enterprise.GetAsync($"/api/orders/orders/{orderId}")).GetProperty("status").GetString(), Is.EqualTo("published"));
        }
        finally
        {
            await Cluster.RabbitMqAsync("start");
        }

        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress", TimeSpan.FromSeconds(90));
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == 2,
            "tasks split the order into its two assignments", TimeSpan.FromSeconds(60));
        Assert.That((await enterprise.GetAsync("/api/settlement/wallet")).Money("inEscrow"), Is.EqualTo(1.00m), "escrowed once");
        await Cluster.WaitHealthyAsync(TimeSpan.FromSeconds(60));
    }
}
