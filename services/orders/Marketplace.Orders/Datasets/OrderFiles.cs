using Dapper;
using Marketplace.Labeling;
using Marketplace.ServiceDefaults.Content;
using Npgsql;

namespace Marketplace.Orders.Datasets;

/// <summary>
/// The names of an order's uploaded files, loaded once per manifest check so no row costs a database round-trip.
/// Names are kept as 64-bit digests split by kind (about 20 bytes a file, so a million files cost ~20 MB rather than
/// ~100 MB as strings). Equal names always match; a name never uploaded that shares a digest with one that was (odds
/// ~1e-13 per row at a million files) would pass the check and its link would answer 404, never another file.
/// </summary>
public sealed class OrderFiles
{
    private readonly Guid _orderId;
    private readonly HashSet<ulong> _images = [];
    private readonly HashSet<ulong> _audio = [];

    private OrderFiles(Guid orderId) => _orderId = orderId;

    public static async Task<OrderFiles> LoadAsync(NpgsqlConnection connection, Guid orderId, CancellationToken ct)
    {
        var files = new OrderFiles(orderId);
        // Unbuffered: the rows stream past, only their digests stay.
        var rows = connection.QueryUnbufferedAsync<(string Name, string MediaType)>(
            "SELECT name, media_type FROM content_files WHERE order_id = @orderId", new { orderId });
        await foreach (var (name, mediaType) in rows.WithCancellation(ct))
            (MediaTypes.Named(mediaType)?.Kind == MediaKind.Audio ? files._audio : files._images).Add(Digest(name));
        return files;
    }

    public static OrderFiles Of(Guid orderId, IEnumerable<(string Name, MediaKind Kind)> files)
    {
        var set = new OrderFiles(orderId);
        foreach (var (name, kind) in files) (kind == MediaKind.Audio ? set._audio : set._images).Add(Digest(name));
        return set;
    }

    public long Count => _images.Count + _audio.Count;

    /// <returns>null when <paramref name="content"/> names a file of this order of the kind the task type shows, else why not.</returns>
    public string? Check(string taskType, string content)
    {
        if (!ContentUri.TryParse(content, out var orderId, out var name))
            return $"'{content.Trim()}' is not a content link of the form content://{_orderId}/<file name>";
        if (orderId != _orderId) return $"'{content.Trim()}' points at another order's files; upload the file to this order ({_orderId})";
        var digest = Digest(name);
        MediaKind? kind = _images.Contains(digest) ? MediaKind.Image : _audio.Contains(digest) ? MediaKind.Audio : null;
        if (kind is null) return $"'{name}' was not uploaded to this order (PUT /orders/{_orderId}/files/{name} first)";
        if (MediaTypes.KindFor(taskType) is { } needed && needed != kind)
            return $"'{name}' is {MediaTypes.Describe(kind.Value)}, but a {taskType} item needs {MediaTypes.Describe(needed)}";
        return null;
    }

    private static ulong Digest(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name), hash);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }
}
