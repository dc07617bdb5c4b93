namespace Marketplace.Contracts.Orders;

/// <summary>An item handed to tasks inline; Prelabel, when a model suggested an answer: {label, modelVersion, score}.</summary>
public record OrderItem(string ItemId, string Content, System.Text.Json.JsonElement? Prelabel = null);
