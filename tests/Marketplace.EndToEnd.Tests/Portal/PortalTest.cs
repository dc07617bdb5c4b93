using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Marketplace.EndToEnd.Tests.Portal;

/// <summary>
/// A real browser on the portal the gateway serves: Debian's Chromium (never a browser Playwright downloads), one browser
/// per fixture, a new context (fresh cookies and sessionStorage) per test. A failing test leaves a screenshot in
/// .data/test/screenshots/.
/// </summary>
public abstract class PortalTest
{
    public const string Password = "e2e-password-1";
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"];

    private IPlaywright playwright = null!;
    private IBrowser browser = null!;
    private IBrowserContext context = null!;
    protected IPage Page { get; private set; } = null!;
    protected List<string> ConsoleErrors { get; } = [];

    public static string Screenshots => Path.Combine(Cluster.Root, ".data/test/screenshots");

    /// <summary>
    /// The portal's language at the start of each test (it is Chinese unless the user switches). Most tests drive the
    /// English texts; the Chinese tests say so.
    /// </summary>
    protected virtual string Language => "en";
    protected bool English => Language == "en";

    [OneTimeSetUp]
    public async Task LaunchBrowserAsync()
    {
        Assertions.SetDefaultExpectTimeout(20_000);
        playwright = await Playwright.CreateAsync();
        // Launch (not a persistent context) gives every browser a fresh, temporary user-data dir.
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("MARKETPLACE_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    [OneTimeTearDown]
    public async Task CloseBrowserAsync()
    {
        await browser.CloseAsync();
        playwright.Dispose();
    }

    [SetUp]
    public Task OpenPageAsync() => NewContextAsync();

    /// <summary>As another device would: a new context has no cookies, sessionStorage or localStorage of the last one.</summary>
    protected async Task NewBrowserContextAsync()
    {
        await context.CloseAsync();
        await NewContextAsync();
    }

    private async Task NewContextAsync()
    {
        context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Cluster.Gateway.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "zh-CN",
            // Each browser is a client of its own, as each test's API client is (rate limits go by client address).
            ExtraHTTPHeaders = new Dictionary<string, string> { [Cluster.ForwardedFor] = Cluster.ClientAddress() },
        });
        context.SetDefaultTimeout(20_000);
        // Only when the user has not chosen: a test that switches the language keeps its choice across reloads.
        await context.AddInitScriptAsync($"if (!localStorage.getItem('mp.lang')) localStorage.setItem('mp.lang', '{Language}');");
        Page = await context.NewPageAsync();
        ConsoleErrors.Clear();
        Page.Console += (_, message) => { if (message.Type == "error") lock (ConsoleErrors) ConsoleErrors.Add(message.Text); };
        Page.PageError += (_, error) => { lock (ConsoleErrors) ConsoleErrors.Add(error); };
    }

