using Marketplace.ServiceDefaults.Content;

namespace Marketplace.Tasks.Domain;

/// <summary>Signed links to delivery exports (/api/tasks/exports/{order}/{file}): content links with a key and path of their own.</summary>
public sealed record ExportLinks(ContentLinks Links);
