using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;

namespace Marketplace.EndToEnd.Tests;

/// <summary>One line of infra/message-routes.conf: a service publishes, requests or consumes a message (its exchange name).</summary>
public sealed record MessageRoute(string Service, string Verb, string Message)
{
    public override string ToString() => $"{Service} {Verb} {Message}";
}

/// <summary>
/// Who publishes, requests and consumes which message: as declared in infra/message-routes.conf (from which the infra
/// scripts derive each service's RabbitMQ permissions), and as each service's compiled code really does it.
/// </summary>
public static class MessageRoutes
{
    public static readonly string[] Services = ["gateway", "orders", "bidding", "tasks", "payouts", "settlement"];

    public static IReadOnlyList<MessageRoute> Declared(string root) =>
        File.ReadAllLines(Path.Combine(root, "infra/message-routes.conf"))
            .Select(line => line.Split('#')[0].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 0)
            .Select(fields => fields.Length == 3
                ? new MessageRoute(fields[0], fields[1], fields[2])
                : throw new FormatException($"message-routes.conf: expected 'service verb message': {string.Join(' ', fields)}"))
            .ToList();

    /// <summary>
    /// What the service's assembly does: every message type it hands to the outbox (Outbox.AddAsync&lt;T&gt;), every request
    /// client it registers (AddRequestClient&lt;T&gt;), and every message its consumers take (IConsumer&lt;T&gt;).
    /// </summary>
    public static IReadOnlyList<MessageRoute> InCode(string root, string service)
    {
        var name = char.ToUpperInvariant(service[0]) + service[1..];
        var dll = Path.Combine(root, $"services/{service}/Marketplace.{name}/bin/Release/net10.0/Marketplace.{name}.dll");
        var context = new ServiceLoadContext(dll);
        try
        {
            var assembly = context.LoadFromAssemblyPath(dll);
            var routes = new HashSet<MessageRoute>();
            foreach (var (method, argument) in GenericCalls(dll, assembly))
            {
                if (method == "Marketplace.ServiceDefaults.Messaging.Outbox.AddAsync") routes.Add(new(service, "publishes", ExchangeOf(argument)));
                if (method.EndsWith(".AddRequestClient", StringComparison.Ordinal)) routes.Add(new(service, "requests", ExchangeOf(argument)));
            }
            foreach (var type in LoadableTypes(assembly).Where(t => t is { IsClass: true, IsAbstract: false }))
            {
                foreach (var consumed in type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition().FullName == "MassTransit.IConsumer`1"))
                {
                    routes.Add(new(service, "consumes", ExchangeOf(consumed.GetGenericArguments()[0])));
                }
            }
            return routes.OrderBy(r => r.Verb).ThenBy(r => r.Message, StringComparer.Ordinal).ToList();
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>MassTransit's exchange for a message type: Namespace:Name.</summary>
    private static string ExchangeOf(Type type) =>
        type.IsGenericParameter || type.IsGenericType || type.IsNested
            ? throw new InvalidOperationException($"{type} is not a plain message type: its exchange cannot be named from the code")
            : $"{type.Namespace}:{type.Name}";

    /// <summary>Every generic method instantiation the assembly calls (its MethodSpec table), as declaring type.name and type argument.</summary>
    private static IEnumerable<(string Method, Type Argument)> GenericCalls(string dll, Assembly assembly)
    {
        using var stream = File.OpenRead(dll);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var rows = metadata.GetTableRowCount(TableIndex.MethodSpec);
        for (var row = 1; row <= rows; row++)
        {
            var spec = metadata.GetMethodSpecification(MetadataTokens.MethodSpecificationHandle(row));
            var name = spec.Method.Kind == HandleKind.MemberReference
                ? metadata.GetString(metadata.GetMemberReference((MemberReferenceHandle)spec.Method).Name)
                : metadata.GetString(metadata.GetMethodDefinition((MethodDefinitionHandle)spec.Method).Name);
            if (name is not ("AddAsync" or "AddRequestClient")) continue;
            MethodBase method;
            try
            {
                method = assembly.ManifestModule.ResolveMethod(MetadataTokens.GetToken(MetadataTokens.MethodSpecificationHandle(row)))!;
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"{Path.GetFileName(dll)} calls {name}<T> from a generic method: name the message type at the call", e);
            }
            if (method is not MethodInfo { IsGenericMethod: true } info) continue;
            foreach (var argument in info.GetGenericArguments()) yield return ($"{info.DeclaringType!.FullName}.{info.Name}", argument);
        }
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try { return assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { return e.Types.Where(t => t is not null)!; }
    }

    /// <summary>Loads a service's assembly with its own dependencies (its bin folder, then ASP.NET Core's shared framework), for reflection only.</summary>
    private sealed class ServiceLoadContext(string dll) : AssemblyLoadContext(isCollectible: true)
    {
        private readonly AssemblyDependencyResolver _resolver = new(dll);
        private static readonly string? AspNetCore = Directory.GetParent(Path.GetDirectoryName(typeof(object).Assembly.Location)!)?.Parent is { } shared
            && Directory.Exists(Path.Combine(shared.FullName, "Microsoft.AspNetCore.App"))
                ? Directory.GetDirectories(Path.Combine(shared.FullName, "Microsoft.AspNetCore.App")).Order().LastOrDefault()
                : null;

        protected override Assembly? Load(AssemblyName name)
        {
            if (_resolver.ResolveAssemblyToPath(name) is { } path) return LoadFromAssemblyPath(path);
            var framework = AspNetCore is null ? null : Path.Combine(AspNetCore, name.Name + ".dll");
            return framework is not null && File.Exists(framework) ? LoadFromAssemblyPath(framework) : null;
        }
    }
}
