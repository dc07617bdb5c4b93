using Marketplace.Orders.Process;

namespace Marketplace.Platform.Tests.Rules;

/// <summary>The order process's rules: which triggers move an order where, and which commands each move sends.</summary>
[TestFixture]
public class OrderProcessTests
{
    private static OrderProcess Fired(OrderState from, OrderTrigger trigger, bool bidMode = false, bool coreData = false)
    {
        var process = new OrderProcess(from, bidMode, coreData);
        process.Fire(trigger);
        return process;
    }

    [Test]
    public void A_funded_crowd_order_goes_to_work_and_prepares_its_crowd_work()
    {
        var process = Fired(OrderState.Published, OrderTrigger.Funded);
        Assert.That(process.State, Is.EqualTo(OrderState.InProgress));
        Assert.That(process.Commands, Is.EqualTo(new[] { OrderCommand.PrepareCrowdWork }));
    }

    [Test]
    public void A_funded_bid_order_opens_a_call_for_bids_and_sends_nothing_to_the_crowd()
    {
        var process = Fired(OrderState.Published, OrderTrigger.Funded, bidMode: true);
        Assert.That(process.State, Is.EqualTo(OrderState.Tendering));
        Assert.That(process.Commands, Is.EqualTo(new[] { OrderCommand.OpenCallForBids }));
    }

    [Test]
    public void Publishing_reserves_the_budget_and_publishing_again_after_a_failed_funding_does_too()
    {
        Assert.That(Fired(OrderState.Draft, OrderTrigger.Publish).Commands, Is.EqualTo(new[] { OrderCommand.ReserveBudget }));
        Assert.That(Fired(OrderState.FundingFailed, OrderTrigger.Publish).Commands, Is.EqualTo(new[] { OrderCommand.ReserveBudget }));
    }

    [Test]
    public void A_call_with_bids_is_evaluated_and_an_award_adjusts_the_escrow_to_the_contract()
    {
        Assert.That(Fired(OrderState.Tendering, OrderTrigger.CallClosedWithBids, bidMode: true).State, Is.EqualTo(OrderState.Evaluating));
        var awarded = Fired(OrderState.Evaluating, OrderTrigger.BidAwarded, bidMode: true);
        Assert.That(awarded.State, Is.EqualTo(OrderState.Awarded));
        Assert.That(awarded.Commands, Is.EqualTo(new[] { OrderCommand.AdjustEscrowToContract }));
        var working = Fired(OrderState.Awarded, OrderTrigger.EscrowAdjusted, bidMode: true);
        Assert.That(working.State, Is.EqualTo(OrderState.InProgress));
        Assert.That(working.Commands, Is.Empty, "a contract's work is the vendor's: nothing goes to the crowd by itself");
    }

    [Test]
    public void A_call_without_bids_can_be_extended_retendered_or_switched_to_the_crowd()
    {
        Assert.That(Fired(OrderState.Tendering, OrderTrigger.CallClosedWithoutBids, bidMode: true).State, Is.EqualTo(OrderState.NoBids));
        var extended = Fired(OrderState.NoBids, OrderTrigger.ExtendCall, bidMode: true);
        Assert.That((extended.State, extended.Commands.Single()), Is.EqualTo((OrderState.Tendering, OrderCommand.ExtendCallForBids)));
        var again = Fired(OrderState.NoBids, OrderTrigger.Retender, bidMode: true);
        Assert.That((again.State, again.Commands.Single()), Is.EqualTo((OrderState.Tendering, OrderCommand.OpenCallForBids)));
        var crowd = Fired(OrderState.NoBids, OrderTrigger.SwitchToCrowd, bidMode: true);
        Assert.That((crowd.State, crowd.Commands.Single()), Is.EqualTo((OrderState.InProgress, OrderCommand.PrepareCrowdWork)));
    }

    [Test]
    public void Core_data_never_switches_to_the_crowd()
    {
        var process = new OrderProcess(OrderState.NoBids, bidMode: true, coreData: true);
        Assert.That(process.CanFire(OrderTrigger.SwitchToCrowd), Is.False);
        Assert.That(process.PermittedTriggers, Does.Not.Contain(OrderTrigger.SwitchToCrowd));
        Assert.That(process.PermittedTriggers, Does.Contain(OrderTrigger.Retender));
    }

    [Test]
    public void An_open_call_can_be_extended_while_it_runs()
    {
        var process = Fired(OrderState.Tendering, OrderTrigger.ExtendCall, bidMode: true);
        Assert.That((process.State, process.Commands.Single()), Is.EqualTo((OrderState.Tendering, OrderCommand.ExtendCallForBids)));
    }

