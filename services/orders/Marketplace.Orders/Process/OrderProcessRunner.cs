using Dapper;
using Marketplace.Contracts.Bidding;
using Marketplace.Contracts.Orders;
using Marketplace.Contracts.Settlement;
using Marketplace.Orders.Features;
using Marketplace.Orders.Work;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Process;

/// <summary>
/// Runs <see cref="OrderProcess"/> against the database: locks the order's row, asks the machine whether the trigger
/// may fire, stores the new state (and its history) and sends the commands the move asks for, all in the caller's
/// transaction, so the state and its messages commit together. Endpoints turn <see cref="Outcome.NotPermitted"/> into a
/// 409 naming the state; consumers ignore it (a late or repeated event finds the order already past it).
/// </summary>
public sealed class OrderProcessRunner(Outbox outbox, TimeProvider clock)
{
    public enum Result { Moved, NotFound, NotPermitted }

    public sealed record Outcome(Result Result, OrderState From, OrderState To, IReadOnlyList<OrderTrigger> Permitted)
    {
        public bool Moved => Result == Result.Moved;
    }

    private sealed record Row(Guid Id, string Status, string Mode, string DataGrade);

    /// <param name="orgScope">The caller's organisation (an enterprise's own orders only); null for events and operators.</param>
    /// <param name="reason">Kept in the order's history (and shown as the funding failure's reason).</param>
    public async Task<Outcome> FireAsync(NpgsqlTransaction tx, Guid orderId, OrderTrigger trigger, string? reason = null, Guid? orgScope = null)
    {
        var connection = tx.Connection!;
        var row = await connection.QuerySingleOrDefaultAsync<Row>("""
            SELECT id, status, mode, data_grade FROM orders
            WHERE id = @orderId AND (@orgScope::uuid IS NULL OR enterprise_org_id = @orgScope)
            FOR UPDATE
            """, new { orderId, orgScope }, tx);
        if (row is null) return new Outcome(Result.NotFound, default, default, []);

        var from = OrderProcess.Parse(row.Status);
        var process = new OrderProcess(from, bidMode: row.Mode == "bid", coreData: row.DataGrade == "core");
        if (!process.CanFire(trigger)) return new Outcome(Result.NotPermitted, from, from, process.PermittedTriggers.ToList());
        process.Fire(trigger);
        var to = process.State;

        await connection.ExecuteAsync("""
            UPDATE orders SET status = @to, updated_at = now(),
                   funding_failure_reason = CASE WHEN @to = 'funding_failed' THEN @reason ELSE NULL END,
                   cancelled_at = CASE WHEN @to = 'cancelled' THEN now() ELSE cancelled_at END
            WHERE id = @orderId;
            INSERT INTO order_transitions (order_id, from_status, to_status, reason) VALUES (@orderId, @from, @to, @reason);
            """, new { orderId, from = OrderProcess.Name(from), to = OrderProcess.Name(to), reason }, tx);

        foreach (var command in process.Commands) await SendAsync(tx, orderId, command, from);
        return new Outcome(Result.Moved, from, to, process.PermittedTriggers.ToList());
    }

