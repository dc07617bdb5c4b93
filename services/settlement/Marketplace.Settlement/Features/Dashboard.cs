using Dapper;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Settlement.Reports;
using Npgsql;

namespace Marketplace.Settlement.Features;

/// <summary>
/// The operators' dashboard: the figures the data-labeling bases publish (GMV and fees, data volume labeled, items,
/// datasets delivered, enterprises served, vendors, active workers, output value, payouts), in total and per month, week
/// or day, optionally for one industry or task type. The same facts and meanings as the operator report (settlement's
/// ledger and the order facts it keeps from OrderPublished), read once for the whole period: one query of flows and one
/// of deliveries, each grouped by bucket and in total, so a distinct count (enterprises, workers) is right in both.
/// </summary>
public static class Dashboard
{
    public sealed record Figures(
        decimal Gmv, decimal Fees, decimal WorkerEarnings, decimal Payouts, long AssignmentsApproved, long DatasetsDelivered,
        long ItemsLabeled, long DataBytesLabeled, decimal DataTerabytesLabeled, long EnterprisesServed, long Vendors, long ActiveWorkers,
        decimal OutputValue);

    public sealed record Bucket(DateTimeOffset Start, DateTimeOffset End, Figures Figures);

    public sealed record Response(DateTimeOffset From, DateTimeOffset To, string Interval, string Currency, string? Industry, string? TaskType,
        Figures Totals, IReadOnlyList<Bucket> Series);

    public static RouteGroupBuilder MapDashboard(this RouteGroupBuilder group)
    {
        group.MapGet("/dashboard", Handle).RequireAuthorization(Roles.Operator).Produces<Response>();
        return group;
    }

    // bucket: width_bucket over the buckets' starts (1-based); level 1 is the total (GROUPING).
    private const string FlowsSql = """
        WITH moves AS (
            SELECT width_bucket(p.reported_at, @starts) AS bucket, p.tx_kind, p.order_id, a.kind AS account_kind, a.owner_id, p.amount,
                   f.enterprise_org_id
            FROM postings p
            JOIN accounts a ON a.id = p.account_id
            LEFT JOIN order_facts f ON f.order_id = p.order_id
            WHERE p.reported_at >= @from AND p.reported_at < @to AND p.currency = @currency
              AND (@industry::text IS NULL OR coalesce(f.industry, CASE WHEN p.order_id IS NULL THEN 'none' ELSE 'unknown' END) = @industry)
              AND (@taskType::text IS NULL OR coalesce(f.task_type, CASE WHEN p.order_id IS NULL THEN 'none' ELSE 'unknown' END) = @taskType)
        )
        SELECT GROUPING(bucket) AS level, coalesce(bucket, 0) AS bucket,
          coalesce(-sum(amount) FILTER (WHERE order_id IS NOT NULL AND account_kind IN ('worker_payable', 'vendor_payable', 'platform_fee')), 0) AS gmv,
          coalesce(-sum(amount) FILTER (WHERE account_kind = 'platform_fee'), 0) AS fees,
          coalesce(-sum(amount) FILTER (WHERE order_id IS NOT NULL AND account_kind = 'worker_payable'), 0) AS worker_earnings,
          coalesce(sum(amount) FILTER (WHERE account_kind = 'worker_payable' AND amount > 0), 0) AS payouts,
          count(*) FILTER (WHERE tx_kind = 'approval' AND account_kind = 'escrow') AS assignments_approved,
          count(DISTINCT enterprise_org_id) FILTER (WHERE order_id IS NOT NULL AND account_kind IN ('worker_payable', 'vendor_payable', 'platform_fee')) AS enterprises_served,
          count(DISTINCT owner_id) FILTER (WHERE account_kind = 'worker_payable' AND tx_kind = 'approval') AS active_workers,
          count(DISTINCT owner_id) FILTER (WHERE account_kind = 'vendor_payable' AND amount < 0) AS vendors
        FROM moves
        GROUP BY GROUPING SETS ((bucket), ())
        """;

    // Output value: the value of the delivered orders' work booked before the period's end (as in the operator report),
    // so the buckets add up to the total.
    private const string DeliveredSql = $"""
        WITH delivered AS (
            SELECT width_bucket(c.closed_at, @starts) AS bucket, c.order_id,
                   coalesce(f.item_count, 0) AS items, coalesce(f.data_bytes, 0) AS bytes
            FROM order_closures c LEFT JOIN order_facts f ON f.order_id = c.order_id
            WHERE c.reason = 'accepted' AND c.closed_at >= @from AND c.closed_at < @to AND c.currency = @currency
              AND (@industry::text IS NULL OR coalesce(f.industry, 'unknown') = @industry)
              AND (@taskType::text IS NULL OR coalesce(f.task_type, 'unknown') = @taskType)
        ), {Reports.OperatorReport.DeliveredValue}
        SELECT GROUPING(bucket) AS level, coalesce(bucket, 0) AS bucket,
               count(*) AS datasets_delivered, coalesce(sum(items), 0)::bigint AS items_labeled,
               coalesce(sum(bytes), 0)::bigint AS data_bytes_labeled, coalesce(sum(v.amount), 0) AS output_value
        FROM delivered d LEFT JOIN value v ON v.order_id = d.order_id
        GROUP BY GROUPING SETS ((bucket), ())
        """;

