using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

// Uploads a generated JSONL manifest (default 1,000,000 review items) to a draft order through the gateway of a running
// stack (infra/up.sh), in 8 MB chunks, then waits for validation and import, and reports items per second and the
// orders service's peak memory (VmHWM). Usage: dotnet run -c Release --project bench/Marketplace.Bench.Upload -- [items] [gateway]
var items = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
var gateway = new Uri(args.Length > 1 ? args[1] : "http://127.0.0.1:5080");
var root = FindRoot();
const int chunkBytes = 8 * 1024 * 1024;

using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromMinutes(5) };
var email = $"bench-{Guid.NewGuid():N}@bench.example";
(await http.PostAsJsonAsync("/api/auth/register", new { email, password = "bench-password-1", displayName = "Bench", role = "enterprise", organisationName = "Upload benchmark" })).EnsureSuccessStatusCode();
var token = await (await http.PostAsJsonAsync("/api/auth/token", new { email, password = "bench-password-1" })).Content.ReadFromJsonAsync<JsonElement>();
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());

var order = await Ok(await http.PostAsJsonAsync("/api/orders/orders", new
{
    title = $"Upload benchmark, {items:N0} reviews", taskType = "text-classification", labels = new[] { "positive", "negative", "neutral" },
    unitPrice = 0.05m, currency = "CNY", deadline = DateTimeOffset.UtcNow.AddDays(30), mode = "bid",
}));
var orderId = order.GetProperty("id").GetString();
var upload = await Ok(await http.PostAsJsonAsync($"/api/orders/orders/{orderId}/uploads", new { format = "jsonl" }));
var uploadId = upload.GetProperty("id").GetString();

string[] texts =
[
    "The battery easily lasts two days and it charges fast.", "Stopped working after a week; the seller never answered.",
    "Exactly as described and it arrived a day early.", "The screen scratches far too easily for the price.",
    "Good value. The manual is confusing but setup took ten minutes.", "It is fine. Nothing special, nothing wrong.",
];
var clock = Stopwatch.StartNew();
long offset = 0;
var buffer = new MemoryStream(chunkBytes + 4096);
async Task Flush()
{
    if (buffer.Length == 0) return;
    var request = new HttpRequestMessage(HttpMethod.Put, $"/api/orders/orders/{orderId}/uploads/{uploadId}")
    {
        Content = new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length),
    };
    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
    request.Headers.Add("Upload-Offset", offset.ToString());
    (await http.SendAsync(request)).EnsureSuccessStatusCode();
    offset += buffer.Length;
    buffer.SetLength(0);
}
for (var i = 0; i < items; i++)
{
    var line = $"{{\"id\":\"r{i:0000000}\",\"content\":\"{texts[i % texts.Length]}\",\"metadata\":{{\"stars\":{i % 5 + 1}}}}}\n";
    buffer.Write(Encoding.UTF8.GetBytes(line));
    if (buffer.Length >= chunkBytes) await Flush();
}
await Flush();
var uploaded = clock.Elapsed;
Console.WriteLine($"uploaded {offset / 1048576.0:F1} MB in {uploaded.TotalSeconds:F1} s ({items / uploaded.TotalSeconds:N0} items/s)");

clock.Restart();
(await http.PostAsync($"/api/orders/orders/{orderId}/uploads/{uploadId}/complete", null)).EnsureSuccessStatusCode();
JsonElement state;
while (true)
{
    state = await http.GetFromJsonAsync<JsonElement>($"/api/orders/orders/{orderId}/uploads/{uploadId}");
    var status = state.GetProperty("status").GetString();
    Console.Write($"\r{status,-10} rows checked {state.GetProperty("rowsChecked").GetInt64(),12:N0}");
    if (status is "imported" or "rejected") break;
    await Task.Delay(500);
}
Console.WriteLine();
var processed = clock.Elapsed;
var peak = PeakMemoryMb(Path.Combine(root, ".data/run/orders.pid"));
var report = $"""
    upload benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores
    items                 {items:N0}
    manifest              {offset / 1048576.0:F1} MB JSONL
    status                {state.GetProperty("status").GetString()} ({state.GetProperty("rowsImported").GetInt64():N0} rows imported)
    upload (8 MB chunks)  {uploaded.TotalSeconds:F1} s, {items / uploaded.TotalSeconds:N0} items/s
    validate + import     {processed.TotalSeconds:F1} s, {items / processed.TotalSeconds:N0} items/s
    end to end            {(uploaded + processed).TotalSeconds:F1} s, {items / (uploaded + processed).TotalSeconds:N0} items/s
    orders peak memory    {(peak is null ? "unknown (no .data/run/orders.pid)" : $"{peak:F0} MB (VmHWM)")}
    """;
Console.WriteLine(report);
Directory.CreateDirectory(Path.Combine(root, "bench/results"));
await File.WriteAllTextAsync(Path.Combine(root, "bench/results/upload.txt"), report + "\n");
return state.GetProperty("status").GetString() == "imported" ? 0 : 1;

static async Task<JsonElement> Ok(HttpResponseMessage response)
{
    var body = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
    return JsonDocument.Parse(body).RootElement.Clone();
}

static double? PeakMemoryMb(string pidFile)
{
    if (!File.Exists(pidFile)) return null;
    var status = $"/proc/{File.ReadAllText(pidFile).Trim()}/status";
    if (!File.Exists(status)) return null;
    var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:"));
    return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
