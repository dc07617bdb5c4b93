using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

// The portal benchmark: what a browser downloads on a first visit, and how soon each role's start page is usable.
// Against the stack of `infra/up.sh --demo` (the demo accounts sign in), with Debian's Chromium, as the browser tests.
//  (a) first-load size: every response of a cold visit to the sign-in page (empty cache), bytes on the wire
//      (compressed bodies and headers) and decoded;
//  (b) time to interactive of the sign-in page and of each role's start page, cold (a new browser context: empty cache)
//      and warm (a reload: cached assets), median and worst of N runs. "Interactive" follows Lighthouse's idea on a
//      single page: the page's heading is shown, its API answers have arrived, and the main thread then stays free of
//      long tasks (> 50 ms) for 2 s; TTI is the latest of first contentful paint, DOMContentLoaded, the last API
//      answer and the end of the last long task. All times are the page's own (performance.now(), from navigation).
// Run with bench/portal.sh; the figures go to bench/results/portal.txt.
var runs = args.Length > 0 ? int.Parse(args[0]) : 5;
var gateway = (Environment.GetEnvironmentVariable("MARKETPLACE_BENCH_GATEWAY") ?? "http://127.0.0.1:5080").TrimEnd('/');
var root = FindRoot();
var secrets = File.ReadAllLines(Path.Combine(root, ".data/secrets.env"))
    .Where(l => l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..].Trim('"', '\''));
const string DemoPassword = "demo-password-2026";

var report = new List<string>
{
    $"portal benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {gateway}, Chromium headless, {runs} runs each",
};
void Say(string line) { Console.WriteLine(line); report.Add(line); }

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = Environment.GetEnvironmentVariable("MARKETPLACE_CHROMIUM") ?? "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// (a) The first visit's downloads.
{
    var context = await NewContextAsync(null);
    var page = await context.NewPageAsync();
    var responses = new List<IResponse>();
    page.Response += (_, r) => responses.Add(r);
    await page.GotoAsync(gateway + "/#/signin", new() { WaitUntil = WaitUntilState.NetworkIdle });
    long wire = 0, decoded = 0;
    var byKind = new SortedDictionary<string, (int Files, long Wire)>();
    foreach (var response in responses)
    {
        var sizes = await response.Request.SizesAsync();
        var body = (await response.BodyAsync()).LongLength;
        wire += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
        decoded += body;
        var kind = Path.GetExtension(new Uri(response.Url).AbsolutePath) is { Length: > 0 } ext ? ext : "(html)";
        var (files, w) = byKind.GetValueOrDefault(kind);
        byKind[kind] = (files + 1, w + sizes.ResponseBodySize + sizes.ResponseHeadersSize);
    }
    Say($"first load (sign-in page, empty cache): {responses.Count} responses, {wire / 1024.0:F1} KiB on the wire (compressed), {decoded / 1024.0:F1} KiB decoded");
    Say("  by type: " + string.Join(", ", byKind.Select(k => $"{k.Key} {k.Value.Files} files {k.Value.Wire / 1024.0:F1} KiB")));
    await context.CloseAsync();
}

// (b) Time to interactive, per page.
var pages = new (string Name, string Route, string? Email, string? Password)[]
{
    ("sign-in (anonymous)", "/#/signin", null, null),
    ("enterprise: orders", "/#/orders", "li.na@hz-smartretail.example", DemoPassword),
    ("worker: available work", "/#/work", "liu.yang@workers.example", DemoPassword),
    ("vendor: contracts", "/#/contracts", "wu.lei@gy-yuntu-data.example", DemoPassword),
    ("operator: dashboard (charts)", "/#/ops/dashboard", secrets["OPERATOR_EMAIL"], secrets["OPERATOR_PASSWORD"]),
};
using var http = new HttpClient { BaseAddress = new Uri(gateway) };
Say("time to interactive, ms (median / worst):");
foreach (var (name, route, email, password) in pages)
{
    string? session = null;
    if (email is not null)
    {
        var answer = await http.PostAsJsonAsync("/api/auth/token", new { email, password });
        if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"{email} cannot sign in ({(int)answer.StatusCode}): run infra/up.sh --demo first");
        session = await answer.Content.ReadAsStringAsync();
    }
    var cold = new List<Measure>();
    var warm = new List<Measure>();
    for (var run = 0; run < runs; run++)
    {
        var context = await NewContextAsync(session);
        var page = await context.NewPageAsync();
        cold.Add(await MeasureAsync(page, gateway + route));
        warm.Add(await MeasureAsync(page, null));
        await context.CloseAsync();
    }
    Say($"  {name,-30} cold {Summary(cold)}   warm {Summary(warm)}");
}

