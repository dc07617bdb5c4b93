namespace Marketplace.Orders.Datasets;

/// <summary>
/// Where uploaded bytes live. Files under the data directory now; an S3-compatible store implements the same calls
/// (append maps to multipart upload parts). Keys are opaque paths such as "uploads/&lt;id&gt;.jsonl".
/// </summary>
public interface IContentStore
{
    Task<long> LengthAsync(string key, CancellationToken ct);

    /// <summary>Appends at exactly <paramref name="offset"/>; returns the new length, or null when the offset is not the end.</summary>
    Task<long?> AppendAsync(string key, long offset, Stream data, CancellationToken ct);

    /// <summary>Stores the whole stream under <paramref name="key"/> (replacing what was there), all or nothing; returns its length.</summary>
    Task<long> PutAsync(string key, Stream data, CancellationToken ct);

    /// <summary>A seekable stream (range requests need one); throws FileNotFoundException when the key holds nothing.</summary>
    Stream OpenRead(string key);

    Task DeleteAsync(string key, CancellationToken ct);
}

public sealed class ContentOptions
{
    /// <summary>The content store's root directory, shared by every instance of the service on this machine.</summary>
    public string Root { get; set; } = Path.Combine(AppContext.BaseDirectory, "content");

    /// <summary>The largest media file an enterprise may upload for an order (50 MB).</summary>
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;
}
