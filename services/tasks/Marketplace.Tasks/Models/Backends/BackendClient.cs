using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Marketplace.Tasks.Models.Backends;

/// <summary>
/// Calls an order's model backend: signed (see <see cref="BackendSignature"/>), bounded in time and size, no redirects,
/// and connecting only to addresses <see cref="BackendAddress"/> allows (checked on the connection itself).
/// </summary>
public sealed class BackendClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ModelBackendOptions _options;
    private readonly TimeProvider _clock;

    public BackendClient(IOptions<ModelBackendOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = _options.Timeout,
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Marketplace-ModelBackends", "1"));
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.FirstOrDefault(a => BackendAddress.Refusal(a, _options) is null)
            ?? throw new HttpRequestException($"the backend's address {host} is not one the platform may call");
        if (addresses.Any(a => BackendAddress.Refusal(a, _options) is not null))
            throw new HttpRequestException($"the backend's host {host} resolves to an address the platform may not call");
        var socket = new Socket(allowed.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(allowed, context.DnsEndPoint.Port), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static string Join(string baseUrl, string path) => baseUrl.TrimEnd('/') + path;

    /// <summary>One signed call; the answer's JSON (or a failure naming what was wrong).</summary>
    public async Task<JsonElement> CallAsync(string call, string baseUrl, string secret, HttpMethod method, string path, byte[]? body, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(method, Join(baseUrl, path));
        request.Headers.TryAddWithoutValidation(BackendSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(BackendSignature.SignatureHeader, BackendSignature.Sign(secret, timestamp, body ?? []));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var bytes = await ReadBoundedAsync(response.Content, call, timeout.Token);
            if (!response.IsSuccessStatusCode) throw new BackendCallFailed(BackendFailure.Status(call, (int)response.StatusCode));
            try
            {
                using var document = JsonDocument.Parse(bytes);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new BackendCallFailed(BackendFailure.NotJson(call));
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new BackendCallFailed(BackendFailure.Timeout(call, _options.Timeout));
        }
        catch (HttpRequestException e)
        {
            throw new BackendCallFailed(BackendFailure.Unreachable(call, Shorten(e.Message)));
        }
    }

    private async Task<byte[]> ReadBoundedAsync(HttpContent content, string call, CancellationToken ct)
    {
        if (content.Headers.ContentLength > _options.MaxBodyBytes) throw new BackendCallFailed(BackendFailure.TooLarge(call, _options.MaxBodyBytes));
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > _options.MaxBodyBytes) throw new BackendCallFailed(BackendFailure.TooLarge(call, _options.MaxBodyBytes));
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static string Shorten(string message) => message.Length <= 200 ? message : message[..200];

    /// <summary>GET /health: Label Studio's backends answer {"status": "UP"}.</summary>
    public async Task HealthAsync(string baseUrl, string secret, CancellationToken ct)
    {
        var health = await CallAsync("health", baseUrl, secret, HttpMethod.Get, "/health", null, ct);
        if (health.ValueKind != JsonValueKind.Object || !health.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String
            || !string.Equals(status.GetString(), "UP", StringComparison.OrdinalIgnoreCase))
            throw new BackendCallFailed(BackendFailure.HealthNotUp());
    }

    /// <summary>POST /setup with the label config: the model version the backend answers (null when it names none).</summary>
    public async Task<string?> SetupAsync(string baseUrl, string secret, byte[] body, CancellationToken ct)
    {
        var setup = await CallAsync("setup", baseUrl, secret, HttpMethod.Post, "/setup", body, ct);
        if (setup.ValueKind != JsonValueKind.Object) throw new BackendCallFailed(BackendFailure.SetupNotObject());
        return ModelVersionOf(setup);
    }

    /// <summary>A model_version property as text (Label Studio backends send strings, some numbers), null when absent or unusable.</summary>
    public static string? ModelVersionOf(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("model_version", out var v)) return null;
        var text = v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null };
        return string.IsNullOrWhiteSpace(text) || text.Length > 100 ? null : text;
    }

    public void Dispose() => _http.Dispose();
}
