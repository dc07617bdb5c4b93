using System.Text;
using System.Text.Json.Nodes;

namespace Marketplace.EndToEnd.Tests.Abuse;

/// <summary>
/// The cells of the access matrix: every operation called with no token, a garbage token, a forged unsigned token, each
/// role it does not document (each must be refused) and each role it documents from outside the world, with the world's
/// real ids in its path (nothing of the world may come back).
/// </summary>
public sealed class AccessMatrix(World world)
{
    public enum Cell { NoToken, Garbage, WrongRole, Outsider, Owner }

    public sealed record Entry(Cell Cell, string Caller, Probe Probe);

    /// <summary>An unsigned token (alg none) that claims to be an operator.</summary>
    private static string Unsigned() =>
        string.Join('.', new[] { """{"alg":"none","typ":"JWT","kid":"e2e-1"}""", $$"""{"sub":"{{Guid.NewGuid()}}","role":"operator","exp":4102444800}""" }
            .Select(part => Convert.ToBase64String(Encoding.UTF8.GetBytes(part)).TrimEnd('=').Replace('+', '-').Replace('/', '_'))) + ".";

    public List<Entry> Generate(Surface surface)
    {
        var garbage = Prober.Garbage("not-a-token");
        var forged = Prober.Garbage(Unsigned());
        var anonymous = Api.Anonymous();
        var entries = new List<Entry>();
        foreach (var op in surface.Operations)
        {
            var path = world.Fill(op);
            var body = op.Anonymous ? null : Body(op);
            entries.Add(new(Cell.NoToken, "no token", Probe(op, anonymous, path, body)));
            entries.Add(new(Cell.Garbage, "garbage token", Probe(op, garbage, path, body)));
            entries.Add(new(Cell.Garbage, "unsigned operator token", Probe(op, forged, path, body)));
            if (op.Anonymous) continue;
            foreach (var role in World.Roles)
            {
                var allowed = op.Roles!.Length == 0 || op.Roles.Contains(role);
                if (!allowed)
                {
                    var caller = role == "operator" ? world.Operator : world.Outsider(role);
                    entries.Add(new(Cell.WrongRole, role, Probe(op, caller.Http, path, body)));
                    continue;
                }
                // Operators may see every organisation's things; signing out ends the outsider's own session (TokenKeyTests).
                if (role == "operator" || op.Path.EndsWith("/signout", StringComparison.Ordinal)) continue;
                // Each of the world's things the first parameter can name (an order: the draft, the crowd order, the contracted one).
                var firsts = op.InPath.FirstOrDefault() is { } first ? world.Candidates(op, first) : [null!];
                foreach (var candidate in firsts)
                {
                    var target = world.Fill(op, candidate);
                    entries.Add(new(Cell.Outsider, role, Probe(op, world.Outsider(role).Http, target, body)));
                    if (op.Reads && op.InPath.Any()) entries.Add(new(Cell.Owner, role, Probe(op, world.Owner(role).Http, target, null)));
                }
            }
        }
        return entries;
    }

    private string Body(Surface.Op op)
    {
        if (op.Body is null) return op.Reads ? null! : "{}";
        var body = (JsonObject)op.Body.DeepClone();
        world.PointAtWorld(body);
        return body.ToJsonString();
    }

    private static Probe Probe(Surface.Op op, HttpClient http, string path, string? body) =>
        new(op, "access", http, op.Method, path)
        {
            Body = body is null ? null : System.Text.Encoding.UTF8.GetBytes(body),
            IdempotencyKey = op.TakesIdempotencyKey ? Guid.NewGuid().ToString() : null,
        };
}
