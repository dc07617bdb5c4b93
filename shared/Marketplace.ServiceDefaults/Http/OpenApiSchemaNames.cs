using System.Collections.Concurrent;
using Microsoft.AspNetCore.OpenApi;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>
/// Schema names: a nested type is named with the type it is declared in (SignIn.Request is "SignInRequest"), since every
/// feature file declares its own Request and Response. Two types that still come out with one name make the document fail
/// loudly rather than describe one endpoint's body with another's.
/// </summary>
internal static class SchemaNames
{
    private static readonly ConcurrentDictionary<(string Document, string Id), Type> Seen = new();

    public static Func<System.Text.Json.Serialization.Metadata.JsonTypeInfo, string?> For(string documentName) => info =>
    {
        var id = OpenApiOptions.CreateDefaultSchemaReferenceId(info);
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        // A file body is a binary string in place, not a component called "Stream".
        if (id is null || typeof(Stream).IsAssignableFrom(type)) return null;
        id = Of(type);
        var first = Seen.GetOrAdd((documentName, id), type);
        if (first != type)
            throw new InvalidOperationException($"Two types would share the OpenAPI schema name '{id}': {first.FullName} and {type.FullName}.");
        return id;
    };

    /// <summary>Paged&lt;IdentityVerification.View&gt; is "PagedOfIdentityVerificationView".</summary>
    public static string Of(Type type)
    {
        var id = type.Name;
        if (type.IsGenericType)
        {
            // PageOf<T> stays "PageOf...", Paged<T> becomes "PagedOf...".
            var name = type.Name[..type.Name.IndexOf('`')];
            id = (name.EndsWith("Of", StringComparison.Ordinal) ? name : name + "Of") + string.Join("And", type.GetGenericArguments().Select(Of));
        }
        for (var declaring = type.DeclaringType; declaring is not null; declaring = declaring.DeclaringType)
            id = declaring.Name + id;
        return id;
    }
}
