using System.Security.Cryptography;

namespace Marketplace.Orders.Datasets;

/// <summary>
/// A request body on its way to the content store: the bytes already read (to sniff the type) come first, every byte is
/// hashed and counted as it passes, and reading past the size limit fails. Nothing is held in memory but one buffer.
/// </summary>
public sealed class MeasuredUpload(byte[] head, Stream rest, long maxBytes) : Stream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _headRead;

    public long BytesRead { get; private set; }

    public string Sha256Hex() => Convert.ToHexStringLower(_sha256.GetCurrentHash());

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        int n;
        if (_headRead < head.Length)
        {
            n = Math.Min(buffer.Length, head.Length - _headRead);
            head.AsMemory(_headRead, n).CopyTo(buffer);
            _headRead += n;
        }
        else
        {
            n = await rest.ReadAsync(buffer, ct);
        }
        BytesRead += n;
        if (BytesRead > maxBytes) throw new FileTooLargeException(maxBytes);
        _sha256.AppendData(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _sha256.Dispose();
        base.Dispose(disposing);
    }
}

public sealed class FileTooLargeException(long maxBytes) : Exception($"the file is larger than {maxBytes} bytes")
{
    public long MaxBytes { get; } = maxBytes;
}
