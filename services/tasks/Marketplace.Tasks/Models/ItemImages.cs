using Marketplace.ServiceDefaults.Content;
using Microsoft.Extensions.Options;

namespace Marketplace.Tasks.Models;

/// <summary>
/// An item's image could not be fetched. Permanent: it is not on the platform or too large, and asking again changes
/// nothing; otherwise (the content store answered an error) the next sweep asks again.
/// </summary>
public sealed class ImageNotFetchedException(string message, bool permanent) : Exception(message)
{
    public bool Permanent { get; } = permanent;
}

/// <summary>
/// An image item's bytes, as a service: tasks signs a short-lived content link (the same scheme the workbench uses, no
/// user token) and fetches it from the orders service's own /content endpoint at <see cref="BuiltInModelOptions.OrdersAddress"/>,
/// bounded in size and time. Images linked from outside the platform are never fetched (the platform does not call out
/// to arbitrary hosts).
/// </summary>
public sealed class ItemImages(IHttpClientFactory factory, IOptions<ContentLinkOptions> content, IOptions<BuiltInModelOptions> options, TimeProvider clock)
{
    public const string Client = "orders-content";

    private readonly ContentLinks _links = ContentLinks.From(new ContentLinkOptions
    {
        SigningKey = content.Value.SigningKey,
        LinkLifetime = TimeSpan.FromMinutes(5),
        LinkBasePath = "/content",
    });

    public async Task<byte[]> FetchAsync(string itemContent, CancellationToken ct)
    {
        if (!ContentUri.TryParse(itemContent, out var orderId, out var name))
            throw new ImageNotFetchedException("not a file uploaded to the platform (content://): images linked from elsewhere are not fetched", permanent: true);
        var http = factory.CreateClient(Client);
        using var response = await http.GetAsync(_links.LinkFor(orderId, name, clock.GetUtcNow()), HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode) throw new ImageNotFetchedException($"the content store answered {(int)response.StatusCode} for {name}", permanent: false);
        var max = options.Value.MaxImageBytes;
        if (response.Content.Headers.ContentLength > max) throw new ImageNotFetchedException($"{name} is larger than {max:N0} bytes", permanent: true);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max) throw new ImageNotFetchedException($"{name} is larger than {max:N0} bytes", permanent: true);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
