using Dapper;
using Npgsql;

namespace Marketplace.Settlement.Reports;

/// <summary>
/// The operator's report for a period, in total, by industry and by task type. Money flows are read by account kind and
/// transaction kind, so kinds added later (vendor receivables, bonuses, reversals) fall into the right column:
/// <list type="bullet">
/// <item>GMV: value of work paid from orders in the period (credits to worker payables, vendor receivables and platform fees
/// by transactions of an order); fees: platform fee credits; escrowed: money moved into escrow.</item>
/// <item>Escrow outstanding and worker payables: balances at the period's end. Payouts: worker payable debits in the period.
/// A payable belongs to no order, so payouts and payables are given to industries and task types first-in-first-out:
/// a worker's payouts settle their oldest earnings first, so what is still owed is their latest earnings.</item>
/// <item>Marketplace figures: datasets delivered (orders accepted in the period), their items and bytes of data and
/// output value (the value of their work), assignments approved, enterprises served (work paid from their orders),
/// active workers (earned from an approval), vendors (credited a receivable).</item>
/// </list>
/// </summary>
public static class OperatorReport
{
    public sealed record Figures(
        decimal Gmv, decimal Fees, decimal WorkerEarnings, decimal Escrowed, decimal EscrowOutstanding, decimal Payouts, decimal WorkerPayables,
        long AssignmentsApproved, long DatasetsDelivered, long ItemsLabeled, long DataBytesLabeled, decimal DataTerabytesLabeled,
        long EnterprisesServed, long Vendors, long ActiveWorkers, decimal OutputValue);

    public sealed record IndustryRow(string Industry, Figures Figures);

    public sealed record TaskTypeRow(string TaskType, Figures Figures);

    public sealed record Response(DateTimeOffset From, DateTimeOffset To, string Currency, bool Frozen, Guid? PeriodId, DateTimeOffset? ClosedAt,
        Figures Totals, IReadOnlyList<IndustryRow> ByIndustry, IReadOnlyList<TaskTypeRow> ByTaskType);

    private const string GroupingSets = "GROUPING SETS ((industry, task_type), (industry), (task_type), ())";

    // level: GROUPING(industry, task_type): 0 a cell, 1 an industry, 2 a task type, 3 the total.
    private const string FlowsSql = $"""
        WITH moves AS (
            SELECT p.tx_kind, p.order_id, a.kind AS account_kind, a.owner_id, p.amount, f.enterprise_org_id,
                   coalesce(f.industry, CASE WHEN p.order_id IS NULL THEN 'none' ELSE 'unknown' END) AS industry,
                   coalesce(f.task_type, CASE WHEN p.order_id IS NULL THEN 'none' ELSE 'unknown' END) AS task_type
            FROM postings p
            JOIN accounts a ON a.id = p.account_id
            LEFT JOIN order_facts f ON f.order_id = p.order_id
            WHERE p.reported_at >= @from AND p.reported_at < @to AND p.currency = @currency
        )
        SELECT GROUPING(industry, task_type) AS level, industry, task_type,
          coalesce(-sum(amount) FILTER (WHERE order_id IS NOT NULL AND account_kind IN ('worker_payable', 'vendor_payable', 'platform_fee')), 0) AS gmv,
          coalesce(-sum(amount) FILTER (WHERE account_kind = 'platform_fee'), 0) AS fees,
          coalesce(-sum(amount) FILTER (WHERE order_id IS NOT NULL AND account_kind = 'worker_payable'), 0) AS worker_earnings,
          coalesce(-sum(amount) FILTER (WHERE account_kind = 'escrow' AND amount < 0), 0) AS escrowed,
          count(*) FILTER (WHERE tx_kind = 'approval' AND account_kind = 'escrow') AS assignments_approved,
          count(DISTINCT enterprise_org_id) FILTER (WHERE order_id IS NOT NULL AND account_kind IN ('worker_payable', 'vendor_payable', 'platform_fee')) AS enterprises_served,
          count(DISTINCT owner_id) FILTER (WHERE account_kind = 'worker_payable' AND tx_kind = 'approval') AS active_workers,
          count(DISTINCT owner_id) FILTER (WHERE account_kind = 'vendor_payable' AND amount < 0) AS vendors
        FROM moves
        GROUP BY {GroupingSets}
        """;

