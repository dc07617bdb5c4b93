using System.Net;
using System.Text.Json;
using Marketplace.ServiceDefaults;
using Marketplace.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Marketplace.Platform.Tests.Http;

/// <summary>
/// A database that cannot take a request for a moment (no connection, a full pool) is not the caller's mistake: 503 with
/// Retry-After and a ProblemDetails, not a 500. Endpoints under a concurrency policy queue, and a full queue answers 503.
/// A real Kestrel server on loopback, with the middleware every service has (AddServiceDefaults).
/// </summary>
[TestFixture]
public class DatabaseBusyTests
{
    private sealed class Limits
    {
        public int Permits { get; set; } = 1;
        public int Queue { get; set; }
    }

    private WebApplication app = null!;
    private HttpClient http = null!;
    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        TestKeys.AddThrowawayPublicKey(builder.Configuration);
        builder.AddServiceDefaults("database-busy", typeof(DatabaseBusyTests).Assembly);
        // No database to migrate here: only the HTTP pipeline is under test.
        builder.Services.RemoveAll<Microsoft.Extensions.Hosting.IHostedService>();
        builder.Services.AddOptions<Limits>();
        builder.Services.AddConcurrencyPolicy<Limits>("one-at-a-time", o => (o.Permits, o.Queue));
        app = builder.Build();
        app.UseExceptionHandler();
        app.UseRateLimiter();
        // Port 9 (discard) on loopback: nothing listens, so opening a connection fails as a down database does.
        app.MapGet("/unreachable", async () =>
        {
            await using var connection = new NpgsqlConnection("Host=127.0.0.1;Port=9;Username=x;Password=x;Timeout=2");
            await connection.OpenAsync();
            return Results.Ok();
        }).AllowAnonymous();
        app.MapGet("/slow", async () =>
        {
            entered.TrySetResult();
            await release.Task;
            return Results.Ok();
        }).AllowAnonymous().RequireRateLimiting("one-at-a-time");
        await app.StartAsync();
        http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        release.TrySetResult();
        http.Dispose();
        await app.DisposeAsync();
    }

    [Test]
    public async Task A_database_that_cannot_be_reached_answers_503_with_retry_after()
    {
        var response = await http.GetAsync("/unreachable");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(503));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("nothing was changed"));
    }

    [Test]
    public async Task A_request_beyond_the_policys_permits_and_queue_answers_503()
    {
        var first = http.GetAsync("/slow");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var second = await http.GetAsync("/slow");
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(second.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(await second.Content.ReadAsStringAsync(), Does.Contain("Too many requests of this kind"));
        release.TrySetResult();
        Assert.That((await first).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
