using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using MassTransit;
using Marketplace.Contracts.Orders;
using Marketplace.ServiceDefaults.Auth;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

// The crowd engine's benchmark. Starts its own tasks service against the local PostgreSQL and RabbitMQ of infra/up.sh
// (database bench_tasks, RabbitMQ virtual host "bench", so the running stack is not touched) and measures in one run:
//  (a) splitting N items at overlap K (claim-check file -> binary COPY), beside a bare binary COPY of the same rows
//      into a table of the same shape and indexes;
//  (b) claims through HTTP by 64 concurrent workers, suite size 1 and 10, beside a bare single-row UPDATE loop at
//      the same concurrency (the database's own commit rate here).
// Run with bench/tasks.sh [items] [overlap] [seconds per claim phase]; the figures go to bench/results/tasks.txt.
var items = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
var overlap = args.Length > 1 ? int.Parse(args[1]) : 3;
var phase = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2]) : 15);
const int Workers = 64;
const int PeoplePerWorker = 12;

var root = FindRoot();
var secrets = File.ReadAllLines(Path.Combine(root, ".data/secrets.env"))
    .Where(l => l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..].Trim('"', '\''));
var server = $"Host=127.0.0.1;Port=55432;Username=marketplace;Password={secrets["PG_PASSWORD"]}";
var database = "bench_tasks";
var report = new List<string> { $"tasks benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, PostgreSQL and RabbitMQ of infra/up.sh" };
void Say(string line) { Console.WriteLine(line); report.Add(line); }

await using (var admin = new NpgsqlConnection(server + ";Database=postgres"))
{
    await admin.OpenAsync();
    await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
}

