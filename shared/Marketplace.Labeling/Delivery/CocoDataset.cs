using System.Text.Json;

namespace Marketplace.Labeling.Delivery;

/// <summary>
/// COCO object-detection JSON ({info, licenses, categories, images, annotations}) for bounding-box orders. Categories are
/// the order's labels numbered from 1 in label-set order; images are numbered from 1 in delivery order; a box's bbox is
/// [x, y, width, height] in pixels of the image, from the fractions workers drew. Written piece by piece so an export of
/// any size streams.
/// </summary>
public static class CocoDataset
{
    /// <summary>[x, y, width, height] in pixels from fractions of an image of <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static double[] Bbox(double x, double y, double w, double h, int width, int height) =>
        [Math.Round(x * width, 4), Math.Round(y * height, 4), Math.Round(w * width, 4), Math.Round(h * height, 4)];

    public static void WriteCategories(Utf8JsonWriter w, IReadOnlyList<string> labels)
    {
        w.WriteStartArray("categories");
        for (var i = 0; i < labels.Count; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("id", i + 1);
            w.WriteString("name", labels[i]);
            w.WriteString("supercategory", "");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static void WriteImage(Utf8JsonWriter w, long imageId, string itemId, string content, int width, int height)
    {
        w.WriteStartObject();
        w.WriteNumber("id", imageId);
        w.WriteString("file_name", content);
        if (content.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || content.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            w.WriteString("coco_url", content);
        w.WriteNumber("width", width);
        w.WriteNumber("height", height);
        w.WriteString("item_id", itemId);
        w.WriteEndObject();
    }

    /// <summary>One annotation per box of the combined label; <paramref name="nextId"/> numbers them across the file.</summary>
    public static void WriteAnnotations(Utf8JsonWriter w, ref long nextId, long imageId, JsonElement label, IReadOnlyList<string> labels,
        int width, int height)
    {
        foreach (var box in label.EnumerateArray())
        {
            var category = IndexOf(labels, box.GetProperty("label").GetString()!) + 1;
            if (category == 0) continue;
            var bbox = Bbox(box.GetProperty("x").GetDouble(), box.GetProperty("y").GetDouble(), box.GetProperty("width").GetDouble(),
                box.GetProperty("height").GetDouble(), width, height);
            w.WriteStartObject();
            w.WriteNumber("id", nextId++);
            w.WriteNumber("image_id", imageId);
            w.WriteNumber("category_id", category);
            w.WriteStartArray("bbox");
            foreach (var v in bbox) w.WriteNumberValue(v);
            w.WriteEndArray();
            w.WriteNumber("area", Math.Round(bbox[2] * bbox[3], 4));
            w.WriteNumber("iscrowd", 0);
            if (box.TryGetProperty("support", out var support)) w.WriteNumber("score", support.GetDouble());
            w.WriteEndObject();
        }
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (var i = 0; i < labels.Count; i++) if (labels[i] == label) return i;
        return -1;
    }
}