    // Balances at the period's end: BalancesAt, in the WITH clause as at_end.
    private static string EscrowSql(string balancesAtEnd) => $"""
        WITH at_end AS ({balancesAtEnd}),
        held AS (
            SELECT coalesce(f.industry, 'unknown') AS industry, coalesce(f.task_type, 'unknown') AS task_type, -b.balance AS amount
            FROM at_end b LEFT JOIN order_facts f ON f.order_id = b.owner_id
            WHERE b.kind = 'escrow'
        )
        SELECT GROUPING(industry, task_type) AS level, industry, task_type, coalesce(sum(amount), 0) AS escrow_outstanding
        FROM held
        GROUP BY {GroupingSets}
        """;

    // First in, first out (payables_first_in_first_out, migration 0012): counted back from the period's end, a worker's
    // latest credits (up to what is owed at the end) are still owed, and the credits before them (up to the period's
    // debits) are what the period's payouts settled.
    private static string PayablesSql(string balancesAtEnd) => $"""
        WITH at_end AS ({balancesAtEnd}),
        debits AS (
            SELECT p.account_id, sum(p.amount) AS amount
            FROM postings p
            WHERE p.reported_at >= @from AND p.reported_at < @to AND p.amount > 0 AND p.currency = @currency
            GROUP BY p.account_id
        ), workers AS (
            SELECT b.id, -b.balance AS owed, coalesce(d.amount, 0) AS paid
            FROM at_end b LEFT JOIN debits d ON d.account_id = b.id
            WHERE b.kind = 'worker_payable' AND -b.balance + coalesce(d.amount, 0) > 0
        ), spread AS (
            SELECT s.order_id, s.owed, s.paid
            FROM (SELECT array_agg(id) AS ids, array_agg(owed) AS owed, array_agg(paid) AS paid FROM workers) w,
                 LATERAL payables_first_in_first_out(@to, w.ids, w.owed, w.paid) s
        ), allocated AS (
            SELECT coalesce(f.industry, CASE WHEN s.order_id IS NULL THEN 'none' ELSE 'unknown' END) AS industry,
                   coalesce(f.task_type, CASE WHEN s.order_id IS NULL THEN 'none' ELSE 'unknown' END) AS task_type,
                   s.owed, s.paid
            FROM spread s LEFT JOIN order_facts f ON f.order_id = s.order_id
        )
        SELECT GROUPING(industry, task_type) AS level, industry, task_type,
               coalesce(sum(owed), 0) AS worker_payables, coalesce(sum(paid), 0) AS payouts
        FROM allocated
        GROUP BY {GroupingSets}
        """;

    /// <summary>
    /// The output value of the orders in a <c>delivered</c> CTE (order_id per row): what their work paid to workers,
    /// vendors and the platform, booked before the period's end (@to). The dashboard's buckets use the same rule, so they
    /// add up to this report's total.
    /// </summary>
    internal const string DeliveredValue = """
        value AS (
            SELECT d.order_id, -sum(p.amount) AS amount
            FROM delivered d
            JOIN postings p ON p.order_id = d.order_id
            JOIN accounts a ON a.id = p.account_id
            WHERE p.reported_at < @to AND a.kind IN ('worker_payable', 'vendor_payable', 'platform_fee')
            GROUP BY d.order_id
        )
        """;

