using System.Text.Json;
using System.Text.Json.Serialization;
using Stateless;
using Stateless.Graph;

namespace Marketplace.Orders.Process;

/// <summary>Where an order is in its life (stored as snake_case text: in_progress, no_bids, ...).</summary>
[JsonConverter(typeof(OrderStateJsonConverter))]
public enum OrderState
{
    /// <summary>Being written; no money has moved.</summary>
    Draft,
    /// <summary>Published: settlement is reserving the budget from the enterprise's wallet.</summary>
    Published,
    /// <summary>The wallet could not cover the budget, or the reservation lapsed; the enterprise tops up and publishes again.</summary>
    FundingFailed,
    /// <summary>Bid mode, funded: a call for bids is open until the bid deadline; bids are sealed.</summary>
    Tendering,
    /// <summary>The call closed with no bid: the enterprise extends it, tenders again, switches to the crowd (not core data) or cancels.</summary>
    NoBids,
    /// <summary>The call closed with bids: the enterprise compares them and awards one (or the order auto-awarded).</summary>
    Evaluating,
    /// <summary>A bid won: the escrow is being set to the contract price.</summary>
    Awarded,
    /// <summary>The work is being done: by the crowd, or by the contracted vendor (its team, the crowd, sub-vendors).</summary>
    InProgress,
    /// <summary>Delivered: the enterprise samples it and accepts or sends the failed items back.</summary>
    Delivered,
    /// <summary>Items found wrong are being redone.</summary>
    Rework,
    /// <summary>Accepted: settlement pays out and releases the unspent escrow.</summary>
    Accepted,
    /// <summary>Paid out; nothing more happens.</summary>
    Closed,
    /// <summary>Cancelled by the enterprise; whatever escrow is left goes back.</summary>
    Cancelled,
    /// <summary>A contracted order's acceptance is disputed (by its enterprise or vendor): stopped until an operator decides.</summary>
    Disputed,
    /// <summary>
    /// A crowd order's deadline passed before its work was done: unfinished work was withdrawn, what was approved is the
    /// enterprise's (and paid), the unspent escrow goes back. Nothing more happens.
    /// </summary>
    Expired,
}

/// <summary>What happens to an order: the enterprise's commands and the events other services answer with.</summary>
public enum OrderTrigger
{
    Publish,               // enterprise: POST /orders/{id}/publish
    Funded,                // settlement: OrderFunded
    FundingFailed,         // settlement: OrderFundingFailed
    EscrowExpired,         // settlement: OrderEscrowExpired (the reservation lapsed before work started)
    CallClosedWithBids,    // bidding: CallForBidsClosed (Bids > 0)
    CallClosedWithoutBids, // bidding: CallForBidsClosed (Bids = 0)
    ExtendCall,            // enterprise: POST /orders/{id}/tender/extend
    Retender,              // enterprise: POST /orders/{id}/tender/retender
    SwitchToCrowd,         // enterprise: POST /orders/{id}/tender/switch-to-crowd (never for core data)
    BidAwarded,            // bidding: BidAwarded
    EscrowAdjusted,        // settlement: EscrowAdjustedToContract
    WorkCompleted,         // tasks: OrderWorkCompleted
    SamplePassed,          // enterprise: POST /orders/{id}/acceptance (passed)
    SampleFailed,          // enterprise: POST /orders/{id}/acceptance (failed)
    EscrowReleased,        // settlement: OrderEscrowReleased
    Cancel,                // enterprise: POST /orders/{id}/cancel
    OpenDispute,           // enterprise or vendor: POST /orders/{id}/disputes
    DisputeDecided,        // operator: POST /disputes/{id}/decision
    ExtendDeadline,        // enterprise: POST /orders/{id}/deadline (crowd work in progress, before the deadline)
    DeadlinePassed,        // orders' order-deadlines job: a crowd order's deadline passed with its work unfinished
}

/// <summary>What the order process asks other services (or its own jobs) to do when it enters a state.</summary>
public enum OrderCommand
{
    /// <summary>OrderPublished: settlement reserves the budget (and bidding, tasks and reports learn of the order).</summary>
    ReserveBudget,
    /// <summary>The prepare-work job: the items go to tasks as a work file (OrderReadyForWork) for the crowd.</summary>
    PrepareCrowdWork,
    /// <summary>OpenCallForBids (bidding): a call for bids, round N.</summary>
    OpenCallForBids,
    /// <summary>ExtendCallForBids (bidding): the same round, a later bid deadline.</summary>
    ExtendCallForBids,
    /// <summary>WithdrawCallForBids (bidding): the order left the tender.</summary>
    WithdrawCallForBids,
    /// <summary>AdjustEscrowToContract (settlement): escrow becomes the contract price, the rest goes back to the wallet.</summary>
    AdjustEscrowToContract,
    /// <summary>OrderDelivered (bidding's track record, reports).</summary>
    AnnounceDelivery,
    /// <summary>OrderCancelled: tasks withdraws open work, settlement refunds what is left.</summary>
    AnnounceCancellation,
    /// <summary>DisputeDecided: settlement books the operator's decision, bidding records it on the contract.</summary>
    SettleDispute,
    /// <summary>OrderDeadlineExtended: tasks keeps the new deadline.</summary>
    AnnounceDeadlineExtension,
    /// <summary>CloseWorkAtDeadline (tasks and settlement): unfinished work withdrawn, the unspent escrow refunded.</summary>
    CloseWorkAtDeadline,
}

