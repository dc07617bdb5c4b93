namespace Marketplace.Contracts.Orders;

public record RubricCriterion(string Name, int Min, int Max);