// --- the tasks service, as a process of its own ---
var port = FreePort();
var tasksDll = Path.Combine(root, "services/tasks/Marketplace.Tasks/bin/Release/net10.0/Marketplace.Tasks.dll");
var start = new ProcessStartInfo("dotnet", tasksDll)
{
    WorkingDirectory = Path.GetDirectoryName(tasksDll)!, RedirectStandardOutput = true, RedirectStandardError = true,
    Environment =
    {
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}", ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Postgres__ConnectionString"] = server, ["Postgres__Database"] = database,
        ["RabbitMq__Host"] = "127.0.0.1", ["RabbitMq__Port"] = "55672", ["RabbitMq__VirtualHost"] = "bench",
        ["RabbitMq__Username"] = "marketplace", ["RabbitMq__Password"] = secrets["RABBITMQ_PASSWORD"],
        ["Auth__PublicKeys__0__Id"] = secrets["TOKEN_KEY_ID"], ["Auth__PublicKeys__0__Key"] = secrets["TOKEN_PUBLIC_KEY"],
        ["Content__SigningKey"] = secrets["CONTENT_LINK_KEY"], ["Tasks__IdentityHashKey"] = secrets["IDENTITY_HASH_KEY"],
        ["Content__Root"] = Path.Combine(root, ".data/content"),
        ["Tasks__LeaseDuration"] = "02:00:00",
        ["Logging__LogLevel__Default"] = "Warning", ["Logging__LogLevel__Marketplace"] = "Information",
    },
};
using var tasks = Process.Start(start)!;
// The service's own time per claim request (from its request log line), to tell server time from client and queueing.
var serverMs = new System.Collections.Concurrent.ConcurrentBag<double>();
tasks.OutputDataReceived += (_, e) =>
{
    if (e.Data is null) return;
    if (e.Data.Contains("Split order")) Console.WriteLine($"  tasks: {e.Data.Trim()}");
    else if (e.Data.Contains("/assignments/claim") && System.Text.RegularExpressions.Regex.Match(e.Data, "\"ElapsedMs\":([0-9.]+)") is { Success: true } m)
        serverMs.Add(double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
};
tasks.BeginOutputReadLine();
tasks.BeginErrorReadLine();
try
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Workers * 2 })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2),
    };
    await WaitHealthyAsync(http);
    var tasksDb = $"{server};Database={database};Maximum Pool Size=100";

    // --- (a) split, beside a bare COPY ---
    string[] texts =
    [
        "The battery easily lasts two days and it charges fast.", "Stopped working after a week; the seller never answered.",
        "Exactly as described and it arrived a day early.", "The screen scratches far too easily for the price.",
        "Good value. The manual is confusing but setup took ten minutes.", "It is fine. Nothing special, nothing wrong.",
    ];
    var orderId = Guid.NewGuid();
    var itemsKey = $"work/bench-{orderId:N}/items.jsonl";
    var itemsPath = Path.Combine(root, ".data/content", itemsKey);
    Directory.CreateDirectory(Path.GetDirectoryName(itemsPath)!);
    await using (var file = new StreamWriter(itemsPath, false, new UTF8Encoding(false), 1 << 16))
    {
        for (var i = 0; i < items; i++) await file.WriteLineAsync($"{{\"id\":\"r{i:0000000}\",\"content\":\"{texts[i % texts.Length]}\"}}");
    }
    var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host("127.0.0.1", 55672, "bench", h =>
    {
        h.Username("marketplace");
        h.Password(secrets["RABBITMQ_PASSWORD"]);
    }));
    await bus.StartAsync();
    var enterprise = Guid.NewGuid();
    var clock = Stopwatch.StartNew();
    await bus.Publish(new OrderReadyForWork(orderId, enterprise, "text-classification", ["positive", "negative", "neutral"], [],
        overlap, 0.05m, 0.045m, 0.005m, "CNY", DateTimeOffset.UtcNow.AddDays(30), DateTimeOffset.UtcNow, ItemsKey: itemsKey, ItemCount: items));
    await using (var db = new NpgsqlConnection(tasksDb))
    {
        await db.OpenAsync();
        while (!await db.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM task_orders WHERE order_id = @orderId)", new { orderId }))
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(20)) throw new TimeoutException("the split did not finish in 20 minutes");
            await Task.Delay(50);
        }
    }
    var split = clock.Elapsed;
    await bus.StopAsync();
    var slots = (long)items * overlap;

    double bareCopy;
    await using (var db = new NpgsqlConnection(tasksDb))
    {
        await db.OpenAsync();
        await db.ExecuteAsync("CREATE TABLE bare_assignments (LIKE assignments INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING INDEXES)");
        var rows = (await File.ReadAllLinesAsync(itemsPath)).Select(l => JsonSerializer.Deserialize<JsonElement>(l))
            .Select(e => (Id: e.GetProperty("id").GetString()!, Content: e.GetProperty("content").GetString()!)).ToList();
        var bareOrder = Guid.NewGuid();
        clock.Restart();
        await using (var importer = await db.BeginBinaryImportAsync("COPY bare_assignments (id, order_id, item_id, slot, content) FROM STDIN (FORMAT BINARY)"))
        {
            importer.Timeout = TimeSpan.FromMinutes(30);
            foreach (var (id, content) in rows)
            {
                for (var slot = 0; slot < overlap; slot++)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    await importer.WriteAsync(bareOrder, NpgsqlDbType.Uuid);
                    await importer.WriteAsync(id, NpgsqlDbType.Text);
                    await importer.WriteAsync(slot, NpgsqlDbType.Integer);
                    await importer.WriteAsync(content, NpgsqlDbType.Text);
                }
            }
            await importer.CompleteAsync();
        }
        bareCopy = clock.Elapsed.TotalSeconds;
    }
    File.Delete(itemsPath);
    Say($"split       {items:N0} items x overlap {overlap} = {slots:N0} slots");
    Say($"  split through tasks (message -> claim-check file -> COPY, one transaction): {split.TotalSeconds:F1} s, {slots / split.TotalSeconds:N0} slots/s");
    Say($"  bare binary COPY of the same rows, same table shape and indexes:           {bareCopy:F1} s, {slots / bareCopy:N0} slots/s");
    Say($"  ratio split / bare: {bareCopy / split.TotalSeconds:P0} (aim: 50% or better)");

    // --- (b) claims through HTTP, beside a bare single-row update loop ---
    // Both tables were just filled: autovacuum would now vacuum and analyze them during the claim phases, and its CPU
    // would be counted per claim. Settle them first, so both loops are measured in the steady state.
    await using (var settle = new NpgsqlConnection(tasksDb))
    {
        await settle.OpenAsync();
        var settled = Stopwatch.StartNew();
        foreach (var table in new[] { "assignments", "bare_assignments" })
            await settle.ExecuteAsync($"VACUUM (ANALYZE) {table}", commandTimeout: 1800);
        Say($"  (vacuum and analyze of both tables before the claims: {settled.Elapsed.TotalSeconds:F1} s)");
    }
    // The bench is an operator's tool on the host: it signs with the gateway's key from .data/secrets.env, and talks to
    // the tasks service directly.
    var issuer = new TokenIssuer(Options.Create(new AuthOptions { TokenLifetime = TimeSpan.FromHours(2) }),
        Options.Create(new TokenSigningOptions { KeyId = secrets["TOKEN_KEY_ID"], PrivateKey = secrets["TOKEN_PRIVATE_KEY"] }), TimeProvider.System);
    // Each simulated worker is a client that claims without pause, as fast as the service answers. A real worker
    // holds at most Tasks:MaxActiveLeasesPerWorker (20) leases and submits before claiming more; these clients never
    // submit, so each works through a queue of worker identities (people), the next one when the service answers
    // 409 (limit reached). Crowd work needs a verified identity: each person submits one and a bench operator verifies it.
    var operatorToken = issuer.Issue(new Caller(Guid.NewGuid(), Guid.NewGuid(), Roles.Operator, "Bench operator")).Token;
    var person = 0;
    async Task<string> NewPersonAsync()
    {
        var n = Interlocked.Increment(ref person);
        var workerId = Guid.NewGuid();
        var token = issuer.Issue(new Caller(workerId, Guid.NewGuid(), Roles.Worker, $"Bench worker {n}")).Token;
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var first17 = $"{Random.Shared.Next(110_000, 660_000)}1990{1 + n % 12:00}{1 + n % 28:00}{Random.Shared.Next(0, 1000):000}";
        var idNumber = first17 + "10X98765432"[first17.Select((c, i) => (c - '0') * weights[i]).Sum() % 11];
        foreach (var (path, bearer, body) in new[]
                 {
                     ("/workers/me/identity", token, (object)new { legalName = $"Bench worker {n}", idNumber }),
                     ($"/workers/{workerId}/identity/review", operatorToken, new { decision = "verify" }),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = System.Net.Http.Json.JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return token;
    }
    var people = new System.Collections.Concurrent.ConcurrentQueue<string>();
    await Parallel.ForEachAsync(Enumerable.Range(0, Workers * PeoplePerWorker), new ParallelOptions { MaxDegreeOfParallelism = 8 },
        async (_, _) => people.Enqueue(await NewPersonAsync()));
    async Task<string> NextPersonAsync() => people.TryDequeue(out var token) ? token : await NewPersonAsync();
    Say($"people      {Workers * PeoplePerWorker:N0} verified worker identities ready; more are made if the clients use them up");

    // Claims granted per second and their latencies; the 409 answers (a person at the lease limit) are counted apart.
    async Task<(double PerSecond, double AssignmentsPerSecond, double P50, double P99, long Requests, long Limited)> ClaimPhase(int suite, TimeSpan? length = null)
    {
        var duration = length ?? phase;
        var latencies = new List<double>[Workers];
        long assignments = 0, granted = 0, limited = 0;
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async w =>
        {
            latencies[w] = [];
            var token = await NextPersonAsync();
            while (until.Elapsed < duration)
            {
                var request = new HttpRequestMessage(HttpMethod.Post, suite == 1
                    ? $"/assignments/claim?orderId={orderId}" : $"/assignments/claim-suite?orderId={orderId}&size={suite}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                var sent = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var elapsed = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                if (response.StatusCode == HttpStatusCode.Conflict) // this person holds the limit: the next one takes over
                {
                    Interlocked.Increment(ref limited);
                    token = await NextPersonAsync();
                    continue;
                }
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"claim answered {(int)response.StatusCode}: {body}");
                latencies[w].Add(elapsed);
                Interlocked.Increment(ref granted);
                Interlocked.Add(ref assignments, suite == 1 ? 1 : JsonDocument.Parse(body).RootElement.GetProperty("assignments").GetArrayLength());
            }
        }));
        var seconds = until.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return (all.Length / seconds, assignments / seconds, all[all.Length / 2], all[(int)(all.Length * 0.99)], granted + limited, limited);
    }

    async Task<(double PerSecond, long Commits, Cpu Cpu)> BareUpdates()
    {
        await using var setup = new NpgsqlConnection(tasksDb);
        await setup.OpenAsync();
        var ids = (await setup.QueryAsync<Guid>("SELECT id FROM bare_assignments WHERE status = 'open' LIMIT 2000000")).ToArray();
        long done = 0;
        var cpu = Cpu.Read(tasks.Id, root);
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async w =>
        {
            await using var connection = new NpgsqlConnection(tasksDb);
            await connection.OpenAsync();
            var worker = Guid.NewGuid();
            for (var i = w; until.Elapsed < phase && i < ids.Length; i += Workers)
            {
                await connection.ExecuteAsync(
                    "UPDATE bare_assignments SET status = 'leased', worker_id = @worker, lease_expires_at = now() + interval '10 minutes' WHERE id = @id",
                    new { worker, id = ids[i] });
                Interlocked.Increment(ref done);
            }
        }));
        return (done / until.Elapsed.TotalSeconds, done, Cpu.Read(tasks.Id, root) - cpu);
    }

    var (bare, bareCommits, bareCpu) = await BareUpdates();
    // A warm-up, not measured: every pooled connection prepares the claim statements (Npgsql prepares a statement
    // after a few uses, PostgreSQL plans it afresh until then), as in a service that has been running for a while.
    await ClaimPhase(1, TimeSpan.FromSeconds(5));
    serverMs.Clear();
    var cpuBefore = Cpu.Read(tasks.Id, root);
    var single = await ClaimPhase(1);
    var singleCpu = Cpu.Read(tasks.Id, root) - cpuBefore;
    var inService = serverMs.Order().ToArray();
    cpuBefore = Cpu.Read(tasks.Id, root);
    var suites = await ClaimPhase(10);
    var suitesCpu = Cpu.Read(tasks.Id, root) - cpuBefore;
    Say($"claims      {Workers} concurrent workers through HTTP, {phase.TotalSeconds:F0} s each");
    Say($"  bare single-row UPDATE loop (autocommit, {Workers} connections): {bare:N0} commits/s");
    Say($"  claim, suite of 1:  {single.PerSecond:N0} claims/s, p50 {single.P50:F1} ms, p99 {single.P99:F1} ms ({single.Requests:N0} requests, {single.Limited:N0} of them 409 at the lease limit); {single.PerSecond / bare:P0} of the bare rate (aim: 80%)");
    if (inService.Length > 0) Say($"  (inside the tasks service, suite of 1: p50 {inService[inService.Length / 2]:F1} ms, p99 {inService[(int)(inService.Length * 0.99)]:F1} ms)");
    Say($"  claim, suite of 10: {suites.PerSecond:N0} claims/s = {suites.AssignmentsPerSecond:N0} assignments/s, p50 {suites.P50:F1} ms, p99 {suites.P99:F1} ms; {suites.AssignmentsPerSecond / single.PerSecond:F1}x the single-claim rate (aim: 5x)");
    Say($"  CPU per bare update commit: PostgreSQL {bareCpu.Postgres * 1000 / bareCommits:F2} ms, benchmark client {bareCpu.Client * 1000 / bareCommits:F2} ms");
    Say($"  CPU per claim request, suite of 1:  tasks service {singleCpu.Service * 1000 / single.Requests:F2} ms, PostgreSQL {singleCpu.Postgres * 1000 / single.Requests:F2} ms, benchmark client {singleCpu.Client * 1000 / single.Requests:F2} ms");
    Say($"  CPU per claim request, suite of 10: tasks service {suitesCpu.Service * 1000 / suites.Requests:F2} ms, PostgreSQL {suitesCpu.Postgres * 1000 / suites.Requests:F2} ms, benchmark client {suitesCpu.Client * 1000 / suites.Requests:F2} ms");
    var memory = File.ReadAllLines($"/proc/{tasks.Id}/status").First(l => l.StartsWith("VmHWM")).Split(':')[1].Trim();
    Say($"tasks peak memory: {memory} (VmHWM)");
    var results = Path.Combine(root, "bench/results/tasks.txt");
    Directory.CreateDirectory(Path.GetDirectoryName(results)!);
    await File.WriteAllLinesAsync(results, report);
    Console.WriteLine($"written to {results}");
}
finally
{
    if (!tasks.HasExited) tasks.Kill(entireProcessTree: true);
    await tasks.WaitForExitAsync();
    if (Environment.GetEnvironmentVariable("BENCH_KEEP_DB") != "1") // keep it to look at plans afterwards
    {
        await using var admin = new NpgsqlConnection(server + ";Database=postgres");
        await admin.OpenAsync();
        await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
    }
}

