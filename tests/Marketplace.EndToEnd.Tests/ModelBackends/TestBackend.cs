using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.EndToEnd.Tests.ModelBackends;

/// <summary>
/// A Label Studio ML backend as the platform meets it: a real HTTP server on a loopback port that answers /health,
/// /setup and /predict in Label Studio's shapes and records /webhook events. Every call must carry the platform's
/// signature (X-Marketplace-Timestamp, X-Marketplace-Signature: sha256=HMAC(secret, timestamp + "." + body)); a call
/// without a right one is answered 401 and counted. Its /predict can be told to misbehave.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    public enum Behaviour { Good, Slow, ServerError, Garbage, UnknownLabel, HealthDown }

    public sealed record Call(string Path, JsonNode? Body);

    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly Func<JsonNode, string> _labelFor;

    public string Secret { get; } = "ls-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    public string ModelVersion { get; }
    public Behaviour Mode { get; set; }
    public string Url { get; }
    public ConcurrentQueue<Call> Calls { get; } = new();
    public int BadSignatures => _badSignatures;
    private int _badSignatures;

    public IEnumerable<JsonNode> Webhooks => Calls.Where(c => c.Path == "/webhook").Select(c => c.Body!);

    /// <param name="labelFor">the choice the model makes for a task ({id, data}); "positive" by default.</param>
    public TestBackend(Behaviour mode = Behaviour.Good, string modelVersion = "ls-test-1", Func<JsonNode, string>? labelFor = null)
    {
        Mode = mode;
        ModelVersion = modelVersion;
        _labelFor = labelFor ?? (_ => "positive");
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            try
            {
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
                _listener.Start();
                Url = $"http://127.0.0.1:{port}";
                break;
            }
            catch (HttpListenerException) when (attempt < 5) { }
        }
        _serving = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private static string Sign(string secret, string timestamp, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.ASCII.GetBytes(timestamp + "."), .. body]));

    /// <summary>Headers a backend sends when it pushes: signed now, or at <paramref name="at"/>.</summary>
    public HttpRequestMessage SignedPush(string path, string body, DateTimeOffset? at = null, string? secret = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString();
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Marketplace-Timestamp", timestamp);
        request.Headers.Add("X-Marketplace-Signature", Sign(secret ?? Secret, timestamp, Encoding.UTF8.GetBytes(body)));
        return request;
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var timestamp = context.Request.Headers["X-Marketplace-Timestamp"] ?? "";
            var signature = context.Request.Headers["X-Marketplace-Signature"] ?? "";
            var fresh = long.TryParse(timestamp, out var seconds) && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) <= 300;
            if (!fresh || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(Sign(Secret, timestamp, body))))
            {
                Interlocked.Increment(ref _badSignatures);
                await WriteAsync(response, 401, "{\"error\": \"bad signature\"}");
                return;
            }
            var path = context.Request.Url!.AbsolutePath;
            var json = body.Length == 0 ? null : JsonNode.Parse(body);
            Calls.Enqueue(new Call(path, json));
            switch (path)
            {
                case "/health":
                    if (Mode == Behaviour.HealthDown) await WriteAsync(response, 503, "{\"status\": \"DOWN\"}");
                    else await WriteAsync(response, 200, "{\"status\": \"UP\", \"model_class\": \"TestBackend\"}");
                    break;
                case "/setup":
                    await WriteAsync(response, 200, new JsonObject { ["model_version"] = ModelVersion }.ToJsonString());
                    break;
                case "/predict":
                    await PredictAsync(response, json!);
                    break;
                case "/webhook":
                    await WriteAsync(response, 201, "{}");
                    break;
                default:
                    await WriteAsync(response, 404, "{}");
                    break;
            }
        }
        catch (Exception)
        {
            try { response.Abort(); } catch { /* the platform gave up on the call */ }
        }
    }

    private async Task PredictAsync(HttpListenerResponse response, JsonNode request)
    {
        switch (Mode)
        {
            case Behaviour.Slow:
                await Task.Delay(TimeSpan.FromSeconds(6));
                break;
            case Behaviour.ServerError:
                await WriteAsync(response, 500, "Internal Server Error");
                return;
            case Behaviour.Garbage:
                await WriteAsync(response, 200, "<html>model loading…</html>");
                return;
        }
        var results = new JsonArray();
        foreach (var task in request["tasks"]!.AsArray())
        {
            var label = Mode == Behaviour.UnknownLabel ? "sarcastic" : _labelFor(task!);
            results.Add(new JsonObject
            {
                ["model_version"] = ModelVersion,
                ["score"] = 0.91,
                ["result"] = new JsonArray(new JsonObject
                {
                    ["from_name"] = "label", ["to_name"] = "text", ["type"] = "choices",
                    ["value"] = new JsonObject { ["choices"] = new JsonArray(label) },
                }),
            });
        }
        await WriteAsync(response, 200, new JsonObject { ["results"] = results, ["model_version"] = ModelVersion }.ToJsonString());
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string body)
    {
        response.StatusCode = status;
        response.ContentType = body.StartsWith('{') ? "application/json" : "text/html";
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try { await _serving; } catch { /* stopped */ }
    }
}