    [TearDown]
    public async Task ClosePageAsync()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            Directory.CreateDirectory(Screenshots);
            var file = Path.Combine(Screenshots, $"{GetType().Name}.{TestContext.CurrentContext.Test.Name}.failed.png");
            try
            {
                await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
                TestContext.Out.WriteLine($"screenshot: {file}\nURL: {Page.Url}\nconsole errors: {string.Join("\n", ConsoleErrors)}");
            }
            catch (PlaywrightException e) { TestContext.Out.WriteLine($"no screenshot: {e.Message}"); }
        }
        await context.CloseAsync();
    }

    /// <summary>
    /// The console less the browser's own line for each 4xx answer a page expects and shows (a refusal, "none set yet"):
    /// Chromium logs every one of them.
    /// </summary>
    protected List<string> ConsoleErrorsBesidesClientErrors()
    {
        lock (ConsoleErrors)
            return ConsoleErrors.Where(e => !System.Text.RegularExpressions.Regex.IsMatch(e, "^Failed to load resource: the server responded with a status of 4\\d\\d")).ToList();
    }

    /// <summary>Clicks the confirmation dialog's OK (Element Plus message box), in either language, and waits until the
    /// dialog and its mask have faded (a click meanwhile would land on the mask).</summary>
    protected async Task ConfirmAsync()
    {
        await Page.Locator(".el-message-box").GetByRole(AriaRole.Button, new() { Name = English ? "OK" : "确定" }).ClickAsync();
        await Assertions.Expect(Page.Locator(".el-overlay.is-message-box:visible")).ToHaveCountAsync(0);
    }

    /// <summary>A toast (Element Plus message) with this text.</summary>
    protected ILocator Toast(string text) => Page.Locator(".el-message", new() { HasText = text });

    /// <summary>Picks an option of an Element Plus select found by its label.</summary>
    protected Task ChooseAsync(ILocator select, string option) =>
        // The select's input sits under Element Plus's wrapper, which takes the click and opens the list (forced: the
        // wrapper covers it). The option must end chosen (is-selected) or its list closed on it.
        ClickUntilTakenAsync(() => select.ClickAsync(new() { Force = true }), Page.Locator(".el-select-dropdown__item:visible", new() { HasText = option }).First,
            "e => !e.isConnected || e.classList.contains('is-selected') || e.offsetParent === null", $"choosing '{option}'");

    /// <summary>Picks an item of an Element Plus dropdown menu, opening it from <paramref name="trigger"/>: the menu closes
    /// once the item takes the click.</summary>
    protected Task PickFromMenuAsync(ILocator trigger, string text) =>
        ClickUntilTakenAsync(() => trigger.ClickAsync(), Page.Locator(".el-dropdown-menu__item:visible", new() { HasText = text }).First,
            "e => { const menu = e.closest('.el-popper'); return !e.isConnected || e.offsetParent === null || !menu || getComputedStyle(menu).display === 'none'; }",
            $"picking '{text}'");

    /// <summary>
    /// Clicks an item of an Element Plus popup (opening it first when it is not showing) until <paramref name="taken"/>
    /// holds of it, at most three times. A click can be lost: seen in CI on a select just after a message box closed (the
    /// list stayed open with nothing chosen), and on the organisation switcher (the menu stayed open, its item hovered).
    /// </summary>
    private static async Task ClickUntilTakenAsync(Func<Task> open, ILocator item, string taken, string what)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (!await item.IsVisibleAsync()) await open();
            var clicked = await item.ElementHandleAsync();
            await clicked.ClickAsync();
            var deadline = DateTime.UtcNow.AddSeconds(3);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    if (await clicked.EvaluateAsync<bool>(taken)) return;
                }
                catch (PlaywrightException) { return; } // the page it was on is gone: the click took it elsewhere
                await Task.Delay(100);
            }
            if (attempt == 3) Assert.Fail($"{what} did not take after {attempt} clicks");
        }
    }

    /// <summary>Saves a full-page screenshot for people to look at (not compared to anything).</summary>
    protected async Task SnapAsync(string name)
    {
        Directory.CreateDirectory(Screenshots);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }

    /// <summary>Signs in through the sign-in form, as a person would, and waits for the start page of the role.</summary>
    protected async Task SignInAsync(Actor actor, string password = Password)
    {
        await Page.GotoAsync("/#/signin");
        await Page.GetByLabel(English ? "E-mail" : "电子邮箱").FillAsync(actor.Email);
        await Page.GetByLabel(English ? "Password" : "密码").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = English ? "Sign in" : "登录", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Button, new() { Name = English ? "Sign out" : "退出" })).ToBeVisibleAsync();
    }

    /// <summary>The worker starts labeling an order from the available-work page, as a person would.</summary>
    protected async Task StartOrderAsync(Guid orderId)
    {
        await Page.GotoAsync("/#/work");
        var card = Page.Locator($"article.work[data-order-id='{orderId}']");
        await card.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(Page.Locator("#lease-countdown")).ToBeVisibleAsync();
    }

    /// <summary>An order whose items are uploaded images (content://), published and split: workers see them through signed links.</summary>
    protected static Task<Guid> ImageOrderAsync(Actor enterprise, string taskType, string[] labels, int images, object? settings = null, int width = 480, int height = 320) =>
        MediaOrderAsync(enterprise, taskType, labels, images, i => TestImages.Png(width, height, i), "png", settings);

    /// <summary>An order whose items are uploaded files made by <paramref name="file"/> (content://), published and split.</summary>
    protected static async Task<Guid> MediaOrderAsync(Actor enterprise, string taskType, string[] labels, int count, Func<int, byte[]> file, string extension, object? settings = null)
    {
        var images = count;
        await Scenario.DepositAsync(enterprise, 50.00m);
        var extra = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(settings ?? new { }, new JsonSerializerOptions(JsonSerializerDefaults.Web)))!.AsObject();
        extra["taskType"] = taskType;
        extra["labels"] = new System.Text.Json.Nodes.JsonArray(labels.Select(l => (System.Text.Json.Nodes.JsonNode)l!).ToArray());
        extra["title"] = $"{taskType} 港口船只 media";
        var orderId = await DatasetUploadTests.DraftWithoutItems(enterprise, extra);
        var lines = new StringBuilder();
        for (var i = 1; i <= images; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/orders/orders/{orderId}/files/photos/harbour-{i}.{extension}")
            {
                Content = new ByteArrayContent(file(i)),
            };
            request.Content.Headers.ContentType = new("application/octet-stream");
            await Api.ReadAsync(await enterprise.Http.SendAsync(request), HttpStatusCode.Created);
            lines.Append(JsonSerializer.Serialize(new { id = $"photo-{i}", contentUri = $"content://{orderId}/photos/harbour-{i}.{extension}" })).Append('\n');
        }
        var manifest = await DatasetUploadTests.UploadAsync(enterprise, orderId, "jsonl", lines.ToString());
        Assert.That(manifest.GetProperty("status").GetString(), Is.EqualTo("imported"), manifest.ToString());
        await Api.ReadAsync(await enterprise.PostAsync($"/api/orders/orders/{orderId}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(enterprise, orderId, "in_progress");
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(enterprise, orderId) == images, $"tasks split order {orderId}");
        return orderId;
    }

    /// <summary>A published, split order with inline items of any task type.</summary>
    protected static async Task<Guid> InlineOrderAsync(Actor enterprise, object settings, int items)
    {
        await Scenario.DepositAsync(enterprise, 50.00m);
        return await Scenario.PublishedOrderWithAsync(enterprise, settings, items, unitPrice: 1.00m);
    }

    /// <summary>The order's assignments as the enterprise sees them through the API.</summary>
    protected static async Task<List<JsonElement>> AssignmentsAsync(Actor enterprise, Guid orderId) =>
        (await enterprise.GetAsync($"/api/tasks/orders/{orderId}/assignments")).EnumerateArray().ToList();
}

