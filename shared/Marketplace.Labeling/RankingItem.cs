using System.Text.Json;

namespace Marketplace.Labeling;

/// <summary>A reward-model item: a prompt and the model answers to order, as JSON {"prompt": ..., "responses": [...]}.</summary>
public sealed record RankingItem(string Prompt, IReadOnlyList<string> Responses)
{
    public static RankingItem? TryParse(string content)
    {
        try
        {
            using var doc = JsonDocument.Parse(content);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("prompt", out var prompt) || prompt.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("responses", out var responses) || responses.ValueKind != JsonValueKind.Array)
                return null;
            var texts = responses.EnumerateArray().Select(r => r.ValueKind == JsonValueKind.String ? r.GetString() : null).ToList();
            return texts.Any(t => t is null) ? null : new RankingItem(prompt.GetString()!, texts!);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
