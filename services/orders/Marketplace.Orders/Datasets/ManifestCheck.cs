using System.Text.Json;
using Marketplace.Labeling;
using Marketplace.Labeling.Prelabels;
using Marketplace.ServiceDefaults.Content;

namespace Marketplace.Orders.Datasets;

/// <summary>The rules every manifest row must meet for its order's task template.</summary>
public sealed class ManifestCheck(TaskTemplate template, OrderFiles files)
{
    public const int MaxRows = 5_000_000;
    // Ids are remembered by a 64-bit digest, not as strings: a million ids cost ~20 MB instead of ~100 MB. Equal ids
    // always collide, so no duplicate is missed; two different ids sharing a digest (odds ~1e-8 at a million) would be
    // reported as a duplicate, never stored twice.
    private readonly HashSet<ulong> _ids = [];

    public long Rows => _ids.Count;

    /// <returns>null when the row is good, else what is wrong with it.</returns>
    public string? Check(ManifestRow row)
    {
        if (string.IsNullOrWhiteSpace(row.Id)) return "missing 'id'";
        if (row.Id.Length > 200) return "'id' is longer than 200 characters";
        if (!_ids.Add(Digest(row.Id))) return $"duplicate id '{row.Id}'";
        if (_ids.Count > MaxRows) return $"a manifest holds at most {MaxRows} items";
        if (row.Content is null && row.ContentUri is null) return "needs 'content' or 'contentUri'";
        if (row.Content is not null && row.ContentUri is not null) return "give 'content' or 'contentUri', not both";
        if (row.ContentUri is not null && !ItemRules.IsMediaReference(row.ContentUri)) return "'contentUri' must be an http://, https:// or content:// link";
        if (ItemRules.Check(template.TaskType, row.StoredContent) is { } problem) return problem;
        if (ContentUri.IsContentReference(row.StoredContent) && files.Check(template.TaskType, row.StoredContent) is { } missing)
            return $"'{(row.ContentUri is null ? "content" : "contentUri")}': {missing}";
        if (row.MetadataJson is not null && !IsJsonObject(row.MetadataJson)) return "'metadata' must be a JSON object";
        if (row.PredictionsJson is not null)
        {
            JsonElement predictions;
            try { predictions = JsonDocument.Parse(row.PredictionsJson).RootElement; }
            catch (JsonException) { return "'predictions' is not valid JSON"; }
            if (Prelabel.Read(template, row.StoredContent, predictions, out _) is { } wrong) return wrong;
        }
        if (row.GoldJson is not null)
        {
            JsonElement gold;
            try { gold = JsonDocument.Parse(row.GoldJson).RootElement; }
            catch (JsonException) { return "'gold' is not valid JSON"; }
            if (AnswerRules.Check(template, row.StoredContent, gold) is { } wrong) return $"'gold' does not fit the task template: {wrong}";
        }
        return null;
    }

    /// <summary>A checked row's predictions as stored: {"label", "modelVersion", "score"} (a bare answer becomes the label).</summary>
    public string? StoredPredictions(ManifestRow row)
    {
        if (row.PredictionsJson is null) return null;
        using var document = JsonDocument.Parse(row.PredictionsJson);
        if (Prelabel.Read(template, row.StoredContent, document.RootElement, out var prelabel) is { } wrong)
            throw new InvalidDataException($"Line {row.Line}: {wrong}"); // checked before import: the file changed meanwhile
        return prelabel!.ToJson();
    }

    private static ulong Digest(string id)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id), hash);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }

    private static bool IsJsonObject(string json)
    {
        try { return JsonDocument.Parse(json).RootElement.ValueKind == JsonValueKind.Object; }
        catch (JsonException) { return false; }
    }
}
