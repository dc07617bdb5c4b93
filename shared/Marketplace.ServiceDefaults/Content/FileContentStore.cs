using Microsoft.Extensions.Options;

namespace Marketplace.ServiceDefaults.Content;

/// <summary>
/// Files on local disk under Content:Root. What it creates is the service user's alone (files 0600, directories 0700),
/// whatever umask the process was started with: uploaded datasets and exports may hold personal data.
/// </summary>
public sealed class FileContentStore(IOptions<ContentOptions> options) : IContentStore
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static void CreateDirectoryFor(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, OwnerDirectory);
    }

    private static FileStream Create(string path, FileMode mode)
    {
        var options = new FileStreamOptions
        {
            Mode = mode, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16, Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerFile;
        return new FileStream(path, options);
    }

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
        CreateDirectoryFor(path);
        // An exclusive handle: two chunks for one upload cannot interleave, and the length check sees the real end.
        await using var file = Create(path, FileMode.OpenOrCreate);
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
        CreateDirectoryFor(path);
        // Written beside its final name and renamed: a reader never sees half a file, a failure leaves nothing.
        var partial = $"{path}.{Guid.NewGuid():N}.part";
        try
        {
            await using (var file = Create(partial, FileMode.CreateNew))
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