/// <summary>
/// One order's life, crowd and contracted, in one place: every state, the triggers that move it and the commands each
/// move sends. Built on Stateless (a well-kept state machine library): guards read the order's mode and grade, CanFire
/// answers "may this happen now" for endpoints and consumers alike, and <see cref="Graph"/> draws the whole machine
/// (docs/order-process.dot). The machine is pure: <see cref="OrderProcessRunner"/> loads the order, fires, and stores the
/// new state with the commands in one transaction (outbox).
/// <code>
/// crowd:      draft → published → in_progress → delivered ⇄ rework; delivered → accepted → closed
/// contracted: draft → published → tendering → evaluating → awarded → in_progress → delivered → ...
///                                 tendering → no_bids → tendering (extend, re-tender) | in_progress (switch to crowd)
/// deadline:   in_progress (crowd) → expired when the deadline passes first (the enterprise may extend it before)
/// </code>
/// </summary>
public sealed class OrderProcess
{
    private readonly StateMachine<OrderState, OrderTrigger> machine;
    private readonly List<OrderCommand> commands = [];

    /// <param name="state">Where the order is now.</param>
    /// <param name="bidMode">The order tenders (mode bid) instead of going straight to the crowd.</param>
    /// <param name="coreData">Core-grade data: it never reaches the crowd, so a tender cannot switch to crowd mode.</param>
    public OrderProcess(OrderState state, bool bidMode, bool coreData)
    {
        var current = state;
        machine = new StateMachine<OrderState, OrderTrigger>(() => current, s => current = s);

        machine.Configure(OrderState.Draft)
            .Permit(OrderTrigger.Publish, OrderState.Published)
            .Permit(OrderTrigger.Cancel, OrderState.Cancelled);

        machine.Configure(OrderState.Published)
            .OnEntry(() => Send(OrderCommand.ReserveBudget), "send OrderPublished (reserve budget)")
            .PermitIf(OrderTrigger.Funded, OrderState.InProgress, () => !bidMode, "crowd mode")
            .PermitIf(OrderTrigger.Funded, OrderState.Tendering, () => bidMode, "bid mode")
            .Permit(OrderTrigger.FundingFailed, OrderState.FundingFailed)
            .Permit(OrderTrigger.EscrowExpired, OrderState.FundingFailed)
            .Permit(OrderTrigger.Cancel, OrderState.Cancelled);

        machine.Configure(OrderState.FundingFailed)
            .Permit(OrderTrigger.Publish, OrderState.Published)
            .Permit(OrderTrigger.Cancel, OrderState.Cancelled);

        machine.Configure(OrderState.Tendering)
            .OnEntryFrom(OrderTrigger.Funded, () => Send(OrderCommand.OpenCallForBids), "send OpenCallForBids")
            .OnEntryFrom(OrderTrigger.Retender, () => Send(OrderCommand.OpenCallForBids), "send OpenCallForBids (next round)")
            .OnEntryFrom(OrderTrigger.ExtendCall, () => Send(OrderCommand.ExtendCallForBids), "send ExtendCallForBids")
            .PermitReentry(OrderTrigger.ExtendCall)
            .Permit(OrderTrigger.CallClosedWithBids, OrderState.Evaluating)
            .Permit(OrderTrigger.CallClosedWithoutBids, OrderState.NoBids)
            .Permit(OrderTrigger.EscrowExpired, OrderState.FundingFailed)
            .Permit(OrderTrigger.Cancel, OrderState.Cancelled);

        machine.Configure(OrderState.NoBids)
            .Permit(OrderTrigger.ExtendCall, OrderState.Tendering)
            .Permit(OrderTrigger.Retender, OrderState.Tendering)
            .PermitIf(OrderTrigger.SwitchToCrowd, OrderState.InProgress, () => !coreData, "not core data")
            .Permit(OrderTrigger.EscrowExpired, OrderState.FundingFailed)
            .Permit(OrderTrigger.Cancel, OrderState.Cancelled);

        machine.Configure(OrderState.Evaluating)
            .Permit(OrderTrigger.BidAwarded, OrderState.Awarded)
            .Permit(OrderTrigger.EscrowExpired, OrderState.FundingFailed)
            .Permit(OrderTrigger.Cancel, OrderState.Cancelled);

        machine.Configure(OrderState.Awarded)
            .OnEntry(() => Send(OrderCommand.AdjustEscrowToContract), "send AdjustEscrowToContract")
            .Permit(OrderTrigger.EscrowAdjusted, OrderState.InProgress)
            .Permit(OrderTrigger.EscrowExpired, OrderState.FundingFailed)
            .Permit(OrderTrigger.Cancel, OrderState.Cancelled);

        machine.Configure(OrderState.InProgress)
            .OnEntryFrom(OrderTrigger.Funded, () => Send(OrderCommand.PrepareCrowdWork), "run prepare-work (OrderReadyForWork)")
            .OnEntryFrom(OrderTrigger.SwitchToCrowd, () => Send(OrderCommand.PrepareCrowdWork), "run prepare-work (OrderReadyForWork)")
            .Permit(OrderTrigger.WorkCompleted, OrderState.Delivered)
            .InternalTransitionIf(OrderTrigger.ExtendDeadline, _ => !bidMode,
                _ => Send(OrderCommand.AnnounceDeadlineExtension), "crowd work: send OrderDeadlineExtended")
            .PermitIf(OrderTrigger.DeadlinePassed, OrderState.Expired, () => !bidMode, "crowd work (a late contract pays its penalty instead)")
            .Permit(OrderTrigger.Cancel, OrderState.Cancelled);

        machine.Configure(OrderState.Expired)
            .OnEntry(() => Send(OrderCommand.CloseWorkAtDeadline), "send CloseWorkAtDeadline");

        machine.Configure(OrderState.Delivered)
            .OnEntry(() => Send(OrderCommand.AnnounceDelivery), "send OrderDelivered")
            .Permit(OrderTrigger.SamplePassed, OrderState.Accepted)
            .Permit(OrderTrigger.SampleFailed, OrderState.Rework);

        machine.Configure(OrderState.Rework)
            .Permit(OrderTrigger.WorkCompleted, OrderState.Delivered)
            .PermitIf(OrderTrigger.OpenDispute, OrderState.Disputed, () => bidMode, "contracted")
            .Permit(OrderTrigger.Cancel, OrderState.Cancelled);

        machine.Configure(OrderState.Accepted)
            .Permit(OrderTrigger.EscrowReleased, OrderState.Closed);

        machine.Configure(OrderState.Cancelled)
            .OnEntryFrom(OrderTrigger.Cancel, transition =>
            {
                if (transition.Source is OrderState.Tendering or OrderState.NoBids or OrderState.Evaluating)
                    Send(OrderCommand.WithdrawCallForBids);
                if (transition.Source != OrderState.Draft) Send(OrderCommand.AnnounceCancellation);
            }, "send WithdrawCallForBids (from a tender) and OrderCancelled (unless a draft)");

        machine.Configure(OrderState.Disputed)
            .Permit(OrderTrigger.DisputeDecided, OrderState.Closed);

        machine.Configure(OrderState.Closed)
            .OnEntryFrom(OrderTrigger.DisputeDecided, () => Send(OrderCommand.SettleDispute), "send DisputeDecided");
    }