static async Task WaitHealthyAsync(HttpClient http)
{
    for (var i = 0; i < 600; i++)
    {
        try
        {
            if ((await http.GetAsync("/health")).IsSuccessStatusCode) return;
        }
        catch (HttpRequestException) { }
        await Task.Delay(200);
    }
    throw new TimeoutException("the tasks service did not become healthy");
}

static int FreePort()
{
    var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    return port;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) return dir.FullName;
    throw new InvalidOperationException("Marketplace.sln not found above the benchmark");
}

/// <summary>
/// CPU seconds used so far by the tasks service, by the PostgreSQL server of infra/up.sh (its postmaster and every
/// child, found through .data/pg/postmaster.pid) and by this benchmark: where a claim's time goes, whatever else the
/// machine is doing.
/// </summary>
internal sealed record Cpu(double Service, double Postgres, double Client)
{
    private static readonly double Tick = 100.0; // USER_HZ on Linux

    public static Cpu operator -(Cpu a, Cpu b) => new(a.Service - b.Service, a.Postgres - b.Postgres, a.Client - b.Client);

    public static Cpu Read(int servicePid, string root)
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(root, ".data/pg/postmaster.pid")).First().Trim());
        var postgres = Seconds(postmaster);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == postmaster) continue;
            if (Stat(pid) is { } stat && stat.ParentPid == postmaster) postgres += stat.Seconds;
        }
        return new Cpu(Seconds(servicePid), postgres, Seconds(Environment.ProcessId));
    }

    private static double Seconds(int pid) => Stat(pid)?.Seconds ?? 0;

    /// <summary>utime + stime (fields 14 and 15 of /proc/pid/stat, counted after the command name's closing paren).</summary>
    private static (int ParentPid, double Seconds)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (int.Parse(fields[1]), (long.Parse(fields[11]) + long.Parse(fields[12])) / Tick);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
