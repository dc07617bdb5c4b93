using Hangfire.Client;
using Hangfire.Server;
using Marketplace.ServiceDefaults.Messaging;

namespace Marketplace.ServiceDefaults.Jobs;

/// <summary>
/// A job continues the trace of the request or message that asked for it: the correlation id is a job parameter, set
/// when the job is created and put back while it runs (so the messages it writes carry it). A recurring run starts its own.
/// </summary>
internal sealed class JobCorrelationFilter : IClientFilter, IServerFilter
{
    private const string Parameter = "CorrelationId";

    public void OnCreating(CreatingContext context)
    {
        if (Correlation.Current is { } id) context.SetJobParameter(Parameter, id);
    }

    public void OnCreated(CreatedContext context) { }

    public void OnPerforming(PerformingContext context) =>
        Correlation.Current = context.GetJobParameter<Guid?>(Parameter) ?? Guid.CreateVersion7();

    public void OnPerformed(PerformedContext context) => Correlation.Current = null;
}
