using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// The real services as separate processes on loopback: orders, two instances each of bidding, settlement, tasks and
/// payouts, and the gateway in front. Each run gets its own databases on the test PostgreSQL and shares the test RabbitMQ.
/// </summary>
[SetUpFixture]
public sealed class Cluster
{
    private static readonly List<(string Name, Process Process, int Port)> Processes = [];

    public static string Root { get; } = Environment.GetEnvironmentVariable("MARKETPLACE_ROOT")
        ?? Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "../../../../.."));
    public static Uri Gateway { get; private set; } = null!;
    public static string OperatorEmail { get; } = "operator@e2e.test";
    public static string OperatorPassword { get; } = "op-" + Guid.NewGuid().ToString("N")[..16];
    public static string RunId { get; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The gateway's token key pair (ES256): the private key only the gateway gets, the public key every service.</summary>
    public static System.Security.Cryptography.ECDsa TokenKey { get; } = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
    public const string TokenKeyId = "e2e-1";

    /// <summary>The content links' key (orders and tasks only); export links use a key derived from it.</summary>
    public static string ContentKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));

    /// <summary>What the bank and settlement share to sign pay-in (deposit) callbacks (settlement only).</summary>
    public static string PayInCallbackSecret { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));

    /// <summary>Seals payout account numbers; payouts alone holds it (docs/security.md).</summary>
    public static string PayoutAccountKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>What the bank and payouts share to sign the bank's callbacks (payouts only).</summary>
    public static string RailCallbackSecret { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));

    /// <summary>Media uploads are capped lower than the 50 MB default so the limit can be tested cheaply.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    /// <summary>Requests per client address (registration, sign-in), person (identity) or organisation (deposits, exports) a minute.</summary>
    public const int RegistrationLimit = 10, SignInLimit = 20, IdentitySubmissionLimit = 6, DepositLimit = 120, ExportLimit = 12;

    /// <summary>A manifest's line and CSV field, one upload and one organisation's stored bytes.</summary>
    public const int MaxManifestLineChars = 100_000, MaxCsvFieldChars = 20_000;
    public const long MaxUploadBytes = 8L * 1024 * 1024, MaxOrganisationBytes = 8L * 1024 * 1024;

    /// <summary>Eleven processes start at once (two instances each of bidding, settlement, tasks and payouts); on a loaded 2-core machine
    /// that takes minutes, not seconds.</summary>
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(300);

    // Deadlines are long here, as in production (an hour where production has days): nothing passes while a test is
    // still acting. A test that needs one to pass moves it into the past and runs its sweep now (see Jobs).

    /// <summary>
    /// A client address of its own (10.x.y.z) for one test client, sent as X-Forwarded-For, which the gateway believes from
    /// loopback in this cluster only: the suite's thousands of sign-ups do not share one client's rate limit.
    /// </summary>
    public static string ClientAddress() => $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    public const string ForwardedFor = "X-Forwarded-For";

    public static string PostgresServer => Environment.GetEnvironmentVariable("Postgres__ConnectionString")
        ?? "Host=127.0.0.1;Port=61432;Username=marketplace;Password=test";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var common = new Dictionary<string, string>
        {
            ["Auth__PublicKeys__0__Id"] = TokenKeyId,
            ["Auth__PublicKeys__0__Key"] = Convert.ToBase64String(TokenKey.ExportSubjectPublicKeyInfo()),
            ["Tasks__AutoApproveAfter"] = "01:00:00",
            ["Tasks__AppealWindow"] = "01:00:00",
            ["Tasks__ApprovalPublishInterval"] = "00:00:01",
            ["Tasks__RollingRoutingInterval"] = "00:00:01",
            ["Payouts__MinimumPayout"] = "0.01",
            ["Payouts__BatchInterval"] = "01:00:00",
            ["Payouts__RetryPendingAfter"] = "00:00:01",
            ["Payouts__EarningsHold"] = "01:00:00",
            ["Settlement__PendingEscrowTimeout"] = "01:00:00",
            // Delayed jobs (a payout's recheck, the fake bank's callbacks) are looked for every second, and a failing job
            // is retried after 1 s, 5 s, ...; new jobs start at once (LISTEN/NOTIFY).
            ["Jobs__SchedulePollInterval"] = "00:00:01",
            ["Jobs__IntentPollInterval"] = "00:00:01",
            ["Jobs__RetryBaseDelay"] = "00:00:01",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Content__Root"] = Path.Combine(Root, ".data/test/content"),
            ["Content__MaxFileBytes"] = MaxFileBytes.ToString(),
            // Reconciliation compares facts older than this; the suite's own messages arrive within it.
            ["Settlement__Reconciliation__Grace"] = "00:00:05",
            ["Settlement__Reconciliation__PayoutMargin"] = "00:00:03",
            // Rate limits per client, person or organisation: every test client has its own address (ClientAddress) and
            // its own people, so these bound what one test does, low enough for AbuseLimitTests to pass them cheaply.
            ["RateLimits__Registration__PermitLimit"] = RegistrationLimit.ToString(),
            ["RateLimits__Registration__Window"] = "00:01:00",
            ["RateLimits__SignIn__PermitLimit"] = SignInLimit.ToString(),
            ["RateLimits__SignIn__Window"] = "00:01:00",
            ["RateLimits__IdentitySubmission__PermitLimit"] = IdentitySubmissionLimit.ToString(),
            ["RateLimits__IdentitySubmission__Window"] = "00:01:00",
            ["RateLimits__Deposits__PermitLimit"] = DepositLimit.ToString(),
            ["RateLimits__Deposits__Window"] = "00:01:00",
            ["RateLimits__Exports__PermitLimit"] = ExportLimit.ToString(),
            ["RateLimits__Exports__Window"] = "00:01:00",
            // Manifests and stored bytes, low enough to pass cheaply.
            ["Orders__Datasets__MaxLineChars"] = MaxManifestLineChars.ToString(),
            ["Orders__Datasets__MaxFieldChars"] = MaxCsvFieldChars.ToString(),
            ["Orders__Datasets__MaxUploadBytes"] = MaxUploadBytes.ToString(),
            ["Orders__Datasets__MaxOrganisationBytes"] = MaxOrganisationBytes.ToString(),
        };
        var urls = new Dictionary<string, List<string>>();
        await Task.WhenAll(MessageRoutes.Services.Select(GiveDatabaseAsync));
        foreach (var (service, instances) in new[] { ("orders", 1), ("bidding", 2), ("settlement", 2), ("tasks", 2), ("payouts", 2) })
        {
            for (var i = 0; i < instances; i++)
            {
                var own = new Dictionary<string, string>(SecretsOf(service)) { ["Postgres__Database"] = DatabaseName(service) };
                if (service == "tasks")
                {
                    // The built-in model fetches image items from orders (started first) and trains every two seconds here.
                    own["Models__OrdersAddress"] = $"http://127.0.0.1:{Processes.First(p => p.Name == "orders-0").Port}";
                    own["Models__TrainingInterval"] = "00:00:02";
                }
                Start(service, i, FreePort(), common, own);
            }
        }
        await WaitHealthyAsync(StartupTimeout);
        foreach (var (name, _, port) in Processes)
        {
            var service = name[..name.LastIndexOf('-')];
            (urls.TryGetValue(service, out var list) ? list : urls[service] = []).Add($"http://127.0.0.1:{port}");
        }
        var gatewayEnv = new Dictionary<string, string>(SecretsOf("gateway"))
        {
            ["Postgres__Database"] = DatabaseName("gateway"),
            ["Bootstrap__OperatorEmail"] = OperatorEmail,
            ["Bootstrap__OperatorPassword"] = OperatorPassword,
            // The tests stand in for a proxy on loopback: each test client says which address it speaks for (ClientAddress).
            ["Http__KnownProxies__0"] = "127.0.0.1",
        };
        foreach (var (service, list) in urls) gatewayEnv[$"Gateway__Services__{service}"] = string.Join(',', list);
        Start("gateway", 0, FreePort(), common, gatewayEnv);
        await WaitHealthyAsync(StartupTimeout);
        Gateway = new Uri($"http://127.0.0.1:{Processes.Single(p => p.Name == "gateway-0").Port}");
    }

    /// <summary>Each service's own PostgreSQL role (its name is that of the service's database of this run) and its password.</summary>
    private static readonly Dictionary<string, string> RolePasswords =
        MessageRoutes.Services.ToDictionary(s => s, _ => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    /// <summary>The service's database of this run and, of the same name, its own role owning it (infra/service-database.sh, as up.sh does).</summary>
    public static string DatabaseName(string service) => $"e2e_{service}_{RunId}";

    /// <summary>The connection string a service is started with: its own role, not the admin.</summary>
    public static string ServiceConnectionString(string service) =>
        new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer) { Username = DatabaseName(service), Password = RolePasswords[service] }.ConnectionString;

    /// <summary>Each service's own RabbitMQ user, as infra/test-rabbitmq.sh makes them (password test-&lt;service&gt;).</summary>
    public static (string User, string Password) BrokerUser(string service) => (service, "test-" + service);

    private static async Task GiveDatabaseAsync(string service)
    {
        var admin = new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer);
        var info = new ProcessStartInfo("bash", [Path.Combine(Root, "infra/service-database.sh"), admin.Port.ToString(), DatabaseName(service), DatabaseName(service)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["PGPASSWORD"] = admin.Password ?? "";
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteLineAsync(RolePasswords[service]);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"service-database.sh {service} failed: {output}");
    }

    /// <summary>Each secret only where it is used, as infra/up.sh hands them out: its own database role and broker user, and its keys.</summary>
    private static Dictionary<string, string> SecretsOf(string service) => new(OwnKeysOf(service))
    {
        ["Postgres__ConnectionString"] = ServiceConnectionString(service),
        ["RabbitMq__Username"] = BrokerUser(service).User,
        ["RabbitMq__Password"] = BrokerUser(service).Password,
    };

    private static Dictionary<string, string> OwnKeysOf(string service) => service switch
    {
        "gateway" => new()
        {
            ["Auth__Signing__KeyId"] = TokenKeyId,
            ["Auth__Signing__PrivateKey"] = Convert.ToBase64String(TokenKey.ExportPkcs8PrivateKey()),
        },
        "orders" => new() { ["Content__SigningKey"] = ContentKey },
        "tasks" => new()
        {
            ["Content__SigningKey"] = ContentKey,
            ["Tasks__IdentityHashKey"] = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(RunId + "/identity"))),
            ["Tasks__ModelBackends__SecretKey"] = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(RunId + "/model-backends"))),
            // The suite's model backends listen on loopback (ModelBackends/TestBackend.cs); calls time out after 2 s and
            // due backends are called every 2 s, a failing one again after 1 s, 2 s, 4 s...
            ["Tasks__ModelBackends__AllowLoopback"] = "true",
            ["Tasks__ModelBackends__Timeout"] = "00:00:02",
            ["Tasks__ModelBackends__RoundInterval"] = "00:00:02",
            ["Tasks__ModelBackends__BaseBackoff"] = "00:00:01",
        },
        "payouts" => new() { ["Payouts__RailCallbackSecret"] = RailCallbackSecret, ["Payouts__AccountKey"] = PayoutAccountKey },
        "settlement" => new() { ["Settlement__PayInCallbackSecret"] = PayInCallbackSecret },
        _ => new(),
    };

    /// <summary>Each running instance of a service on its own port, as a scraper (or an operator on the host) reaches it.</summary>
    public static IReadOnlyList<Uri> Instances(string service) =>
        Processes.Where(p => p.Name[..p.Name.LastIndexOf('-')] == service).Select(p => new Uri($"http://127.0.0.1:{p.Port}")).ToList();

    /// <summary>A connection string to one service's database of this run (for tests that break an invariant on purpose).</summary>
    public static string Database(string service) =>
        new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer) { Database = DatabaseName(service), Pooling = false }.ConnectionString;

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        try
        {
            if (Gateway is not null) await Reconciliation.AssertGreenAtTheEndAsync();
        }
        finally
        {
            Stop();
        }
    }

    private static void Stop()
    {
        foreach (var (_, process, _) in Processes)
        {
            try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
        foreach (var (_, process, _) in Processes) process.WaitForExit(10_000);
    }

    public static async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var deadline = DateTime.UtcNow + timeout;
        for (var index = 0; index < Processes.Count; index++)
        {
            var (name, process, port) = Processes[index];
            var restarts = 0;
            while (true)
            {
                if (process.HasExited)
                {
                    // A port picked as free can be taken before the service binds it: start again on another. The whole log is
                    // searched: the bind error comes before a stack trace longer than the tail shown in failures.
                    if (LogText(name).Contains("address already in use", StringComparison.OrdinalIgnoreCase) && restarts++ < 3)
                    {
                        var (info, _) = Launches[name];
                        port = FreePort();
                        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
                        process = Launch(name, info);
                        Processes[index] = (name, process, port);
                        continue;
                    }
                    throw new InvalidOperationException($"{name} exited:\n{LogTail(name, port)}");
                }
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{port}/health")).StatusCode == HttpStatusCode.OK) break;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"{name} on port {port} is not healthy:\n{LogTail(name, port)}");
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Stops the test RabbitMQ: the services stay up and answer HTTP, their messages wait in the outbox.</summary>
    public static Task StopRabbitMqAsync() => RabbitMqAsync("stop");

    /// <summary>Starts the test RabbitMQ again and waits until every service reports its bus healthy.</summary>
    public static async Task StartRabbitMqAsync()
    {
        await RabbitMqAsync("start");
        await WaitHealthyAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>Runs infra/test-rabbitmq.sh (or $MARKETPLACE_TEST_RABBITMQ_CTL) with 'stop', 'start' or 'permissions'; answers its output.</summary>
    public static async Task<string> RabbitMqAsync(string verb)
    {
        var script = Environment.GetEnvironmentVariable("MARKETPLACE_TEST_RABBITMQ_CTL") ?? Path.Combine(Root, "infra/test-rabbitmq.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, verb]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"test-rabbitmq.sh {verb} failed: {output}");
        return output;
    }

    private static readonly Dictionary<string, (ProcessStartInfo Info, int Unused)> Launches = [];

    private static void Start(string service, int instance, int port, Dictionary<string, string> common, Dictionary<string, string> own)
    {
        var name = char.ToUpperInvariant(service[0]) + service[1..];
        var dll = Path.Combine(Root, $"services/{service}/Marketplace.{name}/bin/Release/net10.0/Marketplace.{name}.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build the solution in Release first: {dll} is missing");
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in common) info.Environment[key] = value;
        foreach (var (key, value) in own) info.Environment[key] = value;
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var processName = $"{service}-{instance}";
        Launches[processName] = (info, 0);
        Processes.Add((processName, Launch(processName, info), port));
    }

    private static Process Launch(string processName, ProcessStartInfo info)
    {
        var logs = Path.Combine(Root, ".data/test/logs");
        Directory.CreateDirectory(logs);
        var log = new StreamWriter(new FileStream(Path.Combine(logs, $"{processName}.log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            AutoFlush = true,
        };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Reads a log file the service is still writing.</summary>
    public static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    private static string LogText(string name)
    {
        var path = Path.Combine(Root, ".data/test/logs", name + ".log");
        return File.Exists(path) ? ReadShared(path) : "";
    }

    /// <summary>
    /// The error lines every service logged under the trace a 5xx answer names (its ProblemDetails' traceId), so a server
    /// error in CI, where the logs are gone afterwards, says what threw.
    /// </summary>
    public static string ErrorsLoggedFor(string problem)
    {
        var match = System.Text.RegularExpressions.Regex.Match(problem, "\"traceId\"\\s*:\\s*\"00-([0-9a-f]{32})-");
        if (!match.Success) return "";
        var folder = Path.Combine(Root, ".data/test/logs");
        if (!Directory.Exists(folder)) return "";
        var lines = Directory.GetFiles(folder, "*.log")
            .SelectMany(path => ReadShared(path).Split('\n').Select(line => (File: Path.GetFileNameWithoutExtension(path), Line: line)))
            .Where(l => l.Line.Contains(match.Groups[1].Value, StringComparison.Ordinal) && !l.Line.Contains("\"LogLevel\":\"Information\"", StringComparison.Ordinal))
            .Take(5)
            .Select(l => $"{l.File}: {(l.Line.Length > 3000 ? l.Line[..3000] + "..." : l.Line)}");
        return "\nLogged under that trace:\n" + string.Join("\n", lines);
    }

    private static string LogTail(string name, int port)
    {
        var path = Path.Combine(Root, ".data/test/logs", name + ".log");
        return File.Exists(path) ? string.Join('\n', ReadShared(path).Split('\n').TakeLast(15)) : $"(no log for {name}:{port})";
    }

    /// <summary>A free port below the kernel's ephemeral range (32768+), where outgoing connections do not take ports.</summary>
    private static int FreePort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException) { }
        }
        throw new InvalidOperationException("no free port between 20000 and 32000");
    }
}
