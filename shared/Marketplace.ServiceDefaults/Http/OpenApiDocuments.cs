using Marketplace.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>
/// Each service's /openapi/v1.json as a client generator needs it: one schema name per type, the bearer scheme and each
/// operation's roles read from the endpoint's own authorization metadata (so the document cannot drift from what the
/// service enforces), the answers every endpoint can give (400 for a bad parameter or body, 401/403 when secured), and
/// the gateway's prefix as the server, since users reach a service only through the gateway.
/// </summary>
public static class OpenApiDocuments
{
    public const string BearerScheme = "Bearer";

    public static IServiceCollection AddOpenApiDocuments(this IServiceCollection services, string serviceName) =>
        services.AddOpenApi(options =>
        {
            options.CreateSchemaReferenceId = SchemaNames.For(options.DocumentName);
            options.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document, serviceName);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(DescribeAnswersAsync);
            // Money is decimal: a generator should not make it a double.
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if ((Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type) == typeof(decimal))
                    schema.Format = "decimal";
                return Task.CompletedTask;
            });
        });

    /// <summary>Marks a money endpoint: the document then asks for the Idempotency-Key header and lists the 422 of a reused key.</summary>
    public static RouteHandlerBuilder WithIdempotencyKey(this RouteHandlerBuilder builder) =>
        builder.WithHeader(Idempotency.Header, required: true,
                "1-200 characters; the same key with the same body replays the first answer, with another body answers 422.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>A header the handler reads itself (so it is no parameter the document would see).</summary>
    public static RouteHandlerBuilder WithHeader(this RouteHandlerBuilder builder, string name, bool required, string description) =>
        builder.WithMetadata(new HeaderParameter(name, required, description));

    /// <summary>
    /// A body the handler reads as a stream in whatever Content-Type it comes (Accepts() would make routing answer 415 to
    /// other types, so the body is described here instead).
    /// </summary>
    public static RouteHandlerBuilder WithRawBody(this RouteHandlerBuilder builder, string description) =>
        builder.WithMetadata(new RawBody(description));

    /// <summary>The 200 answer may also be CSV (format=csv or Accept: text/csv).</summary>
    public static RouteHandlerBuilder ProducesCsv(this RouteHandlerBuilder builder) => builder.WithMetadata(new CsvToo());

    /// <summary>The 200 answer is one of several shapes (chosen by a route value), documented as a oneOf.</summary>
    public static RouteHandlerBuilder ProducesOneOf(this RouteHandlerBuilder builder, params Type[] shapes) =>
        builder.WithMetadata(new OneOf(shapes));

    private sealed record HeaderParameter(string Name, bool Required, string Description);

    private sealed record RawBody(string Description);

    private sealed record CsvToo;

    private sealed record OneOf(Type[] Shapes);

    private static void Describe(OpenApiDocument document, string serviceName)
    {
        var gateway = serviceName == "gateway";
        document.Info.Title = gateway ? "Marketplace gateway: accounts and the portal" : $"Marketplace {serviceName}";
        document.Info.Description = gateway
            ? "Sign in at `POST /api/auth/token` and send the `accessToken` as `Authorization: Bearer <token>` to every service. "
              + "The gateway forwards `/api/<service>/<path>` to that service as `/<path>`."
            : $"Reached through the gateway: every path below is served at `/api/{serviceName}<path>`, which is the server "
              + "named here. Send `Authorization: Bearer <token>` from the gateway's `POST /api/auth/token`.";
        // A relative server resolves against the host the document was read from: the gateway.
        document.Servers = [new OpenApiServer { Url = gateway ? "/" : $"/api/{serviceName}", Description = "through the gateway" }];
        EnsureBearerScheme(document);
    }

    private static void EnsureBearerScheme(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes.TryAdd(BearerScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The accessToken from the gateway's POST /api/auth/token (HMAC-SHA256 JWT). An operation's roles are "
                          + "listed in its security requirement; an empty list means any signed-in caller.",
        });
    }

    private static async Task DescribeAnswersAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= new OpenApiResponses();
        foreach (var header in metadata.OfType<HeaderParameter>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = ParameterLocation.Header,
                Required = header.Required,
                Description = header.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
        if (metadata.OfType<RawBody>().FirstOrDefault() is { } raw)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = raw.Description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/octet-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                },
            };
        }
        if (metadata.OfType<OneOf>().FirstOrDefault() is { } oneOf)
        {
            var shapes = new List<IOpenApiSchema>();
            foreach (var shape in oneOf.Shapes) shapes.Add(await ReferenceAsync(context, shape, ct));
            operation.Responses["200"] = new OpenApiResponse
            {
                Description = "OK",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchema { OneOf = shapes } } },
            };
        }
        if (metadata.OfType<CsvToo>().Any() && operation.Responses.TryGetValue("200", out var ok) && ok is OpenApiResponse okResponse)
        {
            okResponse.Content ??= new Dictionary<string, OpenApiMediaType>();
            okResponse.Content["text/csv"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        }
        // Route and query values that do not bind, and unreadable bodies, answer 400 (BadRequestExceptionHandler).
        if (operation.Parameters is { Count: > 0 } || operation.RequestBody is not null)
            await AddProblemAsync(operation, context, StatusCodes.Status400BadRequest, "The request is malformed or invalid; the problem names the field.", ct);

        var roles = await RolesAsync(metadata, context.ApplicationServices);
        if (roles is null) return; // anonymous: no security requirement at all

        EnsureBearerScheme(context.Document!);
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [.. roles] }];
        var who = roles.Count == 0 ? "any signed-in caller" : $"role {string.Join(" or ", roles)}";
        operation.Description = string.IsNullOrEmpty(operation.Description) ? $"Requires {who}." : $"{operation.Description}\n\nRequires {who}.";
        await AddProblemAsync(operation, context, StatusCodes.Status401Unauthorized, "No valid bearer token.", ct);
        if (roles.Count > 0)
            await AddProblemAsync(operation, context, StatusCodes.Status403Forbidden, $"The caller's role is not {string.Join(" or ", roles)}.", ct);
    }

    /// <summary>
    /// The roles the authorization middleware will demand: null when the endpoint allows anonymous callers, empty when any
    /// signed-in caller will do (no policy of its own: the fallback policy). Roles are policies named after them
    /// (AuthExtensions), so the policy provider resolves names such as "worker-or-operator" to their roles.
    /// </summary>
    private static async Task<IReadOnlyList<string>?> RolesAsync(IList<object> metadata, IServiceProvider services)
    {
        if (metadata.OfType<IAllowAnonymous>().Any()) return null;
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = await AuthorizationPolicy.CombineAsync(provider, metadata.OfType<IAuthorizeData>(), metadata.OfType<AuthorizationPolicy>())
                     ?? await provider.GetFallbackPolicyAsync();
        IEnumerable<string>? roles = null;
        foreach (var requirement in policy?.Requirements.OfType<RolesAuthorizationRequirement>() ?? [])
            roles = roles is null ? requirement.AllowedRoles : roles.Intersect(requirement.AllowedRoles);
        return (roles ?? []).OrderBy(r => Roles.All.ToList().IndexOf(r)).ToList();
    }

    /// <summary>A reference to <paramref name="type"/>'s schema in the document's components, added there if missing.</summary>
    private static async Task<IOpenApiSchema> ReferenceAsync(OpenApiOperationTransformerContext context, Type type, CancellationToken ct)
    {
        var document = context.Document!;
        var id = SchemaNames.Of(type);
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(id))
            document.Components.Schemas[id] = await context.GetOrCreateSchemaAsync(type, null, ct);
        return new OpenApiSchemaReference(id, document);
    }

    private static async Task AddProblemAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status,
        string description, CancellationToken ct)
    {
        var key = status.ToString();
        if (operation.Responses!.ContainsKey(key)) return;
        var document = context.Document!;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = await ReferenceAsync(context, typeof(ProblemDetails), ct) },
            },
        };
    }
}
