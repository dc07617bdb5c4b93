namespace Marketplace.Contracts.Tasks;

public record ApprovedAssignmentRef(Guid AssignmentId, Guid OrderId, Guid WorkerId);
