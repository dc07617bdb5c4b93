using Marketplace.Bidding;
using Marketplace.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("bidding", typeof(Program).Assembly);
builder.AddBidding();

var app = builder.Build();
app.MapServiceDefaults();
app.MapBidding();
app.Run();

public partial class Program;
