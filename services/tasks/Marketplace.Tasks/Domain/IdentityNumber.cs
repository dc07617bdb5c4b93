using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Tasks.Domain;

/// <summary>
/// A resident identity card number (GB 11643-1999): 6 digits of region, the birth date as yyyyMMdd, 3 digits of
/// sequence and a check character (0-9 or X) computed from the first 17 with the ISO 7064 MOD 11-2 weights.
/// Only the shape is checked here; whether the number belongs to the person is the operator's review.
/// </summary>
public static class IdentityNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>Upper-cases a trailing x and trims; use before checking, masking or hashing.</summary>
    public static string Normalise(string number) => number.Trim().ToUpperInvariant();

    /// <returns>null when the number is well formed, else why not.</returns>
    public static string? Check(string number, DateOnly today)
    {
        if (number.Length != 18) return "'Id Number' must be 18 characters.";
        for (var i = 0; i < 17; i++)
            if (number[i] is < '0' or > '9') return "'Id Number' must be 17 digits followed by a digit or X.";
        if (number[17] is not (>= '0' and <= '9' or 'X')) return "'Id Number' must end with a digit or X.";
        if (!DateOnly.TryParseExact(number.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var born)
            || born.Year < 1900 || born > today)
            return "'Id Number' does not hold a valid birth date (characters 7 to 14, yyyyMMdd).";
        return number[17] == CheckCharacter(number.AsSpan(0, 17)) ? null : "'Id Number' fails its check character (GB 11643).";
    }

    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (first17[i] - '0') * Weights[i];
        return CheckCharacters[sum % 11];
    }

    /// <summary>What anyone is shown: the first 3 and last 4 characters, the rest (region detail, birth date) hidden.</summary>
    public static string Mask(string number) => number[..3] + new string('*', number.Length - 7) + number[^4..];

    /// <summary>
    /// A keyed hash of the number, so that one card backs one account without the number being stored. Keyed because an
    /// unkeyed hash of an 18-character number with a known structure is easy to reverse by trying candidates.
    /// </summary>
    public static string Hash(string number, byte[] key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(number)));
}

/// <summary>
/// The key of <see cref="IdentityNumber.Hash"/>: Tasks:IdentityHashKey (base64, at least 32 bytes), a secret only tasks
/// holds. Changing it makes earlier hashes unmatchable (one card could then back a second account): it is never rotated.
/// </summary>
public sealed class IdentityNumberKey(byte[] key)
{
    public string Hash(string number) => IdentityNumber.Hash(number, key);

    public static IdentityNumberKey From(IConfiguration configuration)
    {
        var own = configuration["Tasks:IdentityHashKey"];
        if (string.IsNullOrWhiteSpace(own)) throw new InvalidOperationException("Tasks:IdentityHashKey is not configured");
        var bytes = Convert.FromBase64String(own);
        if (bytes.Length < 32) throw new InvalidOperationException("Tasks:IdentityHashKey must be at least 32 bytes");
        return new(bytes);
    }
}
