namespace Marketplace.ServiceDefaults.Auth;

/// <summary>The cookie that carries an operator's token to the jobs dashboards (set by the gateway's /api/auth/dashboard-session).</summary>
public static class OperatorCookie
{
    public const string Name = "marketplace_ops";
}
