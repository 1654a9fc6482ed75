// The floor the ingestion endpoint is compared with: the same route, the same body read in full,
// the same 202 with a small JSON answer, and nothing else (no auth, no parsing, no storage).
// Whatever the product costs on top of this is what the benchmark's ratios show.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var app = builder.Build();
var accepted = """{"success":true}"""u8.ToArray();

app.MapPost("/api/v1/traces", async (HttpContext context) =>
{
    // Read the whole body like the real endpoint must, so large batches cost the baseline their transfer too.
    var reader = context.Request.BodyReader;
    while (true)
    {
        var result = await reader.ReadAsync(context.RequestAborted);
        reader.AdvanceTo(result.Buffer.End);
        if (result.IsCompleted)
        {
            break;
        }
    }

    context.Response.StatusCode = StatusCodes.Status202Accepted;
    context.Response.ContentType = "application/json";
    context.Response.ContentLength = accepted.Length;
    await context.Response.Body.WriteAsync(accepted, context.RequestAborted);
});

// The floor for the dashboard's pages (traces-page scenario): a GET answered with as many bytes of HTML as the page
// measured, built once per size, so what remains is Kestrel, HTTP and the transfer.
var pages = new System.Collections.Concurrent.ConcurrentDictionary<int, byte[]>();
app.MapGet("/page", (int bytes) =>
    Results.Bytes(pages.GetOrAdd(Math.Clamp(bytes, 0, 10_000_000), n => System.Text.Encoding.ASCII.GetBytes(new string('x', n))), "text/html; charset=utf-8"));

// Readiness, so the benchmark script can wait for it the same way it waits for the app.
app.MapGet("/readyz", () => Results.Text("ok"));

app.Run();
