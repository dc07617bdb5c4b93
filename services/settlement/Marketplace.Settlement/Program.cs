using Marketplace.ServiceDefaults;
using Marketplace.Settlement;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("settlement", typeof(Program).Assembly);
builder.AddSettlement();

var app = builder.Build();
app.MapServiceDefaults();
app.MapSettlement();
app.Run();

public partial class Program;