    [TestCase(OrderState.Tendering, new[] { OrderCommand.WithdrawCallForBids, OrderCommand.AnnounceCancellation })]
    [TestCase(OrderState.NoBids, new[] { OrderCommand.WithdrawCallForBids, OrderCommand.AnnounceCancellation })]
    [TestCase(OrderState.InProgress, new[] { OrderCommand.AnnounceCancellation })]
    [TestCase(OrderState.Published, new[] { OrderCommand.AnnounceCancellation })]
    [TestCase(OrderState.Draft, new OrderCommand[0])]
    public void Cancelling_withdraws_a_call_and_announces_the_cancellation_once_money_may_have_moved(OrderState from, OrderCommand[] sent)
    {
        var process = Fired(from, OrderTrigger.Cancel, bidMode: from is OrderState.Tendering or OrderState.NoBids);
        Assert.That(process.State, Is.EqualTo(OrderState.Cancelled));
        Assert.That(process.Commands, Is.EqualTo(sent));
    }

    [TestCase(OrderState.Delivered)]
    [TestCase(OrderState.Accepted)]
    [TestCase(OrderState.Closed)]
    [TestCase(OrderState.Cancelled)]
    public void A_delivered_accepted_closed_or_cancelled_order_cannot_be_cancelled(OrderState from) =>
        Assert.That(new OrderProcess(from, bidMode: false, coreData: false).CanFire(OrderTrigger.Cancel), Is.False);

    [Test]
    public void Delivery_is_announced_on_every_delivery_and_rework_returns_to_delivered()
    {
        Assert.That(Fired(OrderState.InProgress, OrderTrigger.WorkCompleted).Commands, Is.EqualTo(new[] { OrderCommand.AnnounceDelivery }));
        Assert.That(Fired(OrderState.Delivered, OrderTrigger.SampleFailed).State, Is.EqualTo(OrderState.Rework));
        Assert.That(Fired(OrderState.Rework, OrderTrigger.WorkCompleted).Commands, Is.EqualTo(new[] { OrderCommand.AnnounceDelivery }));
        Assert.That(Fired(OrderState.Accepted, OrderTrigger.EscrowReleased).State, Is.EqualTo(OrderState.Closed));
    }

    [Test]
    public void States_are_stored_and_shown_in_snake_case_and_read_back()
    {
        foreach (var state in Enum.GetValues<OrderState>())
            Assert.That(OrderProcess.Parse(OrderProcess.Name(state)), Is.EqualTo(state));
        Assert.That(OrderProcess.Name(OrderState.InProgress), Is.EqualTo("in_progress"));
        Assert.That(OrderProcess.Name(OrderState.NoBids), Is.EqualTo("no_bids"));
        Assert.That(System.Text.Json.JsonSerializer.Serialize(OrderState.FundingFailed), Is.EqualTo("\"funding_failed\""));
    }

    /// <summary>docs/order-process.dot is the machine drawn by Stateless; it must match the code (regenerated here when not).</summary>
    [Test]
    public void The_documented_diagram_is_the_machine_in_the_code()
    {
        var root = TestContext.CurrentContext.TestDirectory;
        while (!File.Exists(Path.Combine(root, "Marketplace.sln"))) root = Path.GetDirectoryName(root)!;
        var path = Path.Combine(root, "docs", "order-process.dot");
        var graph = OrderProcess.Graph();
        var documented = File.Exists(path) ? File.ReadAllText(path) : "";
        if (documented != graph) File.WriteAllText(path, graph);
        Assert.That(documented, Is.EqualTo(graph), "docs/order-process.dot was out of date and has been rewritten: commit it");
    }

    [Test]
    public void Crowd_work_past_its_deadline_expires_and_closes_its_work_but_a_contract_does_not()
    {
        var expired = Fired(OrderState.InProgress, OrderTrigger.DeadlinePassed);
        Assert.That((expired.State, expired.Commands.Single()), Is.EqualTo((OrderState.Expired, OrderCommand.CloseWorkAtDeadline)));
        Assert.That(new OrderProcess(OrderState.InProgress, bidMode: true, coreData: false).CanFire(OrderTrigger.DeadlinePassed), Is.False,
            "a contract delivered late pays its penalty instead");
        foreach (var state in new[] { OrderState.Delivered, OrderState.Rework, OrderState.Accepted, OrderState.Tendering })
            Assert.That(new OrderProcess(state, bidMode: false, coreData: false).CanFire(OrderTrigger.DeadlinePassed), Is.False, $"{state}");
        Assert.That(new OrderProcess(OrderState.Expired, bidMode: false, coreData: false).PermittedTriggers, Is.Empty, "nothing more happens");
    }

    [Test]
    public void Extending_the_deadline_keeps_crowd_work_where_it_is_and_tells_tasks()
    {
        var extended = Fired(OrderState.InProgress, OrderTrigger.ExtendDeadline);
        Assert.That((extended.State, extended.Commands.Single()), Is.EqualTo((OrderState.InProgress, OrderCommand.AnnounceDeadlineExtension)));
        Assert.That(new OrderProcess(OrderState.InProgress, bidMode: true, coreData: false).CanFire(OrderTrigger.ExtendDeadline), Is.False,
            "a contract's delivery date is the vendor's agreement");
        Assert.That(new OrderProcess(OrderState.Delivered, bidMode: false, coreData: false).CanFire(OrderTrigger.ExtendDeadline), Is.False);
    }
}
