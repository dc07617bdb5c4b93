using System.Diagnostics;
using Dapper;
using Marketplace.ServiceDefaults.Data;
using Marketplace.Settlement;
using Marketplace.Settlement.Features;
using Marketplace.Settlement.Reports;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Bench.Reports;

/// <summary>
/// The settlement reports' benchmark. Fills database bench_settlement (on the PostgreSQL of infra/up.sh, or the server
/// in MARKETPLACE_BENCH_PG) with N ledger postings by binary COPY: a year of orders spread over enterprises, industries
/// and task types, each funded from a deposit, its approvals spread over the following 30 days across workers, most
/// accepted with the rest released, and weekly payouts per worker; then times the period report, the operator report by
/// industry and task type (a month and the year), the CSV export, and an enterprise's statement. Writes
/// bench/results/reports.txt. Usage: bench/reports.sh [postings=10000000].
/// </summary>
public static class BenchReports
{
    private static readonly string[] Industries = ["medical", "autonomous-driving", "industrial-inspection", "geographic", "finance", "education", "culture-media", "other"];
    private static readonly string[] TaskTypes = ["text-classification", "image-classification", "audio-classification", "bounding-box", "text-span",
        "transcription", "llm-sft", "reward-ranking", "rubric-evaluation"];
    private static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static async Task<int> Main(string[] args)
    {
        var target = args.Length > 0 ? long.Parse(args[0]) : 10_000_000;
        var root = FindRoot();
        var server = Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_PG") ?? InfraServer(root);
        const string database = "bench_settlement";
        var report = new List<string> { $"settlement reports benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {target:N0} postings wanted" };
        void Say(string line) { Console.WriteLine(line); report.Add(line); }

        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString))
        {
            await admin.OpenAsync();
            await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            await admin.ExecuteAsync($"CREATE DATABASE {database}");
        }
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, CommandTimeout = 3600 }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        await Migrator.MigrateAsync(dataSource, [typeof(Migrator).Assembly, typeof(SettlementModule).Assembly], CancellationToken.None);

        var fill = Stopwatch.StartNew();
        var filled = await FillAsync(dataSource, target);
        Say($"fill: {filled.Postings:N0} postings, {filled.Transactions:N0} transactions, {filled.Orders:N0} orders, {filled.Workers:N0} workers, " +
            $"{filled.Enterprises:N0} enterprises in {fill.Elapsed.TotalSeconds:0.0} s (binary COPY, then indexes and VACUUM ANALYZE)");

        var month = new ReportPeriod(Start.AddMonths(11), Start.AddMonths(12), "CNY");
        var june = new ReportPeriod(Start.AddMonths(5), Start.AddMonths(6), "CNY");
        var year = new ReportPeriod(Start, Start.AddYears(1), "CNY");
        await using var connection = await dataSource.OpenConnectionAsync();
        for (var pass = 1; pass <= 2; pass++)
        {
            Say($"pass {pass}:");
            var periodReport = await TimeAsync(Say, "  period report (December)", async tx => await PeriodReport.ComputeAsync(connection, tx, month.From, month.To, "CNY"), connection);
            if (pass == 1) Say($"    money in {periodReport.MoneyIn:N4}, escrow held {periodReport.EscrowHeld:N4}, fees {periodReport.PlatformFees:N4}, paid {periodReport.PaidToWorkers:N4}, payables {periodReport.WorkerPayables:N4}, {periodReport.Transactions:N0} transactions, balanced {periodReport.Balanced}");
            var monthly = await TimeAsync(Say, "  operator report by industry and task type (December)", tx => OperatorReport.ComputeAsync(connection, tx, month), connection);
            if (pass == 1) Figures(Say, monthly);
            var middle = await TimeAsync(Say, "  operator report by industry and task type (June, mid-ledger: the most read for balances at its end)",
                tx => OperatorReport.ComputeAsync(connection, tx, june), connection);
            if (pass == 1) Figures(Say, middle);
            var yearly = await TimeAsync(Say, "  operator report by industry and task type (the year)", tx => OperatorReport.ComputeAsync(connection, tx, year), connection);
            if (pass == 1) Figures(Say, yearly);
            var csv = await TimeAsync(Say, "  CSV export of the year's operator report (compute + write)", async tx => OperatorReport.ToCsv(await OperatorReport.ComputeAsync(connection, tx, year)), connection);
            if (pass == 1) Say($"    {csv.Split('\n').Length - 2:N0} lines, {csv.Length:N0} characters");
            var wallet = await connection.QuerySingleAsync<(Guid Id, decimal Balance, Guid OwnerId)>(
                "SELECT id, balance, owner_id FROM accounts WHERE kind = 'wallet' ORDER BY balance LIMIT 1");
            var statement = await TimeAsync(Say, "  enterprise statement for the year (one enterprise)", tx =>
                Statements.EnterpriseAsync(connection, tx, wallet.OwnerId, new LedgerReads.Account(wallet.Id, wallet.Balance), year), connection);
            if (pass == 1) Say($"    {statement.Orders.Count:N0} orders, spent on work {statement.Totals.SpentOnWork:N4}, fees {statement.Totals.Fees:N4}");
        }

        // The machine is shared (tests, helpers): the load says how much of it the figures had.
        Say($"load average at the end: {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (1 min)");
        var results = Path.Combine(root, "bench/results/reports.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(results)!);
        await File.WriteAllLinesAsync(results, report);
        Console.WriteLine($"written to {results}");
        return 0;
    }

    private static async Task<T> TimeAsync<T>(Action<string> say, string what, Func<NpgsqlTransaction, Task<T>> run, NpgsqlConnection connection)
    {
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        var clock = Stopwatch.StartNew();
        var result = await run(tx);
        say($"{what}: {clock.Elapsed.TotalMilliseconds:N0} ms");
        await tx.CommitAsync();
        return result;
    }

    private static void Figures(Action<string> say, OperatorReport.Response r)
    {
        var t = r.Totals;
        say($"    total: GMV {t.Gmv:N4}, fees {t.Fees:N4}, escrow outstanding {t.EscrowOutstanding:N4}, payouts {t.Payouts:N4}, payables {t.WorkerPayables:N4}, " +
            $"{t.AssignmentsApproved:N0} approvals, {t.DatasetsDelivered:N0} datasets, {t.ItemsLabeled:N0} items, {t.DataTerabytesLabeled:0.000000} TB, " +
            $"{t.EnterprisesServed:N0} enterprises, {t.ActiveWorkers:N0} workers, output value {t.OutputValue:N4}");
        foreach (var row in r.ByIndustry.Take(3))
            say($"    {row.Industry}: GMV {row.Figures.Gmv:N4}, payouts {row.Figures.Payouts:N4}, payables {row.Figures.WorkerPayables:N4}");
        say($"    ({r.ByIndustry.Count} industries, {r.ByTaskType.Count} task types; industries sum to GMV {r.ByIndustry.Sum(x => x.Figures.Gmv) == t.Gmv}, payouts {r.ByIndustry.Sum(x => x.Figures.Payouts) == t.Payouts})");
    }

    private sealed record Filled(long Postings, long Transactions, int Orders, int Workers, int Enterprises);

    private sealed class Accounts
    {
        public readonly List<(Guid Id, string Code, string Kind, Guid? Owner)> All = [];
        public readonly List<decimal> Balance = [];

        public int Add(string kind, Guid? owner)
        {
            All.Add((Guid.CreateVersion7(), owner is null ? $"{kind}:CNY" : $"{kind}:{owner}:CNY", kind, owner));
            Balance.Add(0);
            return All.Count - 1;
        }
    }

    /// <summary>Writes transactions and postings as they are made, on two COPY streams, with the ledger's triggers and indexes off.</summary>
    private static async Task<Filled> FillAsync(NpgsqlDataSource db, long target)
    {
        var random = new Random(20261123);
        var accounts = new Accounts();
        var bank = accounts.Add("bank", null);
        var fees = accounts.Add("platform_fee", null);
        var enterprises = (int)Math.Max(20, target / 20_000);
        var workerCount = (int)Math.Max(100, target / 500);
        var wallets = Enumerable.Range(0, enterprises).Select(_ => Guid.NewGuid()).Select(id => (Org: id, Account: accounts.Add("wallet", id))).ToArray();
        var workers = Enumerable.Range(0, workerCount).Select(_ => Guid.NewGuid()).Select(id => (Worker: id, Account: accounts.Add("worker_payable", id))).ToArray();

        await using var admin = await db.OpenConnectionAsync();
        // Secondary indexes and foreign keys are rebuilt after the load (much faster than row by row); triggers are off.
        var indexes = (await admin.QueryAsync<string>("""
            SELECT indexdef FROM pg_indexes
            WHERE tablename IN ('postings', 'ledger_transactions', 'order_facts', 'order_closures') AND indexname NOT LIKE '%_pkey' AND indexdef NOT LIKE 'CREATE UNIQUE%'
            """)).ToList();
        foreach (var index in indexes) await admin.ExecuteAsync($"DROP INDEX {index.Split(' ')[2]}");
        var foreignKeys = (await admin.QueryAsync<(string Name, string Definition)>("""
            SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
            WHERE conrelid = 'postings'::regclass AND contype = 'f'
            """)).ToList();
        foreach (var fk in foreignKeys) await admin.ExecuteAsync($"ALTER TABLE postings DROP CONSTRAINT {fk.Name}");
        await admin.ExecuteAsync("ALTER TABLE postings DISABLE TRIGGER ALL; ALTER TABLE ledger_transactions DISABLE TRIGGER ALL; ALTER TABLE accounts DISABLE TRIGGER ALL");

        await using var txConnection = await db.OpenConnectionAsync();
        await using var postingConnection = await db.OpenConnectionAsync();
        await using var factConnection = await db.OpenConnectionAsync();
        await using var closureConnection = await db.OpenConnectionAsync();
        var transactions = await txConnection.BeginBinaryImportAsync(
            "COPY ledger_transactions (id, business_key, kind, order_id, occurred_at, recorded_at, reported_at) FROM STDIN (FORMAT BINARY)");
        var postings = await postingConnection.BeginBinaryImportAsync("COPY postings (transaction_id, account_id, amount, currency, reported_at, tx_kind, order_id) FROM STDIN (FORMAT BINARY)");
        var facts = await factConnection.BeginBinaryImportAsync(
            "COPY order_facts (order_id, enterprise_org_id, industry, task_type, mode, currency, budget, item_count, data_bytes, published_at) FROM STDIN (FORMAT BINARY)");
        var closures = await closureConnection.BeginBinaryImportAsync(
            "COPY order_closures (order_id, enterprise_org_id, currency, work_started, expected_approvals, reason, closed_at, settled_at) FROM STDIN (FORMAT BINARY)");
        long postingCount = 0, transactionCount = 0;

        async Task BookAsync(string key, string kind, Guid? orderId, DateTime at, params (int Account, decimal Amount)[] legs)
        {
            var id = Guid.CreateVersion7();
            await transactions.StartRowAsync();
            await transactions.WriteAsync(id, NpgsqlDbType.Uuid);
            await transactions.WriteAsync(key, NpgsqlDbType.Text);
            await transactions.WriteAsync(kind, NpgsqlDbType.Text);
            if (orderId is { } order) await transactions.WriteAsync(order, NpgsqlDbType.Uuid); else await transactions.WriteNullAsync();
            await transactions.WriteAsync(at, NpgsqlDbType.TimestampTz);
            await transactions.WriteAsync(at, NpgsqlDbType.TimestampTz);
            await transactions.WriteAsync(at, NpgsqlDbType.TimestampTz);
            transactionCount++;
            foreach (var (account, amount) in legs)
            {
                await postings.StartRowAsync();
                await postings.WriteAsync(id, NpgsqlDbType.Uuid);
                await postings.WriteAsync(accounts.All[account].Id, NpgsqlDbType.Uuid);
                await postings.WriteAsync(amount, NpgsqlDbType.Numeric);
                await postings.WriteAsync("CNY", NpgsqlDbType.Char);
                await postings.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await postings.WriteAsync(kind, NpgsqlDbType.Text);
                if (orderId is { } postingOrder) await postings.WriteAsync(postingOrder, NpgsqlDbType.Uuid); else await postings.WriteNullAsync();
                accounts.Balance[account] += amount;
                postingCount++;
            }
        }

        var earnings = new List<(int Worker, DateTime At, decimal Amount)>();
        var orders = 0;
        // Leave room for the weekly payouts: two postings per worker and most weeks, about a seventh of the whole.
        while (postingCount < target - workerCount * 52L * 2 * 7 / 10)
        {
            orders++;
            var orderId = Guid.NewGuid();
            var (org, wallet) = wallets[random.Next(wallets.Length)];
            var published = Start.AddSeconds(random.Next(0, 335 * 86_400));
            var price = random.Next(500, 20_000) / 10_000m;
            var fee = decimal.Round(price * 0.10m, 4, MidpointRounding.AwayFromZero);
            var approvals = random.Next(20, 110);
            var items = approvals + random.Next(0, 10);
            var budget = price * items;
            var escrow = accounts.Add("escrow", orderId);
            await facts.StartRowAsync();
            await facts.WriteAsync(orderId, NpgsqlDbType.Uuid);
            await facts.WriteAsync(org, NpgsqlDbType.Uuid);
            await facts.WriteAsync(Industries[random.Next(Industries.Length)], NpgsqlDbType.Text);
            await facts.WriteAsync(TaskTypes[random.Next(TaskTypes.Length)], NpgsqlDbType.Text);
            await facts.WriteAsync("crowd", NpgsqlDbType.Text);
            await facts.WriteAsync("CNY", NpgsqlDbType.Char);
            await facts.WriteAsync(budget, NpgsqlDbType.Numeric);
            await facts.WriteAsync(items, NpgsqlDbType.Integer);
            await facts.WriteAsync((long)items * random.Next(200, 2_000_000), NpgsqlDbType.Bigint);
            await facts.WriteAsync(published, NpgsqlDbType.TimestampTz);

            await BookAsync($"deposit:{org}:{orderId}", "deposit", null, published.AddMinutes(-5), (bank, budget), (wallet, -budget));
            await BookAsync($"escrow:{orderId}", "escrow", orderId, published, (wallet, budget), (escrow, -budget));
            var last = published;
            for (var i = 0; i < approvals; i++)
            {
                var worker = random.Next(workers.Length);
                var at = published.AddSeconds(random.Next(60, 30 * 86_400));
                if (at > last) last = at;
                await BookAsync($"approval:{Guid.NewGuid()}", "approval", orderId, at,
                    (escrow, price), (workers[worker].Account, -(price - fee)), (fees, -fee));
                earnings.Add((worker, at, price - fee));
            }
            if (random.Next(10) < 7)
            {
                var closed = last.AddHours(random.Next(1, 72));
                var left = budget - price * approvals;
                if (left > 0) await BookAsync($"release:{orderId}", "release", orderId, closed, (escrow, left), (wallet, -left));
                await closures.StartRowAsync();
                await closures.WriteAsync(orderId, NpgsqlDbType.Uuid);
                await closures.WriteAsync(org, NpgsqlDbType.Uuid);
                await closures.WriteAsync("CNY", NpgsqlDbType.Char);
                await closures.WriteAsync(true, NpgsqlDbType.Boolean);
                await closures.WriteAsync(approvals, NpgsqlDbType.Integer);
                await closures.WriteAsync("accepted", NpgsqlDbType.Text);
                await closures.WriteAsync(closed, NpgsqlDbType.TimestampTz);
                await closures.WriteAsync(closed, NpgsqlDbType.TimestampTz);
            }
        }

        // Weekly payouts: each Monday every worker is paid what they earned until then, rounded down to the fen.
        foreach (var byWorker in earnings.GroupBy(e => e.Worker))
        {
            var ordered = byWorker.OrderBy(e => e.At).ToList();
            decimal earned = 0, paid = 0;
            var next = 0;
            for (var week = Start.AddDays(7); week < Start.AddYears(1); week = week.AddDays(7))
            {
                while (next < ordered.Count && ordered[next].At < week) earned += ordered[next++].Amount;
                var amount = decimal.Floor((earned - paid) * 100m) / 100m;
                if (amount < 1m) continue;
                paid += amount;
                await BookAsync($"payout:{Guid.NewGuid()}", "payout", null, week.AddHours(2),
                    (workers[byWorker.Key].Account, amount), (bank, -amount));
            }
        }
        await transactions.CompleteAsync();
        await postings.CompleteAsync();
        await facts.CompleteAsync();
        await closures.CompleteAsync();
        await transactions.DisposeAsync();
        await postings.DisposeAsync();
        await facts.DisposeAsync();
        await closures.DisposeAsync();

        await using (var accountRows = await admin.BeginBinaryImportAsync("COPY accounts (id, code, kind, owner_id, currency, balance) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < accounts.All.Count; i++)
            {
                var (id, code, kind, owner) = accounts.All[i];
                await accountRows.StartRowAsync();
                await accountRows.WriteAsync(id, NpgsqlDbType.Uuid);
                await accountRows.WriteAsync(code, NpgsqlDbType.Text);
                await accountRows.WriteAsync(kind, NpgsqlDbType.Text);
                if (owner is { } o) await accountRows.WriteAsync(o, NpgsqlDbType.Uuid); else await accountRows.WriteNullAsync();
                await accountRows.WriteAsync("CNY", NpgsqlDbType.Char);
                await accountRows.WriteAsync(accounts.Balance[i], NpgsqlDbType.Numeric);
            }
            await accountRows.CompleteAsync();
        }
        foreach (var index in indexes) await admin.ExecuteAsync(index, commandTimeout: 3600);
        foreach (var fk in foreignKeys) await admin.ExecuteAsync($"ALTER TABLE postings ADD CONSTRAINT {fk.Name} {fk.Definition}", commandTimeout: 3600);
        await admin.ExecuteAsync("ALTER TABLE postings ENABLE TRIGGER ALL; ALTER TABLE ledger_transactions ENABLE TRIGGER ALL; ALTER TABLE accounts ENABLE TRIGGER ALL");
        // As autovacuum would after a load: statistics, and the visibility map that lets reports read indexes only.
        await admin.ExecuteAsync("VACUUM ANALYZE accounts, ledger_transactions, postings, order_facts, order_closures", commandTimeout: 3600);
        return new Filled(postingCount, transactionCount, orders, workerCount, enterprises);
    }

    private static string InfraServer(string root)
    {
        var secrets = File.ReadAllLines(Path.Combine(root, ".data/secrets.env"))
            .Where(l => l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..].Trim('"', '\''));
        return $"Host=127.0.0.1;Port=55432;Username=marketplace;Password={secrets["PG_PASSWORD"]}";
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run from inside the repository");
    }
}
