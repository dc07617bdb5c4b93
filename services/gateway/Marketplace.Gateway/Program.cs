using Marketplace.Gateway;
using Marketplace.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("gateway", typeof(Program).Assembly);
builder.AddGateway();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGateway();
app.Run();

public partial class Program;
