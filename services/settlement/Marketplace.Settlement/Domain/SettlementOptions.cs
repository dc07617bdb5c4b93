namespace Marketplace.Settlement.Domain;

public sealed class SettlementOptions
{
    /// <summary>How long a published order's budget stays reserved without work starting before it is let go.</summary>
    public TimeSpan PendingEscrowTimeout { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often the expiry job looks for reservations past their timeout.</summary>
    public TimeSpan PendingEscrowSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Base64 of at least 32 bytes that the bank and settlement share to sign pay-in callbacks
    /// (Settlement:PayInCallbackSecret); held by settlement alone, and never a token key.
    /// </summary>
    public string PayInCallbackSecret { get; set; } = "";

    /// <summary>How recently an enterprise's member must have given the password again (the token's auth_time) to withdraw.</summary>
    public TimeSpan ReauthWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The platform's collection account, shown to an enterprise with its deposit's reference.</summary>
    public CollectionAccount PayTo { get; set; } = new();

    public byte[] PayInCallbackKey()
    {
        if (string.IsNullOrWhiteSpace(PayInCallbackSecret)) throw new InvalidOperationException("Settlement:PayInCallbackSecret is not configured");
        var bytes = Convert.FromBase64String(PayInCallbackSecret);
        if (bytes.Length < 32) throw new InvalidOperationException("Settlement:PayInCallbackSecret must be at least 32 bytes");
        return bytes;
    }
}

public sealed class CollectionAccount
{
    public string BankName { get; set; } = "中国工商银行 北京分行营业部";
    public string AccountName { get; set; } = "国家数据标注基地公共服务平台 资金监管账户";
    public string AccountNumber { get; set; } = "0200 0000 0000 0000 000";
}
