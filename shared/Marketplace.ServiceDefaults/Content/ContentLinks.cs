using Microsoft.Extensions.Options;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.ServiceDefaults.Content;

public sealed class ContentLinkOptions
{
    /// <summary>Base64 of at least 32 bytes, held only by the services that make or check links (orders, tasks); required.</summary>
    public string SigningKey { get; set; } = "";

    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Where the links point: the orders service's content endpoint as the gateway publishes it.</summary>
    public string LinkBasePath { get; set; } = "/api/orders/content";
}

/// <summary>
/// Short-lived signed links to files in the content store: the signature is the authorisation, so a browser can load
/// an image or play audio with no token. HMAC-SHA256 over the order, the file's name and the expiry time.
/// </summary>
public sealed class ContentLinks
{
    private readonly byte[] _key;

    public ContentLinks(byte[] key, TimeSpan lifetime, string basePath = "/api/orders/content")
    {
        if (key.Length < 32) throw new ArgumentException("a content signing key has at least 32 bytes", nameof(key));
        if (lifetime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(lifetime));
        _key = key;
        Lifetime = lifetime;
        BasePath = basePath.TrimEnd('/');
    }

    public TimeSpan Lifetime { get; }
    public string BasePath { get; }

    public static ContentLinks From(ContentLinkOptions options) => new(KeyOf(options.SigningKey), options.LinkLifetime, options.LinkBasePath);

    /// <summary>
    /// Links for another purpose (delivery exports) on another path, with a key of their own: HKDF-SHA256 of the same
    /// material (Content:SigningKey) with info "marketplace/{purpose}-links/v1", so a content link's signature never opens
    /// an export of the same name, and no new secret needs distributing.
    /// </summary>
    public static ContentLinks ForPurpose(ContentLinkOptions options, string purpose, string basePath, TimeSpan lifetime)
    {
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, KeyOf(options.SigningKey), 32, salt: [], info: Encoding.UTF8.GetBytes($"marketplace/{purpose}-links/v1"));
        return new ContentLinks(key, lifetime, basePath);
    }

    private static byte[] KeyOf(string base64)
    {
        if (string.IsNullOrWhiteSpace(base64)) throw new InvalidOperationException("Content:SigningKey is not configured");
        var bytes = Convert.FromBase64String(base64);
        if (bytes.Length < 32) throw new InvalidOperationException("Content:SigningKey must be at least 32 bytes");
        return bytes;
    }

    /// <summary>
    /// The expiry of a link made now: at least the lifetime away, rounded up to the minute so the same file gets the same
    /// link for a minute (the browser's cache keeps working) and no link lives longer than the lifetime plus a minute.
    /// </summary>
    public DateTimeOffset ExpiryFor(DateTimeOffset now)
    {
        var seconds = (now + Lifetime).ToUnixTimeSeconds();
        return DateTimeOffset.FromUnixTimeSeconds((seconds + 59) / 60 * 60);
    }

    public string Signature(Guid orderId, string name, long expires)
    {
        var message = Encoding.UTF8.GetBytes($"{orderId:D}/{name}\n{expires}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, message));
    }

    /// <summary>A relative link (through the gateway) to the file, valid until <see cref="ExpiryFor"/>.</summary>
    public string LinkFor(Guid orderId, string name, DateTimeOffset now)
    {
        var expires = ExpiryFor(now).ToUnixTimeSeconds();
        var path = string.Join('/', name.Split('/').Select(Uri.EscapeDataString));
        return $"{BasePath}/{orderId:D}/{path}?expires={expires}&sig={Signature(orderId, name, expires)}";
    }

    /// <summary>The link for a content:// item, or null when the content is not a reference to the content store.</summary>
    public string? LinkForContent(string content, DateTimeOffset now) =>
        ContentUri.TryParse(content, out var orderId, out var name) ? LinkFor(orderId, name, now) : null;

    public LinkCheck Verify(Guid orderId, string name, string? expires, string? signature, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(expires) || string.IsNullOrEmpty(signature)) return LinkCheck.Unsigned;
        if (!long.TryParse(expires, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var when))
            return LinkCheck.BadSignature;
        if (signature.Length != 64 || !signature.All(Uri.IsHexDigit)) return LinkCheck.BadSignature;
        var expected = Convert.FromHexString(Signature(orderId, name, when));
        if (!CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(signature))) return LinkCheck.BadSignature;
        return now.ToUnixTimeSeconds() > when ? LinkCheck.Expired : LinkCheck.Valid;
    }
}

public enum LinkCheck { Valid, Unsigned, BadSignature, Expired }

/// <summary>content://&lt;orderId&gt;/&lt;name&gt;: a file uploaded to an order's content store.</summary>
public static class ContentUri
{
    public const string Prefix = "content://";
    public const int MaxNameLength = 255;

    public static string For(Guid orderId, string name) => $"{Prefix}{orderId:D}/{name}";

    public static bool IsContentReference(string? content) =>
        content is not null && content.TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    public static bool TryParse(string? content, out Guid orderId, out string name)
    {
        orderId = Guid.Empty;
        name = "";
        if (!IsContentReference(content)) return false;
        var rest = content!.Trim()[Prefix.Length..];
        var slash = rest.IndexOf('/');
        if (slash <= 0 || !Guid.TryParse(rest[..slash], out orderId)) return false;
        name = rest[(slash + 1)..];
        return IsSafeName(name);
    }

    /// <summary>Letters, digits, '-', '_' and '.', with '/' between sub-folders; no empty, '.' or '..' segment.</summary>
    public static bool IsSafeName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength) return false;
        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment.All(c => c == '.')) return false;
            if (!segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return false;
        }
        return true;
    }
}

public static class ContentLinksExtensions
{
    /// <summary>Registers <see cref="ContentLinks"/> from the Content section; a service without a usable key does not start.</summary>
    public static WebApplicationBuilder AddContentLinks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ContentLinkOptions>().BindConfiguration("Content")
            .Validate(o => { try { return ContentLinks.From(o) is not null; } catch (Exception e) when (e is InvalidOperationException or FormatException) { return false; } },
                "Content:SigningKey must be set to a base64 key of at least 32 bytes")
            .ValidateOnStart();
        builder.Services.AddSingleton(services => ContentLinks.From(services.GetRequiredService<IOptions<ContentLinkOptions>>().Value));
        return builder;
    }
}
