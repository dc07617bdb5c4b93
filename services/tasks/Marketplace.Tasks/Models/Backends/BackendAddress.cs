using System.Net;
using System.Net.Sockets;

namespace Marketplace.Tasks.Models.Backends;

/// <summary>
/// Where a backend may be: https (http only on loopback, when allowed), no user info, query or fragment, at most 500
/// characters, and never at an address inside the platform's reach (loopback, private networks unless configured;
/// link-local, such as the cloud metadata address 169.254.169.254, never). The address is checked when the backend is
/// registered and again on every connection, so a name that later resolves elsewhere (DNS rebinding) is refused too.
/// </summary>
public static class BackendAddress
{
    public const int MaxLength = 500;

    /// <returns>null when the url may be registered (its host not yet resolved), else why not.</returns>
    public static string? CheckShape(string? url, ModelBackendOptions options)
    {
        if (string.IsNullOrWhiteSpace(url)) return "'url' is required.";
        if (url.Length > MaxLength) return $"'url' must be at most {MaxLength} characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            return "'url' must be an absolute https:// address.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "'url' must not carry a user name or password; the secret signs the calls.";
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)) return "'url' must not have a query or fragment.";
        var loopback = uri.IsLoopback;
        if (uri.Scheme == "http" && !(loopback && options.AllowLoopback)) return "'url' must use https.";
        if (loopback && !options.AllowLoopback) return "'url' points at this machine (loopback), which is not allowed.";
        if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && Refusal(ip, options) is { } refused) return refused;
        return null;
    }

    /// <returns>null when the platform may connect to the address, else why not.</returns>
    public static string? Refusal(IPAddress ip, ModelBackendOptions options)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (IPAddress.IsLoopback(ip)) return options.AllowLoopback ? null : "'url' points at this machine (loopback), which is not allowed.";
        if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.Broadcast)) return "'url' has no usable address.";
        if (ip.IsIPv6LinkLocal || ip.IsIPv6Multicast || ip.IsIPv6SiteLocal) return "'url' points at a link-local or multicast address, which is not allowed.";
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            if (b[0] == 169 && b[1] == 254) return "'url' points at a link-local address (such as a cloud metadata service), which is not allowed.";
            if (b[0] == 0 || b[0] >= 224) return "'url' points at a reserved or multicast address, which is not allowed.";
            var isPrivate = b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127);
            if (isPrivate && !options.AllowPrivateNetworks) return "'url' points at a private network address, which is not allowed.";
        }
        else if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = ip.GetAddressBytes();
            if ((b[0] & 0xFE) == 0xFC && !options.AllowPrivateNetworks) return "'url' points at a private network address, which is not allowed.";
        }
        return null;
    }

    /// <summary>Every address the host resolves to must be allowed (a name with one private address among public ones is refused).</summary>
    public static async Task<string?> CheckResolvedAsync(Uri uri, ModelBackendOptions options, CancellationToken ct)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.DnsSafeHost, ct);
        }
        catch (SocketException)
        {
            return $"'url': the host {uri.Host} could not be resolved.";
        }
        if (addresses.Length == 0) return $"'url': the host {uri.Host} could not be resolved.";
        return addresses.Select(a => Refusal(a, options)).FirstOrDefault(r => r is not null);
    }
}