    private const string DeliveredSql = $"""
        WITH delivered AS (
            SELECT c.order_id, coalesce(f.industry, 'unknown') AS industry, coalesce(f.task_type, 'unknown') AS task_type,
                   coalesce(f.item_count, 0) AS items, coalesce(f.data_bytes, 0) AS bytes
            FROM order_closures c LEFT JOIN order_facts f ON f.order_id = c.order_id
            WHERE c.reason = 'accepted' AND c.closed_at >= @from AND c.closed_at < @to AND c.currency = @currency
        ), {DeliveredValue}
        SELECT GROUPING(industry, task_type) AS level, industry, task_type,
               count(*) AS datasets_delivered, coalesce(sum(items), 0)::bigint AS items_labeled, coalesce(sum(bytes), 0)::bigint AS data_bytes_labeled,
               coalesce(sum(v.amount), 0) AS output_value
        FROM delivered d LEFT JOIN value v ON v.order_id = d.order_id
        GROUP BY {GroupingSets}
        """;

    private sealed record Key(int Level, string? Industry, string? TaskType);

    private sealed class Acc
    {
        public decimal Gmv, Fees, WorkerEarnings, Escrowed, EscrowOutstanding, Payouts, WorkerPayables, OutputValue;
        public long AssignmentsApproved, DatasetsDelivered, ItemsLabeled, DataBytesLabeled, EnterprisesServed, Vendors, ActiveWorkers;

        public Figures ToFigures() => new(Gmv, Fees, WorkerEarnings, Escrowed, EscrowOutstanding, Payouts, WorkerPayables,
            AssignmentsApproved, DatasetsDelivered, ItemsLabeled, DataBytesLabeled, decimal.Round(DataBytesLabeled / 1_000_000_000_000m, 6),
            EnterprisesServed, Vendors, ActiveWorkers, OutputValue);
    }

    private sealed record FlowRow(int Level, string? Industry, string? TaskType, decimal Gmv, decimal Fees, decimal WorkerEarnings, decimal Escrowed,
        long AssignmentsApproved, long EnterprisesServed, long ActiveWorkers, long Vendors);

    private sealed record EscrowRow(int Level, string? Industry, string? TaskType, decimal EscrowOutstanding);

    private sealed record PayablesRow(int Level, string? Industry, string? TaskType, decimal WorkerPayables, decimal Payouts);

    private sealed record DeliveredRow(int Level, string? Industry, string? TaskType, long DatasetsDelivered, long ItemsLabeled, long DataBytesLabeled, decimal OutputValue);

