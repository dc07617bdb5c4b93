using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Marketplace.ServiceDefaults.Data;
using Marketplace.ServiceDefaults.Jobs;
using Marketplace.ServiceDefaults;
using Npgsql;

// The jobs benchmark (Hangfire, as every service runs it). Against the PostgreSQL of infra/up.sh:
//  (a) delayed jobs: the time from each job's due time to its start, p50 and p99, with the services' poll settings;
//  (b) throughput: the jobs per second one service instance completes (no-op jobs, all due at once);
//  (c) the idle load: PostgreSQL's statements per second while the whole stack of infra/up.sh sits idle
//      (pg_stat_statements, every database of the server).
// Run with bench/jobs.sh; the figures go to bench/results/jobs.txt.
var delayed = args.Length > 0 ? int.Parse(args[0]) : 200;
var bulk = args.Length > 1 ? int.Parse(args[1]) : 5000;
var idleSeconds = args.Length > 2 ? int.Parse(args[2]) : 60;

var root = FindRoot();
var secrets = File.ReadAllLines(Path.Combine(root, ".data/secrets.env"))
    .Where(l => l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..].Trim('"', '\''));
var server = $"Host=127.0.0.1;Port=55432;Username=marketplace;Password={secrets["PG_PASSWORD"]}";
const string Database = "bench_jobs";
var report = new List<string> { $"jobs benchmark (Hangfire), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, PostgreSQL of infra/up.sh" };
void Say(string line) { Console.WriteLine(line); report.Add(line); }

// (c) first, while nothing of ours runs: the stack's idle statements per second.
await using (var admin = new NpgsqlConnection(server + ";Database=postgres"))
{
    await admin.OpenAsync();
    await admin.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await admin.ExecuteAsync("SELECT pg_stat_statements_reset()");
    await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
    var rows = (await admin.QueryAsync<(string Db, long Calls)>("""
        SELECT d.datname, sum(s.calls)::bigint
        FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE s.query NOT ILIKE '%pg_stat_statements%'
        GROUP BY d.datname ORDER BY 2 DESC
        """)).ToList();
    var total = rows.Sum(r => r.Calls);
    Say($"idle stack: {total / (double)idleSeconds:F1} statements/s over {idleSeconds} s ({string.Join(", ", rows.Select(r => $"{r.Db} {r.Calls / (double)idleSeconds:F1}"))})");
    await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
}

DefaultTypeMap.MatchNamesWithUnderscores = true;
await Migrator.EnsureDatabaseAsync(server, Database, CancellationToken.None);

// The services' own Hangfire set-up (AddJobs), in a host of its own against the benchmark's database: the same storage
// options, worker count and polling, the job intents relay, and a no-op job.
var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.ClearProviders();
builder.Configuration["Postgres:ConnectionString"] = server;
builder.Configuration["Postgres:Database"] = Database;
using (var unused = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
{
    // Required by the defaults (a key to check tokens with), unused here.
    builder.Configuration["Auth:PublicKeys:0:Id"] = "bench";
    builder.Configuration["Auth:PublicKeys:0:Key"] = Convert.ToBase64String(unused.ExportSubjectPublicKeyInfo());
}
builder.AddServiceDefaults("bench", typeof(Recorder).Assembly);
builder.AddJobs();
builder.Services.AddSingleton<Recorder>();
await using var app = builder.Build();
var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<JobOptions>>().Value;
var handler = app.Services.GetRequiredService<Recorder>();
Say($"Hangfire: {options.WorkerCount} workers per instance, schedule poll {options.SchedulePollInterval.TotalMilliseconds} ms, "
    + $"queue long polling (LISTEN/NOTIFY) with a {options.QueuePollInterval.TotalSeconds} s safety poll");
await app.StartAsync();
var db = app.Services.GetRequiredService<NpgsqlDataSource>();

// (a) delayed jobs, due over 20 s, asked for through job intents in a transaction as the services do.
var start = DateTimeOffset.UtcNow.AddSeconds(3);
await using (var connection = await db.OpenConnectionAsync())
await using (var tx = await connection.BeginTransactionAsync())
{
    for (var i = 0; i < delayed; i++)
    {
        var due = start.AddMilliseconds(20_000.0 * i / delayed);
        await JobIntents.EnqueueAsync<Recorder, Recorder.Payload>(tx, new Recorder.Payload(due), due);
    }
    await tx.CommitAsync();
}
while (handler.Lags.Count < delayed) await Task.Delay(100);
var lags = handler.Lags.Select(l => l.TotalMilliseconds).Order().ToArray();
Say($"delayed jobs: {delayed}, due to start p50 {Percentile(lags, 0.50):F0} ms, p99 {Percentile(lags, 0.99):F0} ms, max {lags[^1]:F0} ms");

// (b) throughput: `bulk` no-op jobs due now, one instance.
handler.Lags.Clear();
var clock = Stopwatch.StartNew();
await using (var connection = await db.OpenConnectionAsync())
await using (var tx = await connection.BeginTransactionAsync())
{
    for (var i = 0; i < bulk; i++) await JobIntents.EnqueueAsync<Recorder, Recorder.Payload>(tx, new Recorder.Payload(DateTimeOffset.UtcNow));
    await tx.CommitAsync();
}
while (handler.Lags.Count < bulk) await Task.Delay(50);
clock.Stop();
Say($"throughput: {bulk} no-op jobs in {clock.Elapsed.TotalSeconds:F1} s, {bulk / clock.Elapsed.TotalSeconds:F0} jobs/s (one instance, intents written in one transaction, then relayed and run)");
await app.StopAsync();

Directory.CreateDirectory(Path.Combine(root, "bench/results"));
await File.AppendAllLinesAsync(Path.Combine(root, "bench/results/jobs.txt"), [.. report, ""]);

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) return dir.FullName;
    throw new InvalidOperationException("Marketplace.sln not found above the benchmark");
}

public sealed class Recorder : IJob<Recorder.Payload>
{
    public sealed record Payload(DateTimeOffset Due);
    public ConcurrentBag<TimeSpan> Lags { get; } = [];

    public Task RunAsync(Payload payload, CancellationToken ct)
    {
        Lags.Add(DateTimeOffset.UtcNow - payload.Due);
        return Task.CompletedTask;
    }
}