var results = Path.Combine(root, "bench/results/portal.txt");
Directory.CreateDirectory(Path.GetDirectoryName(results)!);
await File.WriteAllLinesAsync(results, report);
Console.WriteLine($"written to {results}");
return;

static string Summary(List<Measure> measures)
{
    static double Median(IEnumerable<double> values) { var v = values.Order().ToList(); return v[v.Count / 2]; }
    return $"TTI {Median(measures.Select(m => m.Tti)):F0} / {measures.Max(m => m.Tti):F0}, first paint {Median(measures.Select(m => m.Fcp)):F0}, long tasks {Median(measures.Select(m => m.LongTaskMs)):F0} ms";
}

async Task<IBrowserContext> NewContextAsync(string? signIn)
{
    var context = await browser.NewContextAsync(new BrowserNewContextOptions
    {
        ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        Locale = "zh-CN",
    });
    // Long tasks as the page sees them, from its first moment.
    await context.AddInitScriptAsync("""
        window.__longTasks = [];
        try { new PerformanceObserver(l => window.__longTasks.push(...l.getEntries().map(e => ({ start: e.startTime, duration: e.duration }))))
              .observe({ type: 'longtask', buffered: true }); } catch (e) { }
        """);
    if (signIn is not null)
    {
        // As the sign-in form would leave it (api.js actFor): the token and the user in sessionStorage.
        using var json = JsonDocument.Parse(signIn);
        var a = json.RootElement;
        var user = JsonSerializer.Serialize(new
        {
            userId = a.GetProperty("userId").GetString(),
            organisationId = a.TryGetProperty("organisationId", out var o) ? o.GetString() : null,
            role = a.GetProperty("role").GetString(),
            displayName = a.TryGetProperty("displayName", out var d) ? d.GetString() : null,
            organisationName = a.TryGetProperty("organisationName", out var n) ? n.GetString() : null,
            orgRole = a.TryGetProperty("orgRole", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : "owner",
        });
        await context.AddInitScriptAsync($"sessionStorage.setItem('mp.token', {JsonSerializer.Serialize(a.GetProperty("accessToken").GetString())});" +
                                         $"sessionStorage.setItem('mp.user', {JsonSerializer.Serialize(user)});");
    }
    return context;
}

// One load (a navigation, or a reload when url is null) until interactive, in the page's own clock.
static async Task<Measure> MeasureAsync(IPage page, string? url)
{
    if (url is null) await page.ReloadAsync(new() { WaitUntil = WaitUntilState.NetworkIdle });
    else await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.NetworkIdle });
    await page.Locator("main#view h1, main#view h2").First.WaitForAsync(new() { Timeout = 30_000 });
    var quietSince = await page.EvaluateAsync<double>("performance.now()");
    // Quiet: no long task ending within the last 2 s (a page that never quiets down fails the run after 30 s).
    for (var waited = 0; ; waited += 500)
    {
        if (waited > 30_000) throw new TimeoutException($"{page.Url} kept running long tasks for 30 s");
        await page.WaitForTimeoutAsync(500);
        var lastEnd = await page.EvaluateAsync<double>("Math.max(0, ...window.__longTasks.map(t => t.start + t.duration))");
        var now = await page.EvaluateAsync<double>("performance.now()");
        if (now - Math.Max(lastEnd, quietSince) >= 2000) break;
    }
    var m = await page.EvaluateAsync<JsonElement>("""
        (() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const fcp = (performance.getEntriesByName('first-contentful-paint')[0] || { startTime: 0 }).startTime;
          const api = performance.getEntriesByType('resource').filter(r => r.name.includes('/api/')).map(r => r.responseEnd);
          const tasks = window.__longTasks;
          return { fcp, dcl: nav ? nav.domContentLoadedEventEnd : 0, lastApi: Math.max(0, ...api),
                   lastTask: Math.max(0, ...tasks.map(t => t.start + t.duration)), taskMs: tasks.reduce((s, t) => s + t.duration, 0) };
        })()
        """);
    double Get(string p) => m.GetProperty(p).GetDouble();
    var tti = new[] { Get("fcp"), Get("dcl"), Get("lastApi"), Get("lastTask") }.Max();
    return new Measure(tti, Get("fcp"), Get("taskMs"));
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) return dir.FullName;
    throw new InvalidOperationException("Marketplace.sln not found above " + AppContext.BaseDirectory);
}

internal sealed record Measure(double Tti, double Fcp, double LongTaskMs);
