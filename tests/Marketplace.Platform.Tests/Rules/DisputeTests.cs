using Marketplace.Orders.Process;

namespace Marketplace.Platform.Tests.Rules;

/// <summary>The order process's dispute rules: a contracted order in rework can be disputed; the decision closes it.</summary>
public class DisputeTests
{
    [Test]
    public void A_contracted_order_in_rework_can_be_disputed_and_stops_there()
    {
        var process = new OrderProcess(OrderState.Rework, bidMode: true, coreData: false);
        process.Fire(OrderTrigger.OpenDispute);
        Assert.That(process.State, Is.EqualTo(OrderState.Disputed));
        Assert.That(process.Commands, Is.Empty);
        Assert.That(process.PermittedTriggers, Is.EqualTo(new[] { OrderTrigger.DisputeDecided }),
            "a disputed order is neither cancelled, delivered nor accepted: only the operator's decision moves it");
    }

    [Test]
    public void The_decision_closes_the_order_and_sends_it_to_be_settled()
    {
        var process = new OrderProcess(OrderState.Disputed, bidMode: true, coreData: true);
        process.Fire(OrderTrigger.DisputeDecided);
        Assert.That(process.State, Is.EqualTo(OrderState.Closed));
        Assert.That(process.Commands, Is.EqualTo(new[] { OrderCommand.SettleDispute }));
    }

    [TestCase(OrderState.InProgress)]
    [TestCase(OrderState.Delivered)]
    [TestCase(OrderState.Accepted)]
    [TestCase(OrderState.Closed)]
    public void Only_rework_can_be_disputed(OrderState from) =>
        Assert.That(new OrderProcess(from, bidMode: true, coreData: false).CanFire(OrderTrigger.OpenDispute), Is.False);

    [Test]
    public void A_crowd_order_has_no_contract_to_dispute() =>
        Assert.That(new OrderProcess(OrderState.Rework, bidMode: false, coreData: false).CanFire(OrderTrigger.OpenDispute), Is.False);

    [Test]
    public void The_disputed_state_is_stored_in_snake_case() =>
        Assert.That(OrderProcess.Parse(OrderProcess.Name(OrderState.Disputed)), Is.EqualTo(OrderState.Disputed));
}
