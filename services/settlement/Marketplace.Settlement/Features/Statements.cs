using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Settlement.Domain;
using Marketplace.Settlement.Reports;
using Npgsql;

namespace Marketplace.Settlement.Features;

/// <summary>
/// A party's statement for a period: an enterprise's spend by order with its wallet's opening and closing balance, a
/// worker's earnings and payouts with the payable owed, a vendor's receivables, sub-contract costs and margin. Each role
/// sees its own (an enterprise and a vendor are organisations, a worker is a person); an operator names any party.
/// </summary>
public static class Statements
{
    public sealed record OrderSpend(Guid OrderId, string Industry, string TaskType, decimal Escrowed, decimal SpentOnWork, decimal Fees,
        decimal Refunded, decimal Released, decimal EscrowAtEnd);

    public sealed record SpendTotals(decimal Escrowed, decimal SpentOnWork, decimal Fees, decimal Refunded, decimal Released, decimal EscrowAtEnd);

    public sealed record EnterpriseStatement(string Party, Guid PartyId, DateTimeOffset From, DateTimeOffset To, string Currency,
        decimal OpeningBalance, decimal ClosingBalance, IReadOnlyList<LedgerReads.KindMovement> WalletMovements,
        IReadOnlyList<OrderSpend> Orders, SpendTotals Totals);

    public sealed record OrderEarnings(Guid OrderId, string Industry, string TaskType, long Assignments, decimal Amount);

    public sealed record PayoutLine(string PayoutId, decimal Amount, DateTime OccurredAt, DateTime ReportedAt);

    public sealed record WorkerStatement(string Party, Guid PartyId, DateTimeOffset From, DateTimeOffset To, string Currency,
        decimal OpeningPayable, decimal ClosingPayable, IReadOnlyList<LedgerReads.KindMovement> Movements,
        IReadOnlyList<OrderEarnings> Earnings, IReadOnlyList<PayoutLine> Payouts, decimal TotalEarned, decimal TotalPaidOut);

    /// <summary>
    /// One order a vendor worked, settled in the period. Role: contract (it held the contract) or subcontract. Income is
    /// the contract price (a dispute's partial release: the amount released; a refund: nothing) or the sub-contracts'
    /// prices; costs are its workers' approvals, the sub-contracts it gave, and for the contract's vendor the late penalty
    /// and the platform fee. Margin = income − costs, which is what the order credited to the vendor's payable (Receivable).
    /// </summary>
    public sealed record OrderMargin(Guid OrderId, string Industry, string TaskType, string Role, decimal Income, decimal WorkerCosts,
        decimal SubcontractCosts, decimal Penalty, decimal Fee, decimal Margin, decimal Receivable);

    public sealed record MarginTotals(decimal Income, decimal WorkerCosts, decimal SubcontractCosts, decimal Penalties, decimal Fees,
        decimal Margin, decimal Receivables);

    public sealed record VendorStatement(string Party, Guid PartyId, DateTimeOffset From, DateTimeOffset To, string Currency,
        decimal OpeningReceivable, decimal ClosingReceivable, IReadOnlyList<LedgerReads.KindMovement> Movements,
        IReadOnlyList<OrderMargin> Orders, IReadOnlyList<PayoutLine> Withdrawals, MarginTotals Totals);

    private static readonly Dictionary<string, string> RoleOfParty = new()
    {
        ["enterprise"] = Roles.Enterprise, ["worker"] = Roles.Worker, ["vendor"] = Roles.Vendor,
    };

