using System.Net;

namespace Marketplace.EndToEnd.Tests;

/// <summary>
/// A fixture that sets the payouts fake bank's mode. The mode is the cluster's, so each such fixture is marked NonParallelizable;
/// after each test the bank works again.
/// </summary>
public abstract class FakeBankFixture
{
    protected Actor Operator { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task SignInTheOperator() => Operator = await Api.OperatorAsync();

    [TearDown]
    public async Task BankWorksAgain() => await SetMode("succeed");

    protected async Task SetMode(string mode) =>
        await Api.ReadAsync(await Api.Send(Operator.Http, HttpMethod.Put, "/api/payouts/fake-bank/mode", new { mode }), HttpStatusCode.OK);
}
