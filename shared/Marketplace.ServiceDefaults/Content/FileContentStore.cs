using Microsoft.Extensions.Options;

namespace Marketplace.ServiceDefaults.Content;

public sealed class FileContentStore(IOptions<ContentOptions> options) : IContentStore
{
    private string PathOf(string key)
    {
        var full = Path.GetFullPath(Path.Combine(options.Value.Root, key));
        if (!full.StartsWith(Path.GetFullPath(options.Value.Root), StringComparison.Ordinal)) throw new ArgumentException("key escapes the store", nameof(key));
        return full;
    }

    public Task<long> LengthAsync(string key, CancellationToken ct)
    {
        var info = new FileInfo(PathOf(key));
        return Task.FromResult(info.Exists ? info.Length : 0L);
    }

    public async Task<long?> AppendAsync(string key, long offset, Stream data, CancellationToken ct)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // An exclusive handle: two chunks for one upload cannot interleave, and the length check sees the real end.
        await using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        if (file.Length != offset) return null;
        file.Seek(offset, SeekOrigin.Begin);
        await data.CopyToAsync(file, 1 << 16, ct);
        await file.FlushAsync(ct);
        file.Flush(flushToDisk: true);
        return file.Length;
    }

    public async Task WriteAsync(string key, Func<Stream, Task> write, CancellationToken ct)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Written beside its final name and renamed: a reader never sees half a file, a failure leaves nothing.
        var partial = $"{path}.{Guid.NewGuid():N}.part";
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(file);
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public async Task<long> PutAsync(string key, Stream data, CancellationToken ct)
    {
        long length = 0;
        await WriteAsync(key, async file =>
        {
            await data.CopyToAsync(file, 1 << 16, ct);
            length = file.Length;
        }, ct);
        return length;
    }

    public Stream OpenRead(string key) => new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: false);

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }
}