    /// <summary>Computes the report in the caller's (repeatable read) transaction.</summary>
    public static async Task<Response> ComputeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ReportPeriod period, int commandTimeoutSeconds = 600)
    {
        var args = new { from = period.From.UtcDateTime, to = period.To.UtcDateTime, currency = period.Currency };
        var balancesAtEnd = await BalancesAt.SqlAsync(connection, tx, period.To);
        var groups = new Dictionary<Key, Acc>();
        Acc At(int level, string? industry, string? taskType)
        {
            var key = new Key(level, level is 0 or 1 ? industry : null, level is 0 or 2 ? taskType : null);
            return groups.TryGetValue(key, out var acc) ? acc : groups[key] = new Acc();
        }

        foreach (var r in await connection.QueryAsync<FlowRow>(FlowsSql, args, tx, commandTimeoutSeconds))
        {
            var a = At(r.Level, r.Industry, r.TaskType);
            (a.Gmv, a.Fees, a.WorkerEarnings, a.Escrowed) = (r.Gmv, r.Fees, r.WorkerEarnings, r.Escrowed);
            (a.AssignmentsApproved, a.EnterprisesServed, a.ActiveWorkers, a.Vendors) = (r.AssignmentsApproved, r.EnterprisesServed, r.ActiveWorkers, r.Vendors);
        }
        foreach (var r in await connection.QueryAsync<EscrowRow>(EscrowSql(balancesAtEnd), args, tx, commandTimeoutSeconds))
            At(r.Level, r.Industry, r.TaskType).EscrowOutstanding = r.EscrowOutstanding;
        foreach (var r in await connection.QueryAsync<PayablesRow>(PayablesSql(balancesAtEnd), args, tx, commandTimeoutSeconds))
        {
            var a = At(r.Level, r.Industry, r.TaskType);
            (a.WorkerPayables, a.Payouts) = (r.WorkerPayables, r.Payouts);
        }
        foreach (var r in await connection.QueryAsync<DeliveredRow>(DeliveredSql, args, tx, commandTimeoutSeconds))
        {
            var a = At(r.Level, r.Industry, r.TaskType);
            (a.DatasetsDelivered, a.ItemsLabeled, a.DataBytesLabeled, a.OutputValue) = (r.DatasetsDelivered, r.ItemsLabeled, r.DataBytesLabeled, r.OutputValue);
        }

        var totals = groups.TryGetValue(new Key(3, null, null), out var t) ? t.ToFigures() : new Acc().ToFigures();
        var byIndustry = groups.Where(g => g.Key.Level == 1).OrderBy(g => g.Key.Industry, StringComparer.Ordinal)
            .Select(g => new IndustryRow(g.Key.Industry!, g.Value.ToFigures())).Where(r => !IsEmpty(r.Figures)).ToList();
        var byTaskType = groups.Where(g => g.Key.Level == 2).OrderBy(g => g.Key.TaskType, StringComparer.Ordinal)
            .Select(g => new TaskTypeRow(g.Key.TaskType!, g.Value.ToFigures())).Where(r => !IsEmpty(r.Figures)).ToList();
        return new Response(period.From, period.To, period.Currency, false, null, null, totals, byIndustry, byTaskType);
    }

    private static bool IsEmpty(Figures f) => f == new Acc().ToFigures();

    public static string ToCsv(Response r)
    {
        var c = new Csv();
        c.Add("report", null, null, null, "from", Csv.Time(r.From)).Add("report", null, null, null, "to", Csv.Time(r.To))
         .Add("report", null, null, null, "currency", r.Currency).Add("report", null, null, null, "frozen", r.Frozen ? "true" : "false");
        AddFigures(c, "total", null, null, null, r.Totals);
        foreach (var row in r.ByIndustry) AddFigures(c, "industry", row.Industry, row.Industry, null, row.Figures);
        foreach (var row in r.ByTaskType) AddFigures(c, "task_type", row.TaskType, null, row.TaskType, row.Figures);
        return c.ToString();
    }

    private static void AddFigures(Csv c, string section, string? key, string? industry, string? taskType, Figures f)
    {
        c.Add(section, key, industry, taskType, "gmv", f.Gmv).Add(section, key, industry, taskType, "fees", f.Fees)
         .Add(section, key, industry, taskType, "worker_earnings", f.WorkerEarnings).Add(section, key, industry, taskType, "escrowed", f.Escrowed)
         .Add(section, key, industry, taskType, "escrow_outstanding", f.EscrowOutstanding).Add(section, key, industry, taskType, "payouts", f.Payouts)
         .Add(section, key, industry, taskType, "worker_payables", f.WorkerPayables)
         .Add(section, key, industry, taskType, "assignments_approved", f.AssignmentsApproved)
         .Add(section, key, industry, taskType, "datasets_delivered", f.DatasetsDelivered).Add(section, key, industry, taskType, "items_labeled", f.ItemsLabeled)
         .Add(section, key, industry, taskType, "data_bytes_labeled", f.DataBytesLabeled)
         .Add(section, key, industry, taskType, "data_terabytes_labeled", f.DataTerabytesLabeled.ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture))
         .Add(section, key, industry, taskType, "enterprises_served", f.EnterprisesServed).Add(section, key, industry, taskType, "vendors", f.Vendors)
         .Add(section, key, industry, taskType, "active_workers", f.ActiveWorkers).Add(section, key, industry, taskType, "output_value", f.OutputValue);
    }
}
