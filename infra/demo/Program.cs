// Seeds a marketplace through the public HTTP API (the same calls a person makes in the portal): the crowd market
// (two enterprises, two vendors, four workers, an order in each crowd state) and the contracted market (tenders, sealed
// bids, awards, work by vendor teams, the crowd and a sub-vendor, vendor receivables, a withdrawal, an open dispute and
// an open call), and a model-assisted order (the built-in model learning from gold mails). Running it again changes nothing.
var gateway = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:5080");
var operatorEmail = Environment.GetEnvironmentVariable("DEMO_OPERATOR_EMAIL") ?? throw new InvalidOperationException("DEMO_OPERATOR_EMAIL is not set");
var operatorPassword = Environment.GetEnvironmentVariable("DEMO_OPERATOR_PASSWORD") ?? throw new InvalidOperationException("DEMO_OPERATOR_PASSWORD is not set");

var op = await Demo.SignIn(gateway, operatorEmail, operatorPassword);
var retail = await Demo.Account(gateway, "enterprise", "li.na@hz-smartretail.example", "Li Na", "Hangzhou Smart Retail Co.");
var autodrive = await Demo.Account(gateway, "enterprise", "zhao.lei@cd-autodrive.example", "Zhao Lei", "Chengdu AutoDrive Technology");
await Demo.Account(gateway, "vendor", "wang.fang@gy-datalabel.example", "Wang Fang", "Guiyang DataLabel Services");
await Demo.Account(gateway, "vendor", "chen.jie@hf-annotation.example", "Chen Jie", "Hefei Annotation Works");
var workers = new List<HttpClient>();
foreach (var (email, name, idNumber) in new[]
         {
             ("liu.yang@workers.example", "Liu Yang", "110105199003071234"), ("zhang.min@workers.example", "Zhang Min", "310104199208155678"),
             ("huang.tao@workers.example", "Huang Tao", "440106198811230012"), ("zhou.xin@workers.example", "Zhou Xin", "510107199502284321"),
         })
{
    var worker = await Demo.Account(gateway, "worker", email, name, null);
    await Demo.Verify(op, worker, name, idNumber);
    workers.Add(worker);
}
var market = await ContractedMarket.AccountsAsync(gateway, op);

// The last thing seeded is the contracted market's open call and its sealed bid: if it is there, an earlier run
// finished (a run cut short seeds again).
if (await ContractedMarket.SeededAsync(market))
{
    Console.WriteLine("demo: the crowd and contracted markets were seeded by an earlier run");
}
else
{
    if (await CrowdMarket.SeededAsync(autodrive))
        Console.WriteLine("demo: the crowd market was seeded by an earlier run; seeding the contracted market");
    else
        await CrowdMarket.SeedAsync(op, retail, autodrive, workers);

    // Liu Yang and Zhang Min are also the crowd that labels part of an important-grade order (cleared for it first).
    await ContractedMarket.SeedAsync(market, crowd: workers.Take(2).ToList());
}
// Seeded once by its title, so a marketplace seeded before it existed gets it too.
await ModelAssistedOrder.SeedAsync(retail, workers);
Console.WriteLine($"demo: done; open the portal and sign in as any demo account (password: {Demo.Password})");