    private async Task SendAsync(NpgsqlTransaction tx, Guid orderId, OrderCommand command, OrderState from)
    {
        var connection = tx.Connection!;
        var now = clock.GetUtcNow();
        switch (command)
        {
            case OrderCommand.ReserveBudget:
            {
                var order = await LoadAsync(tx, orderId);
                // The order's data: the uploaded manifest's bytes (or the inline items' text) plus its media files.
                var bytes = await connection.ExecuteScalarAsync<long>("""
                    SELECT (CASE WHEN o.dataset_bytes > 0 THEN o.dataset_bytes
                                 ELSE (SELECT coalesce(sum(octet_length(i.content)), 0) FROM order_items i WHERE i.order_id = o.id) END)
                         + (SELECT coalesce(sum(f.bytes), 0) FROM content_files f WHERE f.order_id = o.id)
                    FROM orders o WHERE o.id = @orderId
                    """, new { orderId }, tx);
                await outbox.AddAsync(tx, new OrderPublished(order.Id, order.EnterpriseOrgId, order.Title, order.Mode, order.TaskType,
                    order.Budget, order.Currency, order.Deadline, now, order.DataGrade, order.Industry, order.FeePercent, order.MinimumFee,
                    order.ItemCount, bytes));
                break;
            }
            case OrderCommand.PrepareCrowdWork:
                // A tender that found no bids goes to the crowd: from now on the order is a crowd order.
                await connection.ExecuteAsync("""
                    UPDATE orders SET terms = jsonb_set(terms, '{mode}', '"crowd"') - 'tender' WHERE id = @orderId AND mode = 'bid'
                    """, new { orderId }, tx);
                await JobIntents.EnqueueAsync<PrepareWork, PrepareWork.Payload>(tx, new(orderId), uniqueKey: $"prepare-work:{orderId}");
                break;
            case OrderCommand.OpenCallForBids:
            {
                var round = await connection.ExecuteScalarAsync<int>(
                    "UPDATE orders SET tender_round = tender_round + 1 WHERE id = @orderId RETURNING tender_round", new { orderId }, tx);
                var order = await LoadAsync(tx, orderId);
                await outbox.AddAsync(tx, new OpenCallForBids(order.Id, order.EnterpriseOrgId, order.Title, order.Instructions, order.Terms,
                    order.ItemCount, order.Budget, order.Terms.Tender!.BidDeadline, round, now));
                break;
            }
            case OrderCommand.ExtendCallForBids:
            {
                var order = await LoadAsync(tx, orderId);
                await outbox.AddAsync(tx, new ExtendCallForBids(order.Id, order.TenderRound, order.Terms.Tender!.BidDeadline, now));
                break;
            }
            case OrderCommand.WithdrawCallForBids:
            {
                var order = await LoadAsync(tx, orderId);
                await outbox.AddAsync(tx, new WithdrawCallForBids(order.Id, order.TenderRound, "the order was cancelled", now));
                break;
            }
            case OrderCommand.AdjustEscrowToContract:
            {
                var order = await LoadAsync(tx, orderId);
                await outbox.AddAsync(tx, new AdjustEscrowToContract(order.Id, order.EnterpriseOrgId, order.ContractId!.Value,
                    order.AwardedVendorOrgId!.Value, order.ContractPrice!.Value, order.Currency, now,
                    order.ContractDeliverBy is { } deliverBy ? new DateTimeOffset(DateTime.SpecifyKind(deliverBy, DateTimeKind.Utc)) : null, order.Terms));
                break;
            }
            case OrderCommand.AnnounceDelivery:
            {
                var attempt = await connection.ExecuteScalarAsync<int>("""
                    UPDATE orders SET delivery_attempts = delivery_attempts + 1, delivered_at = now() WHERE id = @orderId
                    RETURNING delivery_attempts
                    """, new { orderId }, tx);
                await outbox.AddAsync(tx, new OrderDelivered(orderId, attempt, now));
                break;
            }
            case OrderCommand.AnnounceCancellation:
            {
                var order = await LoadAsync(tx, orderId);
                var workStarted = from is OrderState.InProgress or OrderState.Rework;
                // A contracted order's work is in tasks as its team and crowd packages: tasks closes those.
                var packages = await connection.ExecuteScalarAsync<int>(
                    "SELECT count(*)::int FROM work_packages WHERE order_id = @orderId AND handed_over_at IS NOT NULL", new { orderId }, tx);
                await outbox.AddAsync(tx, new OrderCancelled(orderId, order.EnterpriseOrgId, workStarted, order.Currency, now,
                    order.ContractId is not null, packages));
                break;
            }
            case OrderCommand.SettleDispute:
            {
                var order = await LoadAsync(tx, orderId);
                var d = await connection.QuerySingleAsync<(Guid Id, Guid ContractId, Guid EnterpriseOrgId, Guid VendorOrgId, string Outcome,
                    decimal? VendorAmount, DateTime? FirstDelivered)>("""
                    SELECT d.id, d.contract_id, d.enterprise_org_id, d.vendor_org_id, d.outcome, d.vendor_amount,
                           (SELECT min(t.at) FROM order_transitions t WHERE t.order_id = d.order_id AND t.to_status = 'delivered') AS first_delivered
                    FROM disputes d WHERE d.order_id = @orderId AND d.status = 'decided'
                    """, new { orderId }, tx);
                await outbox.AddAsync(tx, new DisputeDecided(d.Id, orderId, d.ContractId, d.EnterpriseOrgId, d.VendorOrgId, d.Outcome, d.VendorAmount,
                    order.Currency, order.ApprovedAssignments, Utc(d.FirstDelivered), Utc(order.ContractDeliverBy), now));
                break;
            }
            case OrderCommand.AnnounceDeadlineExtension:
            {
                var order = await LoadAsync(tx, orderId);
                await outbox.AddAsync(tx, new OrderDeadlineExtended(orderId, order.Deadline, now));
                break;
            }
            case OrderCommand.CloseWorkAtDeadline:
            {
                var order = await LoadAsync(tx, orderId);
                await outbox.AddAsync(tx, new CloseWorkAtDeadline(orderId, order.EnterpriseOrgId, order.Currency, order.Deadline, now));
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command, "no message for this command");
        }
    }

    private static DateTimeOffset? Utc(DateTime? at) => at is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    private static async Task<OrderView> LoadAsync(NpgsqlTransaction tx, Guid orderId) =>
        await OrderView.FindAsync(tx.Connection!, orderId, null, tx) ?? throw new InvalidOperationException($"Order {orderId} is unknown");
}