/// <summary>Real PNG images made here (no files to ship): a gradient with a darker rectangle, different per seed.</summary>
public static class TestImages
{
    public static byte[] Png(int width, int height, int seed)
    {
        var raw = new byte[height * (1 + width * 3)];
        for (var y = 0; y < height; y++)
        {
            var row = y * (1 + width * 3);
            raw[row] = 0; // filter: none
            for (var x = 0; x < width; x++)
            {
                var inside = x > width / 4 && x < width * 3 / 4 && y > height / 5 && y < height * 3 / 5;
                raw[row + 1 + x * 3] = (byte)(inside ? 40 : 120 + x * 100 / width);
                raw[row + 2 + x * 3] = (byte)(inside ? 60 : 160 + y * 60 / height);
                raw[row + 3 + x * 3] = (byte)((seed * 47 + 200) % 256);
            }
        }
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) zlib.Write(raw);
        return [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A,
            .. Chunk("IHDR", [.. BigEndian((uint)width), .. BigEndian((uint)height), 8, 2, 0, 0, 0]),
            .. Chunk("IDAT", compressed.ToArray()),
            .. Chunk("IEND", [])];
    }

    /// <summary>A real WAV: a fifth of a second of a tone, 8 kHz mono 16-bit PCM.</summary>
    public static byte[] Wav(int seed)
    {
        const int rate = 8000, samples = 1600;
        var data = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
            BitConverter.TryWriteBytes(data.AsSpan(i * 2), (short)(8000 * Math.Sin(2 * Math.PI * (300 + 40 * seed) * i / rate)));
        return [.. "RIFF"u8, .. BitConverter.GetBytes(36 + data.Length), .. "WAVE"u8,
            .. "fmt "u8, .. BitConverter.GetBytes(16), 1, 0, 1, 0, .. BitConverter.GetBytes(rate), .. BitConverter.GetBytes(rate * 2), 2, 0, 16, 0,
            .. "data"u8, .. BitConverter.GetBytes(data.Length), .. data];
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        var crc = 0xFFFFFFFFu;
        foreach (var b in typed)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return [.. BigEndian((uint)data.Length), .. typed, .. BigEndian(~crc)];
    }

    private static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
