using System.Text.Json;
using Dapper;
using MassTransit;
using Marketplace.Contracts.Payouts;
using Marketplace.Contracts.Tasks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Settlement.Reconciliation;

public sealed record Mismatch(string Check, string EntityKind, string EntityId, Guid? OrderId, string Detail);

public sealed record CheckSummary(string Name, int Mismatches, string Note);

public sealed record RunSummary(IReadOnlyList<CheckSummary> Checks, decimal EscrowHeld, decimal UnspentBudgets, int DeferredWorkers);

public sealed record RunResult(Guid Id, string Trigger, DateTimeOffset Watermark, string Status, int Mismatches, RunSummary? Summary,
    IReadOnlyList<Mismatch> Found, string? Error);

/// <summary>
/// Checks, on facts older than a watermark (now less a grace period, so messages in flight raise nothing):
/// <list type="number">
/// <item>the ledger balances: every transaction sums to zero, every account's balance is the sum of its postings;</item>
/// <item>every approved assignment in tasks has exactly one earning in payouts and one approval in the ledger, and
/// nothing else does (per order first, then assignment by assignment for the orders that disagree);</item>
/// <item>what payouts owes each worker (earned less paid out) is the ledger's worker payable;</item>
/// <item>each order's escrow is its unspent budget: funded, less the work tasks approved, less what went back.</item>
/// </list>
/// Tasks and payouts own their data: they answer totals over request/response. A mismatch becomes an operator alert
/// naming the ids; an alert no later run finds is resolved. One run at a time (an advisory lock), on any instance.
/// </summary>
public sealed class Reconciler(NpgsqlDataSource db, IServiceScopeFactory scopes, IOptions<ReconciliationOptions> options, TimeProvider clock,
    ILogger<Reconciler> logger)
{
    private const long RunLock = 7361010002;

    /// <returns>null when another run is in progress.</returns>
    public async Task<RunResult?> RunAsync(string trigger, CancellationToken ct)
    {
        var o = options.Value;
        await using var lockConnection = await db.OpenConnectionAsync(ct);
        if (!await lockConnection.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@RunLock)", new { RunLock })) return null;
        try
        {
            var watermark = clock.GetUtcNow() - o.Grace;
            var runId = Guid.CreateVersion7();
            await using (var connection = await db.OpenConnectionAsync(ct))
            {
                await connection.ExecuteAsync("INSERT INTO reconciliation_runs (id, trigger, watermark) VALUES (@runId, @trigger, @watermark)",
                    new { runId, trigger, watermark = watermark.UtcDateTime });
            }
            try
            {
                var (found, summary) = await CheckAsync(watermark, ct);
                await RecordAsync(runId, found, summary, ct);
                return new RunResult(runId, trigger, watermark, found.Count == 0 ? "green" : "red", found.Count, summary, found, null);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Reconciliation run {RunId} failed", runId);
                await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
                await connection.ExecuteAsync("""
                    UPDATE reconciliation_runs SET status = 'failed', finished_at = now(), error = @error WHERE id = @runId
                    """, new { runId, error = e.Message });
                throw;
            }
        }
        finally
        {
            await lockConnection.ExecuteAsync("SELECT pg_advisory_unlock(@RunLock)", new { RunLock });
        }
    }

    private async Task<(List<Mismatch> Found, RunSummary Summary)> CheckAsync(DateTimeOffset watermark, CancellationToken ct)
    {
        var o = options.Value;
        var found = new List<Mismatch>();
        var checks = new List<CheckSummary>();
        void Add(string check, IEnumerable<Mismatch> items, string note)
        {
            var list = items.Take(o.MaxAlertsPerCheck).ToList();
            found.AddRange(list);
            checks.Add(new CheckSummary(check, list.Count, note));
        }

        using var scope = scopes.CreateScope();
        var tasks = scope.ServiceProvider.GetRequiredService<IRequestClient<GetApprovalTotals>>();
        var payouts = scope.ServiceProvider.GetRequiredService<IRequestClient<GetEarningTotals>>();
        var timeout = RequestTimeout.After(ms: (int)o.RequestTimeout.TotalMilliseconds);
        var approvalsAsked = tasks.GetResponse<ApprovalTotals>(new GetApprovalTotals(watermark, []), ct, timeout);
        var earningsAsked = payouts.GetResponse<EarningTotals>(new GetEarningTotals(watermark, o.PayoutMargin, []), ct, timeout);

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var w = watermark.UtcDateTime;

        // 1. The ledger balances.
        var unbalanced = await connection.QueryAsync<Guid>("""
            SELECT transaction_id FROM postings GROUP BY transaction_id HAVING sum(amount) <> 0 LIMIT @limit
            """, new { limit = o.MaxAlertsPerCheck }, tx, 600);
        Add("transaction-balances", unbalanced.Select(id => new Mismatch("transaction-balances", "transaction", id.ToString(), null,
            "The transaction's postings do not sum to zero.")), "every transaction sums to zero");
        var drifted = await connection.QueryAsync<(string Code, decimal Balance, decimal Postings)>("""
            SELECT a.code, a.balance, coalesce(s.total, 0) AS postings
            FROM accounts a LEFT JOIN (SELECT account_id, sum(amount) AS total FROM postings GROUP BY account_id) s ON s.account_id = a.id
            WHERE a.balance <> coalesce(s.total, 0)
            LIMIT @limit
            """, new { limit = o.MaxAlertsPerCheck }, tx, 600);
        Add("account-balances", drifted.Select(d => new Mismatch("account-balances", "account", d.Code, null,
            $"Balance {d.Balance} but its postings sum to {d.Postings}.")), "every account's balance is the sum of its postings");

        // 2. Approvals, earnings and ledger approvals, per order.
        var booked = (await connection.QueryAsync<(Guid OrderId, long Approved, decimal Value)>("""
            SELECT t.order_id, count(*) AS approved, coalesce(sum(p.amount), 0) AS value
            FROM ledger_transactions t
            JOIN postings p ON p.transaction_id = t.id
            JOIN accounts a ON a.id = p.account_id AND a.kind = 'escrow'
            WHERE t.kind = 'approval' AND t.occurred_at < @w
            GROUP BY t.order_id
            """, new { w }, tx, 600)).ToDictionary(r => r.OrderId);
        var approvals = (await approvalsAsked).Message;
        var earnings = (await earningsAsked).Message;
        var approved = approvals.Orders.ToDictionary(r => r.OrderId);
        var earned = earnings.Orders.ToDictionary(r => r.OrderId);
        var disagreeing = approved.Keys.Union(booked.Keys).Union(earned.Keys).Where(order =>
        {
            approved.TryGetValue(order, out var a);
            booked.TryGetValue(order, out var l);
            earned.TryGetValue(order, out var e);
            return (a?.Approved ?? 0) != l.Approved || (a?.Approved ?? 0) != (e?.Earnings ?? 0) || (a?.Value ?? 0) != l.Value;
        }).OrderBy(id => id).ToList();
        var approvalMismatches = new List<Mismatch>();
        if (disagreeing.Count > 0)
        {
            var detailOrders = disagreeing.Take(o.MaxDetailOrders).ToList();
            var approvedIds = tasks.GetResponse<ApprovalTotals>(new GetApprovalTotals(watermark, detailOrders), ct, timeout);
            var earningIds = payouts.GetResponse<EarningTotals>(new GetEarningTotals(watermark, o.PayoutMargin, detailOrders), ct, timeout);
            var ledgerIds = (await connection.QueryAsync<(Guid AssignmentId, Guid OrderId)>("""
                SELECT substr(business_key, length('approval:') + 1)::uuid AS assignment_id, order_id
                FROM ledger_transactions
                WHERE kind = 'approval' AND occurred_at < @w AND order_id = ANY(@detailOrders)
                """, new { w, detailOrders = detailOrders.ToArray() }, tx)).ToDictionary(r => r.AssignmentId, r => r.OrderId);
            var inTasks = (await approvedIds).Message.Details.ToDictionary(d => d.AssignmentId, d => d.OrderId);
            var inPayouts = (await earningIds).Message.Details.ToDictionary(d => d.AssignmentId, d => d.OrderId);
            foreach (var id in inTasks.Keys.Union(inPayouts.Keys).Union(ledgerIds.Keys).OrderBy(id => id))
            {
                var order = inTasks.TryGetValue(id, out var t) ? t : inPayouts.TryGetValue(id, out var p) ? p : ledgerIds[id];
                var (tasked, paid, ledgered) = (inTasks.ContainsKey(id), inPayouts.ContainsKey(id), ledgerIds.ContainsKey(id));
                if (tasked && !paid) approvalMismatches.Add(new("approval-earning", "assignment", id.ToString(), order, "Approved in tasks but payouts has no earning for it."));
                if (!tasked && paid) approvalMismatches.Add(new("approval-earning", "assignment", id.ToString(), order, "Payouts has an earning but tasks has no approved assignment."));
                if (tasked && !ledgered) approvalMismatches.Add(new("approval-ledger", "assignment", id.ToString(), order, "Approved in tasks but not booked in the ledger."));
                if (!tasked && ledgered) approvalMismatches.Add(new("approval-ledger", "assignment", id.ToString(), order, "The ledger booked an approval tasks does not have."));
            }
            // Counts that agree id by id but values that do not (a price booked wrong) are named by order.
            foreach (var order in detailOrders.Where(order => approvalMismatches.All(m => m.OrderId != order)))
                approvalMismatches.Add(new("approval-value", "order", order.ToString(), order,
                    $"Tasks values the order's approvals at {(approved.TryGetValue(order, out var a) ? a.Value : 0)}, the ledger at {(booked.TryGetValue(order, out var l) ? l.Value : 0)}."));
        }
        Add("approvals", approvalMismatches, $"{approvals.Orders.Sum(r => r.Approved)} approved assignments in tasks, {booked.Values.Sum(r => r.Approved)} booked, {earnings.Orders.Sum(r => r.Earnings)} earnings");

        // 3. Payouts' debts to workers are the ledger's worker payables.
        var payables = (await connection.QueryAsync<(Guid WorkerId, string Currency, decimal Owed, bool Near)>("""
            SELECT a.owner_id AS worker_id, a.currency,
                   -coalesce(sum(p.amount) FILTER (WHERE t.occurred_at < @w), 0) AS owed,
                   coalesce(bool_or(t.kind = 'payout' AND t.occurred_at >= @w - @margin AND t.occurred_at < @w + @margin), false) AS near
            FROM accounts a
            JOIN postings p ON p.account_id = a.id
            JOIN ledger_transactions t ON t.id = p.transaction_id
            WHERE a.kind = 'worker_payable'
            GROUP BY a.owner_id, a.currency
            """, new { w, margin = o.PayoutMargin }, tx, 600)).ToDictionary(r => (r.WorkerId, r.Currency));
        var owedByPayouts = earnings.Workers.ToDictionary(r => (r.WorkerId, r.Currency));
        var deferred = 0;
        var payableMismatches = new List<Mismatch>();
        foreach (var key in payables.Keys.Union(owedByPayouts.Keys).OrderBy(k => k.WorkerId))
        {
            payables.TryGetValue(key, out var ledger);
            owedByPayouts.TryGetValue(key, out var payout);
            var payoutsOwe = payout is null ? 0 : payout.Earned - payout.PaidOut;
            if (ledger.Owed == payoutsOwe) continue;
            if (ledger.Near || payout?.PaidNearWatermark == true) { deferred++; continue; }
            payableMismatches.Add(new("worker-payable", "worker", key.WorkerId.ToString(), null,
                $"The ledger owes the worker {ledger.Owed} {key.Currency}; payouts owes {payoutsOwe} (earned {payout?.Earned ?? 0}, paid out {payout?.PaidOut ?? 0})."));
        }
        Add("worker-payables", payableMismatches, $"{payables.Count} worker payables compared, {deferred} paid at the watermark left for the next run");

        // 3b. What payouts sent each organisation's bank (vendors' payables, enterprises' wallets) is what the ledger booked
        // out of those accounts, and what the bank's own books say it paid out for those withdrawals.
        var withdrawn = (await connection.QueryAsync<(Guid VendorOrgId, string Currency, decimal Sent, bool Near)>("""
            SELECT a.owner_id AS vendor_org_id, a.currency,
                   coalesce(sum(p.amount) FILTER (WHERE t.occurred_at < @w), 0) AS sent,
                   coalesce(bool_or(t.occurred_at >= @w - @margin AND t.occurred_at < @w + @margin), false) AS near
            FROM accounts a
            JOIN postings p ON p.account_id = a.id
            JOIN ledger_transactions t ON t.id = p.transaction_id
            WHERE a.kind IN ('vendor_payable', 'wallet') AND t.kind = 'withdrawal'
            GROUP BY a.owner_id, a.currency
            """, new { w, margin = o.PayoutMargin }, tx, 600)).ToDictionary(r => (r.VendorOrgId, r.Currency));
        Add("vendor-withdrawals", Compare(withdrawn, earnings.VendorWithdrawals, "vendor-withdrawals", "payouts sent", ref deferred),
            $"{withdrawn.Count} organisations' withdrawals compared with payouts");
        Add("bank-transfers", Compare(withdrawn, earnings.BankTransfers, "bank-transfers", "the bank's books show it paid", ref deferred),
            $"{withdrawn.Count} organisations' withdrawals compared with the bank's transfers");

        // 3c. Money in: every deposit the ledger credited is a transfer the bank received (fake_pay_ins, its own books),
        // of the same amount, and every transfer the bank received was credited. Matched by the bank's transaction id.
        var deposits = (await connection.QueryAsync<(string BankTransactionId, string? Reference, decimal? Bank, decimal? Ledger, DateTime Day)>("""
            WITH bank AS (
                SELECT bank_transaction_id, reference, amount, received_at FROM fake_pay_ins
                WHERE received_at < @w - @margin
            ), ledger AS (
                SELECT d.bank_transaction_id, d.reference, sum(p.amount) FILTER (WHERE p.amount > 0) AS amount, t.occurred_at
                FROM deposits d
                JOIN ledger_transactions t ON t.id = d.transaction_id
                JOIN postings p ON p.transaction_id = t.id
                WHERE t.kind = 'deposit' AND t.occurred_at < @w - @margin
                GROUP BY d.bank_transaction_id, d.reference, t.occurred_at
            )
            SELECT coalesce(b.bank_transaction_id, l.bank_transaction_id) AS bank_transaction_id, coalesce(b.reference, l.reference) AS reference,
                   b.amount AS bank, l.amount AS ledger, date_trunc('day', coalesce(b.received_at, l.occurred_at)) AS day
            FROM bank b FULL JOIN ledger l ON l.bank_transaction_id = b.bank_transaction_id
            WHERE b.amount IS DISTINCT FROM l.amount
              -- the other side may be just after the cut: compared on a later run
              AND NOT EXISTS (SELECT 1 FROM fake_pay_ins f WHERE f.bank_transaction_id = l.bank_transaction_id AND f.received_at >= @w - @margin)
              AND NOT EXISTS (SELECT 1 FROM deposits d JOIN ledger_transactions t ON t.id = d.transaction_id
                              WHERE d.bank_transaction_id = b.bank_transaction_id AND t.occurred_at >= @w - @margin)
            ORDER BY 5, 1
            LIMIT @limit
            """, new { w, margin = o.PayoutMargin, limit = o.MaxAlertsPerCheck }, tx, 600)).ToList();
        var bankTotal = await connection.QuerySingleAsync<(long Count, decimal Amount)>(
            "SELECT count(*), coalesce(sum(amount), 0) FROM fake_pay_ins WHERE received_at < @w - @margin", new { w, margin = o.PayoutMargin }, tx);
        Add("deposits", deposits.Select(d => new Mismatch("deposits", "bank-transaction", d.BankTransactionId, null,
            (d.Bank, d.Ledger) switch
            {
                (not null, null) => $"On {d.Day:yyyy-MM-dd} the bank received {d.Bank} under reference {d.Reference}; the ledger credited no deposit for it.",
                (null, not null) => $"On {d.Day:yyyy-MM-dd} the ledger credited {d.Ledger} (deposit {d.Reference}); the bank's books have no such transfer.",
                _ => $"On {d.Day:yyyy-MM-dd} the bank received {d.Bank} under reference {d.Reference}; the ledger credited {d.Ledger}.",
            })), $"{bankTotal.Count} transfers the bank received ({bankTotal.Amount}) matched with the ledger's deposits");

        // 4. Escrow is each order's unspent budget.
        var escrows = (await connection.QueryAsync<(Guid OrderId, decimal Held, decimal Funded, decimal Returned)>("""
            SELECT a.owner_id AS order_id,
                   -coalesce(sum(p.amount) FILTER (WHERE t.occurred_at < @w), 0) AS held,
                   -coalesce(sum(p.amount) FILTER (WHERE t.occurred_at < @w AND p.amount < 0), 0) AS funded,
                   coalesce(sum(p.amount) FILTER (WHERE t.occurred_at < @w AND p.amount > 0 AND t.kind <> 'approval'), 0) AS returned
            FROM accounts a
            JOIN postings p ON p.account_id = a.id
            JOIN ledger_transactions t ON t.id = p.transaction_id
            WHERE a.kind = 'escrow'
            GROUP BY a.owner_id
            """, new { w }, tx, 600)).ToList();
        await tx.CommitAsync(ct);
        var escrowMismatches = new List<Mismatch>();
        decimal heldTotal = 0, unspentTotal = 0;
        foreach (var e in escrows.OrderBy(e => e.OrderId))
        {
            var spent = approved.TryGetValue(e.OrderId, out var a) ? a.Value : 0;
            var unspent = e.Funded - spent - e.Returned;
            heldTotal += e.Held;
            unspentTotal += unspent;
            if (e.Held != unspent)
                escrowMismatches.Add(new("escrow", "order", e.OrderId.ToString(), e.OrderId,
                    $"Escrow holds {e.Held}; the unspent budget is {unspent} (funded {e.Funded}, approved work {spent}, returned {e.Returned})."));
        }
        Add("escrow", escrowMismatches, $"escrow {heldTotal} against unspent budgets {unspentTotal} over {escrows.Count} orders");
        return (found, new RunSummary(checks, heldTotal, unspentTotal, deferred));
    }

    /// <summary>Per organisation and currency, the ledger's withdrawals against another book's; near the watermark on
    /// either side is left for a later run.</summary>
    private static List<Mismatch> Compare(Dictionary<(Guid VendorOrgId, string Currency), (Guid VendorOrgId, string Currency, decimal Sent, bool Near)> ledger,
        IReadOnlyList<VendorWithdrawalTotal>? other, string check, string says, ref int deferred)
    {
        var theirs = (other ?? []).ToDictionary(r => (r.VendorOrgId, r.Currency));
        var found = new List<Mismatch>();
        foreach (var key in ledger.Keys.Union(theirs.Keys).OrderBy(k => k.VendorOrgId))
        {
            ledger.TryGetValue(key, out var booked);
            theirs.TryGetValue(key, out var them);
            if (booked.Sent == (them?.Sent ?? 0)) continue;
            if (booked.Near || them?.SentNearWatermark == true) { deferred++; continue; }
            found.Add(new(check, "organisation", key.VendorOrgId.ToString(), null,
                $"The ledger booked {booked.Sent} {key.Currency} of withdrawals to the organisation's bank; {says} {them?.Sent ?? 0}."));
        }
        return found;
    }

    private async Task RecordAsync(Guid runId, List<Mismatch> found, RunSummary summary, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var m in found)
        {
            await connection.ExecuteAsync("""
                INSERT INTO reconciliation_alerts (id, check_name, entity_kind, entity_id, order_id, detail, first_run_id, last_run_id)
                VALUES (@id, @Check, @EntityKind, @EntityId, @OrderId, @Detail, @runId, @runId)
                ON CONFLICT (check_name, entity_id) WHERE resolved_at IS NULL
                DO UPDATE SET last_run_id = EXCLUDED.last_run_id, last_seen_at = now(), detail = EXCLUDED.detail
                """, new { id = Guid.CreateVersion7(), m.Check, m.EntityKind, m.EntityId, m.OrderId, m.Detail, runId }, tx);
        }
        // What this complete run no longer finds is resolved.
        await connection.ExecuteAsync("""
            UPDATE reconciliation_alerts SET resolved_at = now() WHERE resolved_at IS NULL AND last_run_id <> @runId;
            UPDATE reconciliation_runs SET status = @status, finished_at = now(), mismatches = @count, summary = @summary::jsonb WHERE id = @runId;
            """, new
        {
            runId, status = found.Count == 0 ? "green" : "red", count = found.Count,
            summary = JsonSerializer.Serialize(summary, Features.OperatorReports.Json),
        }, tx);
        await tx.CommitAsync(ct);
    }
}