    public static RouteGroupBuilder MapStatements(this RouteGroupBuilder group)
    {
        // Any role may ask; the handler answers 403 for another role's statement and 404 for another party's.
        group.MapGet("/{party}", Handle).RequireAuthorization()
            .ProducesOneOf(typeof(EnterpriseStatement), typeof(WorkerStatement), typeof(VendorStatement)).ProducesCsv()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Handle(string party, string? partyId, string? from, string? to, string? currency, string? format,
        HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        if (!RoleOfParty.TryGetValue(party, out var partyRole))
            return Problems.BadRequest("party", "'party' must be enterprise, worker or vendor.");
        if (!caller.IsOperator && caller.Role != partyRole)
            return TypedResults.Problem(title: "Forbidden", detail: $"A {caller.Role} sees only its own statement.", statusCode: StatusCodes.Status403Forbidden);
        if (ReportPeriod.TryParse(from, to, currency, out var period) is { } badPeriod) return badPeriod;
        if (ReportFormat.WantsCsv(http.Request, format, out var csv) is { } badFormat) return badFormat;

        var own = party == "worker" ? caller.UserId : caller.OrgId;
        Guid id;
        if (caller.IsOperator)
        {
            if (partyId is null) return Problems.BadRequest("partyId", "'partyId' is required: which party's statement?");
            if (!Guid.TryParse(partyId, out id)) return Problems.BadRequest("partyId", "'partyId' must be a UUID.");
        }
        else
        {
            // Another party's id is answered as not found, like any row outside the caller's reach.
            if (partyId is not null && (!Guid.TryParse(partyId, out var asked) || asked != own)) return UnknownParty(party);
            id = own;
        }

        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        var accountKind = party switch { "enterprise" => "wallet", "worker" => "worker_payable", _ => "vendor_payable" };
        var account = await LedgerReads.FindAccountAsync(connection, $"{accountKind}:{id}:{period.Currency}", tx);
        if (account is null && caller.IsOperator) return UnknownParty(party);
        account ??= new LedgerReads.Account(Guid.Empty, 0);

        IResult result = party switch
        {
            "enterprise" => Render(await EnterpriseAsync(connection, tx, id, account, period), csv),
            "worker" => Render(await WorkerAsync(connection, tx, id, account, period), csv),
            _ => Render(await VendorAsync(connection, tx, id, account, period), csv),
        };
        await tx.CommitAsync();
        return result;
    }

    private static ProblemHttpResult UnknownParty(string party) =>
        TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Title = "Not found",
            Detail = $"No {party} with this id has a ledger account.",
            Extensions = { ["errors"] = new Dictionary<string, string[]> { ["partyId"] = [$"No {party} with this id has a ledger account."] } },
        });

    public static async Task<EnterpriseStatement> EnterpriseAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid orgId,
        LedgerReads.Account wallet, ReportPeriod period)
    {
        var opening = -await LedgerReads.BalanceAtAsync(connection, wallet, period.From, tx);
        var closing = -await LedgerReads.BalanceAtAsync(connection, wallet, period.To, tx);
        var movements = await LedgerReads.MovementsAsync(connection, wallet, period, tx);
        // The enterprise's orders are those whose money came from (or went back to) its wallet.
        const string sql = """
            WITH orders AS (
                SELECT DISTINCT p.order_id
                FROM postings p
                WHERE p.account_id = @walletId AND p.order_id IS NOT NULL AND p.reported_at < @to
            ), moves AS (
                SELECT p.order_id, p.tx_kind, a.kind AS account_kind, p.amount, p.reported_at >= @from AS in_period
                FROM orders o
                JOIN postings p ON p.order_id = o.order_id
                JOIN accounts a ON a.id = p.account_id
                WHERE p.reported_at < @to AND p.currency = @currency
            )
            SELECT m.order_id, coalesce(f.industry, 'unknown') AS industry, coalesce(f.task_type, 'unknown') AS task_type,
              coalesce(-sum(amount) FILTER (WHERE in_period AND account_kind = 'escrow' AND amount < 0), 0) AS escrowed,
              coalesce(-sum(amount) FILTER (WHERE in_period AND account_kind IN ('worker_payable', 'vendor_payable')), 0) AS spent_on_work,
              coalesce(-sum(amount) FILTER (WHERE in_period AND account_kind = 'platform_fee'), 0) AS fees,
              coalesce(-sum(amount) FILTER (WHERE in_period AND account_kind = 'wallet' AND amount < 0 AND tx_kind = 'refund'), 0) AS refunded,
              coalesce(-sum(amount) FILTER (WHERE in_period AND account_kind = 'wallet' AND amount < 0 AND tx_kind = 'release'), 0) AS released,
              coalesce(-sum(amount) FILTER (WHERE account_kind = 'escrow'), 0) AS escrow_at_end
            FROM moves m LEFT JOIN order_facts f ON f.order_id = m.order_id
            GROUP BY m.order_id, f.industry, f.task_type
            HAVING bool_or(in_period) OR coalesce(sum(amount) FILTER (WHERE account_kind = 'escrow'), 0) <> 0
            ORDER BY m.order_id
            """;
        var orders = (await connection.QueryAsync<OrderSpend>(sql, new
        {
            walletId = wallet.Id, from = period.From.UtcDateTime, to = period.To.UtcDateTime, currency = period.Currency,
        }, tx)).ToList();
        var totals = new SpendTotals(orders.Sum(o => o.Escrowed), orders.Sum(o => o.SpentOnWork), orders.Sum(o => o.Fees),
            orders.Sum(o => o.Refunded), orders.Sum(o => o.Released), orders.Sum(o => o.EscrowAtEnd));
        return new EnterpriseStatement("enterprise", orgId, period.From, period.To, period.Currency, opening, closing, movements, orders, totals);
    }

    public static async Task<WorkerStatement> WorkerAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid workerId,
        LedgerReads.Account payable, ReportPeriod period)
    {
        var opening = -await LedgerReads.BalanceAtAsync(connection, payable, period.From, tx);
        var closing = -await LedgerReads.BalanceAtAsync(connection, payable, period.To, tx);
        var movements = await LedgerReads.MovementsAsync(connection, payable, period, tx);
        var args = new { payable.Id, from = period.From.UtcDateTime, to = period.To.UtcDateTime };
        const string earningsSql = """
            SELECT p.order_id, coalesce(f.industry, 'unknown') AS industry, coalesce(f.task_type, 'unknown') AS task_type,
                   count(*) AS assignments, -sum(p.amount) AS amount
            FROM postings p
            LEFT JOIN order_facts f ON f.order_id = p.order_id
            WHERE p.account_id = @Id AND p.tx_kind = 'approval' AND p.reported_at >= @from AND p.reported_at < @to
            GROUP BY p.order_id, f.industry, f.task_type
            ORDER BY p.order_id
            """;
        var earnings = (await connection.QueryAsync<OrderEarnings>(earningsSql, args, tx)).ToList();
        var payouts = await PayoutsAsync(connection, tx, payable, period);
        return new WorkerStatement("worker", workerId, period.From, period.To, period.Currency, opening, closing, movements,
            earnings, payouts, earnings.Sum(e => e.Amount), payouts.Sum(p => p.Amount));
    }

    public static async Task<VendorStatement> VendorAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid vendorId,
        LedgerReads.Account receivable, ReportPeriod period)
    {
        var opening = -await LedgerReads.BalanceAtAsync(connection, receivable, period.From, tx);
        var closing = -await LedgerReads.BalanceAtAsync(connection, receivable, period.To, tx);
        var movements = await LedgerReads.MovementsAsync(connection, receivable, period, tx);
        // The orders settled in the period where the vendor held the contract or a sub-contract, from what settlement kept
        // of each (contracts, subcontracts, vendor_package_costs) and what the ledger credited it.
        const string sql = """
            WITH parts AS (
                SELECT c.order_id, 'contract' AS role, c.dispute_outcome,
                       CASE c.dispute_outcome WHEN 'partial' THEN c.dispute_vendor_amount WHEN 'refund' THEN 0 ELSE c.price END AS income,
                       coalesce(c.penalty, 0) AS penalty, coalesce(c.fee, 0) AS fee
                FROM contracts c
                WHERE c.vendor_org_id = @vendorId AND c.currency = @currency AND c.settled_at >= @from AND c.settled_at < @to
                UNION ALL
                SELECT c.order_id, 'subcontract', c.dispute_outcome, CASE c.dispute_outcome WHEN 'refund' THEN 0 ELSE sum(s.price) END, 0, 0
                FROM subcontracts s JOIN contracts c ON c.order_id = s.order_id
                WHERE s.to_vendor_org_id = @vendorId AND c.currency = @currency AND c.settled_at >= @from AND c.settled_at < @to
                GROUP BY c.order_id, c.dispute_outcome
            )
            SELECT p.order_id, coalesce(f.industry, 'unknown') AS industry, coalesce(f.task_type, 'unknown') AS task_type, p.role, p.income,
                   CASE WHEN p.dispute_outcome = 'refund' THEN 0 ELSE coalesce((SELECT sum(k.amount) FROM vendor_package_costs k
                        WHERE k.order_id = p.order_id AND k.vendor_org_id = @vendorId), 0) END AS worker_costs,
                   CASE WHEN p.dispute_outcome = 'refund' THEN 0 ELSE coalesce((SELECT sum(s.price) FROM subcontracts s
                        WHERE s.order_id = p.order_id AND s.from_vendor_org_id = @vendorId), 0) END AS subcontract_costs,
                   p.penalty, p.fee, 0::numeric AS margin,
                   coalesce((SELECT -sum(po.amount) FROM postings po WHERE po.account_id = @accountId AND po.order_id = p.order_id), 0) AS receivable
            FROM parts p LEFT JOIN order_facts f ON f.order_id = p.order_id
            ORDER BY p.order_id
            """;
        var orders = (await connection.QueryAsync<OrderMargin>(sql, new
        {
            vendorId, accountId = receivable.Id, currency = period.Currency, from = period.From.UtcDateTime, to = period.To.UtcDateTime,
        }, tx)).Select(o => o with { Margin = o.Income - o.WorkerCosts - o.SubcontractCosts - o.Penalty - o.Fee }).ToList();
        var withdrawals = await PayoutsAsync(connection, tx, receivable, period, "withdrawal");
        return new VendorStatement("vendor", vendorId, period.From, period.To, period.Currency, opening, closing, movements, orders, withdrawals,
            new MarginTotals(orders.Sum(o => o.Income), orders.Sum(o => o.WorkerCosts), orders.Sum(o => o.SubcontractCosts),
                orders.Sum(o => o.Penalty), orders.Sum(o => o.Fee), orders.Sum(o => o.Margin), orders.Sum(o => o.Receivable)));
    }

    /// <summary>Money out to the party's bank: a worker's payouts (kind payout) or a vendor's withdrawals (kind withdrawal).</summary>
    private static async Task<List<PayoutLine>> PayoutsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LedgerReads.Account account, ReportPeriod period,
        string kind = "payout")
    {
        const string sql = """
            SELECT substr(t.business_key, length(@kind) + 2) AS payout_id, p.amount, t.occurred_at, t.reported_at
            FROM postings p JOIN ledger_transactions t ON t.id = p.transaction_id
            WHERE p.account_id = @Id AND t.kind = @kind AND p.reported_at >= @from AND p.reported_at < @to
            ORDER BY t.reported_at, t.id
            """;
        return (await connection.QueryAsync<PayoutLine>(sql, new { account.Id, kind, from = period.From.UtcDateTime, to = period.To.UtcDateTime }, tx)).ToList();
    }

    private static IResult Render(EnterpriseStatement s, bool csv)
    {
        if (!csv) return TypedResults.Ok(s);
        var c = Head(new Csv(), s.Party, s.PartyId, s.From, s.To, s.Currency);
        c.Add("wallet", null, null, null, "opening_balance", s.OpeningBalance).Add("wallet", null, null, null, "closing_balance", s.ClosingBalance);
        foreach (var m in s.WalletMovements) c.Add("wallet_movement", m.Kind, null, null, "amount", m.Amount);
        foreach (var o in s.Orders)
        {
            var k = o.OrderId.ToString();
            c.Add("order", k, o.Industry, o.TaskType, "escrowed", o.Escrowed).Add("order", k, o.Industry, o.TaskType, "spent_on_work", o.SpentOnWork)
             .Add("order", k, o.Industry, o.TaskType, "fees", o.Fees).Add("order", k, o.Industry, o.TaskType, "refunded", o.Refunded)
             .Add("order", k, o.Industry, o.TaskType, "released", o.Released).Add("order", k, o.Industry, o.TaskType, "escrow_at_end", o.EscrowAtEnd);
        }
        var t = s.Totals;
        c.Add("total", null, null, null, "escrowed", t.Escrowed).Add("total", null, null, null, "spent_on_work", t.SpentOnWork)
         .Add("total", null, null, null, "fees", t.Fees).Add("total", null, null, null, "refunded", t.Refunded)
         .Add("total", null, null, null, "released", t.Released).Add("total", null, null, null, "escrow_at_end", t.EscrowAtEnd);
        return c.ToResult();
    }

    private static IResult Render(WorkerStatement s, bool csv)
    {
        if (!csv) return TypedResults.Ok(s);
        var c = Head(new Csv(), s.Party, s.PartyId, s.From, s.To, s.Currency);
        c.Add("payable", null, null, null, "opening_payable", s.OpeningPayable).Add("payable", null, null, null, "closing_payable", s.ClosingPayable);
        foreach (var m in s.Movements) c.Add("payable_movement", m.Kind, null, null, "amount", m.Amount);
        foreach (var e in s.Earnings)
            c.Add("earning", e.OrderId.ToString(), e.Industry, e.TaskType, "assignments", e.Assignments)
             .Add("earning", e.OrderId.ToString(), e.Industry, e.TaskType, "amount", e.Amount);
        foreach (var p in s.Payouts) c.Add("payout", p.PayoutId, null, null, "amount", p.Amount);
        c.Add("total", null, null, null, "earned", s.TotalEarned).Add("total", null, null, null, "paid_out", s.TotalPaidOut);
        return c.ToResult();
    }

    private static IResult Render(VendorStatement s, bool csv)
    {
        if (!csv) return TypedResults.Ok(s);
        var c = Head(new Csv(), s.Party, s.PartyId, s.From, s.To, s.Currency);
        c.Add("receivable", null, null, null, "opening_receivable", s.OpeningReceivable).Add("receivable", null, null, null, "closing_receivable", s.ClosingReceivable);
        foreach (var m in s.Movements) c.Add("receivable_movement", m.Kind, null, null, "amount", m.Amount);
        foreach (var o in s.Orders)
        {
            var k = o.OrderId.ToString();
            c.Add("order", k, o.Industry, o.TaskType, "role", o.Role).Add("order", k, o.Industry, o.TaskType, "income", o.Income)
             .Add("order", k, o.Industry, o.TaskType, "worker_costs", o.WorkerCosts).Add("order", k, o.Industry, o.TaskType, "subcontract_costs", o.SubcontractCosts)
             .Add("order", k, o.Industry, o.TaskType, "penalty", o.Penalty).Add("order", k, o.Industry, o.TaskType, "fee", o.Fee)
             .Add("order", k, o.Industry, o.TaskType, "margin", o.Margin).Add("order", k, o.Industry, o.TaskType, "receivable", o.Receivable);
        }
        foreach (var w in s.Withdrawals) c.Add("withdrawal", w.PayoutId, null, null, "amount", w.Amount);
        var t = s.Totals;
        c.Add("total", null, null, null, "income", t.Income).Add("total", null, null, null, "worker_costs", t.WorkerCosts)
         .Add("total", null, null, null, "subcontract_costs", t.SubcontractCosts).Add("total", null, null, null, "penalties", t.Penalties)
         .Add("total", null, null, null, "fees", t.Fees).Add("total", null, null, null, "margin", t.Margin)
         .Add("total", null, null, null, "receivables", t.Receivables);
        return c.ToResult();
    }

    private static Csv Head(Csv c, string party, Guid id, DateTimeOffset from, DateTimeOffset to, string currency) =>
        c.Add("statement", id.ToString(), null, null, "party", party).Add("statement", id.ToString(), null, null, "from", Csv.Time(from))
         .Add("statement", id.ToString(), null, null, "to", Csv.Time(to)).Add("statement", id.ToString(), null, null, "currency", currency);
}
