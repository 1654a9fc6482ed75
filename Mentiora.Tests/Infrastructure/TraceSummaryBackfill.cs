using Mentiora.Web.Storage;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// Gives every stored span's trace its trace_summaries row if it has none yet, with the statement
/// the schema script fills the table with for spans stored before it existed. Once the trace
/// writer keeps summaries itself it finds nothing to add; until then it lets tests of what reads
/// summaries (retention) start from spans sent through the API.
/// </summary>
public static class TraceSummaryBackfill
{
    /// <summary>Adds the missing summaries; existing ones are left as they are.</summary>
    public static async Task RunAsync(TestStorage storage)
    {
        var script = DatabaseSchema.Scripts(storage.Mode).Single(s => s.Name.EndsWith("_trace_summaries.sql", StringComparison.Ordinal)).Sql;
        var insert = script[script.IndexOf("INSERT INTO trace_summaries", StringComparison.Ordinal)..].TrimEnd().TrimEnd(';');
        var sql = storage.Mode == StorageMode.Postgres
            ? insert + " ON CONFLICT (project_id, trace_id) DO NOTHING"
            : "INSERT OR IGNORE" + insert["INSERT".Length..];
        await using var connection = await storage.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
