using Microsoft.Playwright;

namespace Marketplace.EndToEnd.Tests.Portal;

[TestFixture]
public class ApiReferencePortalTests : PortalTest
{
    /// <summary>
    /// The footer's "API reference" opens Scalar over the gateway's document, and nothing on the page is fetched from
    /// anywhere but the gateway: no CDN script, no web fonts, no telemetry.
    /// </summary>
    [Test]
    public async Task The_footer_opens_the_api_reference_and_the_page_loads_nothing_from_outside_the_gateway()
    {
        var requested = new List<string>();
        Page.Request += (_, request) => { lock (requested) requested.Add(request.Url); };

        await Page.GotoAsync("/");
        await Page.GetByRole(AriaRole.Link, new() { Name = "API reference" }).ClickAsync();
        // The reference may already have put the first document's anchor in the address (#gateway-accounts-portal).
        await Assertions.Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/api/reference/(#[a-z0-9-]*)?$"));
        await Assertions.Expect(Page.GetByText("Marketplace gateway: accounts and the portal").First).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByText("/api/auth/token").First).ToBeVisibleAsync();
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await SnapAsync("api-reference");

        string[] seen;
        lock (requested) seen = [.. requested];
        var gateway = Cluster.Gateway.GetLeftPart(UriPartial.Authority);
        Assert.That(seen.Where(url => !url.StartsWith(gateway, StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal)),
            Is.Empty, "requests to anywhere but the gateway");
        Assert.That(seen, Has.Some.EndsWith("/api/reference/scalar.js"));
        Assert.That(seen, Has.Some.EndsWith("/openapi/v1.json"));
    }
}
