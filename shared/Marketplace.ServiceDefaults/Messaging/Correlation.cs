namespace Marketplace.ServiceDefaults.Messaging;

/// <summary>
/// The correlation id of the request or message being handled. It follows an order across services:
/// the HTTP middleware and the consume filter set it; the outbox stamps it on every message written.
/// </summary>
public static class Correlation
{
    public const string Header = "X-Correlation-Id";
    private static readonly AsyncLocal<Guid?> CurrentId = new();

    public static Guid? Current
    {
        get => CurrentId.Value;
        set => CurrentId.Value = value;
    }
}