    public OrderState State => machine.State;

    /// <summary>The commands the last <see cref="Fire"/> sends, in order.</summary>
    public IReadOnlyList<OrderCommand> Commands => commands;

    public bool CanFire(OrderTrigger trigger) => machine.CanFire(trigger);

    /// <summary>What may happen to the order now (the portal shows these as actions).</summary>
    public IEnumerable<OrderTrigger> PermittedTriggers => Enum.GetValues<OrderTrigger>().Where(machine.CanFire);

    /// <summary>Moves the order; throws when the trigger is not permitted in its state (check <see cref="CanFire"/> first).</summary>
    public void Fire(OrderTrigger trigger)
    {
        commands.Clear();
        machine.Fire(trigger);
    }

    private void Send(OrderCommand command) => commands.Add(command);

    /// <summary>The whole machine in Graphviz DOT (docs/order-process.dot is generated from it by a test).</summary>
    public static string Graph() => UmlDotGraph.Format(new OrderProcess(OrderState.Draft, bidMode: true, coreData: false).machine.GetInfo());

    public static string Name(OrderState state) => JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());

    public static OrderState Parse(string name) =>
        Enum.TryParse<OrderState>(name.Replace("_", ""), ignoreCase: true, out var state)
            ? state : throw new ArgumentOutOfRangeException(nameof(name), name, "not an order state");
}

/// <summary>Order states in JSON as they are stored: snake_case strings.</summary>
public sealed class OrderStateJsonConverter : JsonConverter<OrderState>
{
    public override OrderState Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        OrderProcess.Parse(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, OrderState value, JsonSerializerOptions options) =>
        writer.WriteStringValue(OrderProcess.Name(value));
}