    private sealed record FlowRow(int Level, int Bucket, decimal Gmv, decimal Fees, decimal WorkerEarnings, decimal Payouts,
        long AssignmentsApproved, long EnterprisesServed, long ActiveWorkers, long Vendors);

    private sealed record DeliveredRow(int Level, int Bucket, long DatasetsDelivered, long ItemsLabeled, long DataBytesLabeled, decimal OutputValue);

    private static async Task<IResult> Handle(string? from, string? to, string? interval, string? industry, string? taskType, string? currency,
        NpgsqlDataSource db, TimeProvider clock)
    {
        interval ??= "month";
        if (!DashboardBuckets.Intervals.Contains(interval))
            return Problems.BadRequest("interval", "'interval' must be day, week or month.", "validation.not_allowed");
        if (industry is { Length: 0 or > 100 }) return Problems.BadRequest("industry", "'industry' must be 1 to 100 characters.", "validation.length");
        if (taskType is { Length: 0 or > 100 }) return Problems.BadRequest("taskType", "'taskType' must be 1 to 100 characters.", "validation.length");
        var (defaultFrom, defaultTo) = DashboardBuckets.DefaultPeriod(clock.GetUtcNow(), interval);
        var start = defaultFrom;
        var end = defaultTo;
        if (from is not null && ReportPeriod.Bad(from, "from", out start) is { } badFrom) return badFrom;
        if (to is not null && ReportPeriod.Bad(to, "to", out end) is { } badTo) return badTo;
        if (from is null && to is not null)
        {
            // Twelve buckets up to the one that ends the period.
            (start, _) = DashboardBuckets.DefaultPeriod(end.AddTicks(-1), interval);
        }
        if (end <= start) return Problems.BadRequest("to", "'to' must be after 'from' (the period is [from, to)).", "validation.out_of_range");
        currency ??= ReportPeriod.DefaultCurrency;
        if (currency != ReportPeriod.DefaultCurrency) return Problems.BadRequest("currency", "'currency' must be CNY.", "validation.not_allowed");
        if (DashboardBuckets.Split(start, end, interval) is not { } buckets)
            return Problems.BadRequest("from", $"The period holds more than {DashboardBuckets.MaxBuckets} {interval}s; choose a shorter period or a longer interval.",
                "validation.out_of_range");

        var args = new
        {
            from = start.UtcDateTime, to = end.UtcDateTime, currency, industry, taskType,
            starts = buckets.Select(b => b.Start.UtcDateTime).ToArray(),
        };
        await using var connection = await db.OpenConnectionAsync();
        // One snapshot for both queries: a delivery and the work it paid for are counted together or not at all.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        var flows = (await connection.QueryAsync<FlowRow>(FlowsSql, args, tx)).ToDictionary(r => r.Level == 1 ? 0 : r.Bucket);
        var delivered = (await connection.QueryAsync<DeliveredRow>(DeliveredSql, args, tx)).ToDictionary(r => r.Level == 1 ? 0 : r.Bucket);
        await tx.CommitAsync();

        Figures At(int key) => Combine(flows.GetValueOrDefault(key), delivered.GetValueOrDefault(key));
        var series = buckets.Select((b, i) => new Bucket(b.Start, b.End, At(i + 1))).ToList();
        return TypedResults.Ok(new Response(start, end, interval, currency, industry, taskType, At(0), series));
    }

    private static Figures Combine(FlowRow? f, DeliveredRow? d) => new(
        f?.Gmv ?? 0, f?.Fees ?? 0, f?.WorkerEarnings ?? 0, f?.Payouts ?? 0, f?.AssignmentsApproved ?? 0,
        d?.DatasetsDelivered ?? 0, d?.ItemsLabeled ?? 0, d?.DataBytesLabeled ?? 0,
        decimal.Round((d?.DataBytesLabeled ?? 0) / 1_000_000_000_000m, 6),
        f?.EnterprisesServed ?? 0, f?.Vendors ?? 0, f?.ActiveWorkers ?? 0, d?.OutputValue ?? 0);
}
