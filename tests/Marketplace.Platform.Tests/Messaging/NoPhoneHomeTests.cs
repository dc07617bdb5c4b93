using MassTransit;
using Marketplace.ServiceDefaults;
using Marketplace.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Platform.Tests.Messaging;

/// <summary>A platform trusted with graded data talks only to the servers it is configured for.</summary>
[TestFixture]
public class NoPhoneHomeTests
{
    [Test]
    public async Task The_services_bus_does_not_report_usage_to_MassTransits_vendor()
    {
        var builder = WebApplication.CreateSlimBuilder();
        TestKeys.AddThrowawayPublicKey(builder.Configuration);
        builder.AddServiceDefaults("no-phone-home", typeof(NoPhoneHomeTests).Assembly);
        builder.AddMessaging(_ => { });
        await using var host = builder.Build();

        // The bus as every service configures it (AddMessaging), not started: its usage telemetry is switched off.
        Assert.That(host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled, Is.False);
    }
}
