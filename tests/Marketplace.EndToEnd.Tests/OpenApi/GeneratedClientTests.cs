using System.Net.Http.Headers;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;

namespace Marketplace.EndToEnd.Tests.OpenApi;

/// <summary>
/// What a client generator makes of each live document: NSwag writes a C# client and Roslyn must compile it without an
/// error. Then the gateway's and orders' generated clients are used as a person would: sign in with the documented body,
/// then call orders through the server the document names (the gateway prefix), with the token from the sign-in.
/// </summary>
[TestFixture]
public class GeneratedClientTests
{
    [TestCaseSource(typeof(OpenApiDocuments), nameof(OpenApiDocuments.Services))]
    public async Task A_generated_csharp_client_compiles(string service)
    {
        var assembly = await CompileClientAsync(service);
        Assert.That(assembly.GetExportedTypes().Any(t => t.Name == "Client"), service);
    }

    [Test]
    public async Task The_generated_clients_sign_in_and_read_the_fee_schedule_through_the_gateway()
    {
        var gateway = await CompileClientAsync("gateway");
        var orders = await CompileClientAsync("orders");
        using var http = Api.Anonymous();

        var signIn = Activator.CreateInstance(gateway.GetExportedTypes().Single(t => t.Name == "SignInRequest"))!;
        signIn.GetType().GetProperty("Email")!.SetValue(signIn, Cluster.OperatorEmail);
        signIn.GetType().GetProperty("Password")!.SetValue(signIn, Cluster.OperatorPassword);
        var token = await CallAsync(gateway, http, (m, p) => p.Length == 1 && p[0].ParameterType == signIn.GetType(), signIn);
        var accessToken = (string)token!.GetType().GetProperty("AccessToken")!.GetValue(token)!;
        Assert.That(token.GetType().GetProperty("Role")!.GetValue(token), Is.EqualTo("operator"));

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var fees = await CallAsync(orders, http, (m, p) => m.Name.Contains("Fees", StringComparison.Ordinal) && p.Length == 0
                                                            && m.ReturnType.ToString().Contains("FeeScheduleTerms", StringComparison.Ordinal));
        Assert.That(((System.Collections.IEnumerable)fees!).Cast<object>().Count(), Is.EqualTo(9), "one fee row per task type");
    }

    /// <summary>Calls the one generated client method that <paramref name="pick"/> selects and returns what its task yields.</summary>
    private static async Task<object?> CallAsync(Assembly assembly, HttpClient http, Func<MethodInfo, ParameterInfo[], bool> pick, params object[] arguments)
    {
        var clientType = assembly.GetExportedTypes().Single(t => t.Name == "Client");
        var client = Activator.CreateInstance(clientType, http)!;
        var method = clientType.GetMethods().Single(m => m.Name.EndsWith("Async", StringComparison.Ordinal) && pick(m, m.GetParameters()));
        var task = (Task)method.Invoke(client, arguments)!;
        await task;
        return task.GetType().GetProperty("Result")!.GetValue(task);
    }

    private static async Task<Assembly> CompileClientAsync(string service)
    {
        var document = await NSwag.OpenApiDocument.FromJsonAsync(await OpenApiDocuments.ReadAsync(service));
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "Client",
            GenerateClientInterfaces = false,
            // The document's server is relative (/api/<service>): the HttpClient's BaseAddress supplies the gateway.
            UseBaseUrl = true,
            OperationNameGenerator = new SingleClientFromPathSegmentsOperationNameGenerator(),
        };
        settings.CSharpGeneratorSettings.Namespace = $"Generated.{service}";
        settings.CSharpGeneratorSettings.JsonLibrary = NJsonSchema.CodeGeneration.CSharp.CSharpJsonLibrary.SystemTextJson;
        var code = new CSharpClientGenerator(document, settings).GenerateFile();

        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create($"Generated.{service}", [CSharpSyntaxTree.ParseText(code)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.That(errors, Is.Empty, $"the client generated from {OpenApiDocuments.PathOf(service)} does not compile");
        image.Position = 0;
        return new AssemblyLoadContext($"generated-{service}-{Guid.NewGuid():N}", isCollectible: true).LoadFromStream(image);
    }
}
