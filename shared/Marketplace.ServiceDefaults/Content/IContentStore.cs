using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.ServiceDefaults.Content;

/// <summary>
/// Where the platform's bytes live: dataset manifests, item files, and the work files services hand each other by
/// reference (a message carries the key, not a million items). Files under the data directory now, shared by the
/// services of one machine; an S3-compatible store implements the same calls (append maps to multipart upload parts,
/// write to a put). Keys are opaque paths such as "uploads/&lt;id&gt;.jsonl".
/// </summary>
public interface IContentStore
{
    Task<long> LengthAsync(string key, CancellationToken ct);

    /// <summary>Appends at exactly <paramref name="offset"/>; returns the new length, or null when the offset is not the end.</summary>
    Task<long?> AppendAsync(string key, long offset, Stream data, CancellationToken ct);

    /// <summary>Writes a whole object: readers see the old one or the new one, never a part.</summary>
    Task WriteAsync(string key, Func<Stream, Task> write, CancellationToken ct);

    /// <summary>Stores the whole stream under <paramref name="key"/> (replacing what was there), all or nothing; returns its length.</summary>
    Task<long> PutAsync(string key, Stream data, CancellationToken ct);

    /// <summary>A seekable stream (range requests need one); throws FileNotFoundException when the key holds nothing.</summary>
    Stream OpenRead(string key);

    Task DeleteAsync(string key, CancellationToken ct);
}

public sealed class ContentOptions
{
    /// <summary>The content store's root directory, shared by every service on this machine.</summary>
    public string Root { get; set; } = Path.Combine(AppContext.BaseDirectory, "content");

    /// <summary>The largest media file an enterprise may upload for an order (50 MB).</summary>
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;
}

public static class ContentStoreExtensions
{
    public static IServiceCollection AddContentStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ContentOptions>().BindConfiguration("Content");
        services.AddSingleton<IContentStore, FileContentStore>();
        return services;
    }
}
