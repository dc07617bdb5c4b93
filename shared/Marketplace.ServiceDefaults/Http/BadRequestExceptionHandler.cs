using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>
/// Malformed JSON, wrong types and unparsable route or query values are the caller's mistake:
/// answer 400 with a ProblemDetails naming what could not be read, never a 500.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var json = FindJsonException(bad);
        var details = new ProblemDetails
        {
            Status = bad.StatusCode,
            Title = "Malformed request",
            Detail = json is not null ? $"{bad.Message} {json.Message}" : bad.Message,
            Extensions = { [ProblemCodes.Extension] = bad.StatusCode == StatusCodes.Status400BadRequest ? "request.malformed" : ProblemCodes.ForStatus(bad.StatusCode) },
        };
        if (json?.Path is { } path)
        {
            var field = path.TrimStart('$', '.');
            details.Extensions["errors"] = new Dictionary<string, string[]> { [field.Length == 0 ? "body" : field] = [json.Message] };
            details.Extensions[ProblemCodes.FieldCodes] = new Dictionary<string, string[]> { [field.Length == 0 ? "body" : field] = ["validation.type"] };
        }
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details });
    }

    private static JsonException? FindJsonException(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is JsonException json) return json;
        return null;
    }
}
