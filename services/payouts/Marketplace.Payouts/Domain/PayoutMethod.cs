using System.Text.RegularExpressions;

namespace Marketplace.Payouts.Domain;

/// <summary>
/// Where a worker's money goes: a bank card (16 to 19 digits passing the Luhn check) or an Alipay account (a mainland
/// mobile number 1[3-9]xxxxxxxxx, or an email address). Only the shape is checked here; the rail checks the rest.
/// </summary>
public static partial class PayoutMethod
{
    public const string BankCard = "bank_card";
    public const string Alipay = "alipay";

    [GeneratedRegex(@"^[0-9]{16,19}$")]
    private static partial Regex CardDigits();

    [GeneratedRegex(@"^1[3-9][0-9]{9}$")]
    private static partial Regex MainlandMobile();

    [GeneratedRegex(@"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")]
    private static partial Regex Email();

    /// <summary>Spaces and dashes people type between digit groups are not part of the number.</summary>
    public static string Normalise(string account) => account.Trim().Replace(" ", "").Replace("-", "");

    public static bool PassesLuhn(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (d is < 0 or > 9) return false;
            if (doubleIt && (d *= 2) > 9) d -= 9;
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    public static bool IsBankCard(string account) => CardDigits().IsMatch(account) && PassesLuhn(account);

    public static bool IsAlipayAccount(string account) => MainlandMobile().IsMatch(account) || (account.Length <= 100 && Email().IsMatch(account));

    /// <returns>null when the account has the method's shape, else what is wrong with it.</returns>
    public static string? Problem(string kind, string account) => kind switch
    {
        BankCard when !CardDigits().IsMatch(account) => "A bank card number has 16 to 19 digits.",
        BankCard when !PassesLuhn(account) => "This is not a valid bank card number (its check digit is wrong).",
        Alipay when !IsAlipayAccount(account) => "An Alipay account is a mainland mobile number (11 digits starting 13-19) or an email address.",
        BankCard or Alipay => null,
        _ => "The method must be bank_card or alipay.",
    };

    /// <summary>What is shown back: a card's last four digits, a phone's first three and last four, an email's first letter and domain.</summary>
    public static string Mask(string kind, string account)
    {
        if (kind == BankCard) return $"**** **** **** {account[^4..]}";
        var at = account.IndexOf('@');
        if (at > 0) return $"{account[0]}***{account[at..]}";
        return $"{account[..3]}****{account[^4..]}";
    }
}
