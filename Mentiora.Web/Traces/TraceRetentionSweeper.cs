using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Mentiora.Grains.Projects;
using Mentiora.Web.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Mentiora.Web.Traces;

/// <summary>
/// Removes the traces each project no longer keeps (those that started longer ago than its Keep
/// traces for), in the background, a batch of whole traces at a time; on PostgreSQL it also makes
/// the next days' partitions of <c>traces</c> ahead and drops the days every project has passed.
/// </summary>
/// <remarks>
/// A batch takes trace ids from <c>trace_summaries</c> (its newest-first index), deletes their
/// summaries and then their spans by (project_id, trace_id), the unique index's prefix, in one
/// short transaction. Summaries go first: a span of such a trace arriving meanwhile waits for the
/// summary row and then gets a summary of its own, so no span is left without one. The trace
/// writer keeps running throughout: no lock is held past a batch, and a pause follows each one.
/// </remarks>
public sealed class TraceRetentionSweeper(
    DbDataSource dataSource,
    StorageSettings storage,
    IGrainFactory grains,
    TimeProvider clock,
    IOptions<TraceRetentionOptions> options,
    ILogger<TraceRetentionSweeper> logger) : BackgroundService
{
    /// <summary>The PostgreSQL advisory lock a sweeping silo holds, so only one sweeps at a time; any constant every silo shares works.</summary>
    public const long SweepLockKey = 0x6d656e7472657465;

    /// <summary>Days of partitions made ahead of today.</summary>
    public const int PartitionDaysAhead = 7;

    // A partition change waits this long at most for the table, then is tried again next sweep, so
    // ingestion never queues behind it for longer.
    private const string PartitionLockTimeout = "SET LOCAL lock_timeout = '2s'";

    private readonly TraceRetentionOptions _options = options.Value;
    private readonly SemaphoreSlim _oneSweep = new(1, 1);

    private bool Postgres => storage.Mode == StorageMode.Postgres;

    /// <summary>Runs one sweep now: every project's old traces, then (PostgreSQL) the partitions.</summary>
    public async Task<TraceSweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        await _oneSweep.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            if (Postgres && !await ScalarAsync<bool>(connection, null, $"SELECT pg_try_advisory_lock({SweepLockKey})", cancellationToken))
            {
                logger.LogDebug("Trace retention: another silo is sweeping; this one skips its turn");
                return TraceSweepResult.Skipped;
            }

            try
            {
                return await SweepLockedAsync(connection, cancellationToken);
            }
            finally
            {
                if (Postgres)
                {
                    await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({SweepLockKey})", CancellationToken.None);
                }
            }
        }
        finally
        {
            _oneSweep.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.SweepMinutes <= 0)
        {
            logger.LogInformation("Trace retention is off (Traces:Retention:SweepMinutes is 0): no trace is removed");
            return;
        }

        var interval = TimeSpan.FromMinutes(_options.SweepMinutes);
        var first = interval < TraceRetentionOptions.FirstSweepDelay ? interval : TraceRetentionOptions.FirstSweepDelay;
        try
        {
            await Task.Delay(first, clock, stoppingToken);
            using var timer = new PeriodicTimer(interval, clock);
            do
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database may be away for a while; the next sweep tries again.
                    logger.LogWarning(e, "Trace retention: the sweep failed; trying again in {Minutes} minutes", _options.SweepMinutes);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<TraceSweepResult> SweepLockedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var projects = await ProjectsWithTracesAsync(connection, cancellationToken);
        var longestDays = 0;
        long traces = 0, spans = 0;
        foreach (var projectId in projects)
        {
            var days = await grains.GetGrain<ITraceRetentionGrain>(projectId).GetTraceRetentionDays();
            longestDays = Math.Max(longestDays, days);
            var cutoff = clock.GetUtcNow() - TimeSpan.FromDays(days);
            var (removedTraces, removedSpans) = await RemoveOlderThanAsync(connection, projectId, cutoff, cancellationToken);
            traces += removedTraces;
            spans += removedSpans;
            logger.Log(removedTraces > 0 ? LogLevel.Information : LogLevel.Debug,
                "Trace retention: project {ProjectId} keeps {Days} days; removed {Traces} traces ({Spans} spans) that started before {Cutoff:O}",
                projectId, days, removedTraces, removedSpans, cutoff);
        }

        var (created, dropped) = Postgres
            // With no project holding traces, nothing may be older than the longest choice.
            ? await MaintainPartitionsAsync(connection, projects.Count > 0 ? longestDays : TraceRetention.LongestDays, cancellationToken)
            : (0, 0);
        return new TraceSweepResult(true, projects.Count, traces, spans, created, dropped);
    }

    // A loose index scan over trace_summaries' primary key: one index probe per project, however many traces each has
    // (ORDER BY ... LIMIT 1 rather than min(), which PostgreSQL does not define for uuid).
    private async Task<List<Guid>> ProjectsWithTracesAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        const string sql =
            "WITH RECURSIVE projects (id) AS (" +
            "SELECT (SELECT project_id FROM trace_summaries ORDER BY project_id LIMIT 1) " +
            "UNION ALL SELECT (SELECT t.project_id FROM trace_summaries t WHERE t.project_id > projects.id ORDER BY t.project_id LIMIT 1) " +
            "FROM projects WHERE projects.id IS NOT NULL) " +
            "SELECT id FROM projects WHERE id IS NOT NULL";
        await using var command = Command(connection, null, sql);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(Uuid(reader.GetValue(0)));
        }

        return ids;
    }

    private async Task<(long Traces, long Spans)> RemoveOlderThanAsync(DbConnection connection, Guid projectId, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        long traces = 0, spans = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var batch = await OldestTracesAsync(connection, transaction, projectId, cutoff, cancellationToken);
            if (batch.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                break;
            }

            var ids = batch.Select(t => t.TraceId).ToArray();
            traces += await DeleteSummariesAsync(connection, transaction, projectId, ids, cancellationToken);
            spans += await DeleteSpansAsync(connection, transaction, projectId, ids, batch.Min(t => t.Start), batch.Max(t => t.End), cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            if (batch.Count < _options.BatchSize)
            {
                break;
            }

            await Task.Delay(TraceRetentionOptions.PauseBetweenBatches, cancellationToken);
        }

        return (traces, spans);
    }

    private async Task<List<(Guid TraceId, DateTimeOffset Start, DateTimeOffset End)>> OldestTracesAsync(
        DbConnection connection, DbTransaction transaction, Guid projectId, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction,
            "SELECT trace_id, start_time, end_time FROM trace_summaries WHERE project_id = @project AND start_time < @cutoff " +
            "ORDER BY start_time, trace_id LIMIT @limit");
        Add(command, "project", Id(projectId));
        Add(command, "cutoff", Time(cutoff));
        Add(command, "limit", Math.Max(1, _options.BatchSize));
        var batch = new List<(Guid, DateTimeOffset, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var start = ReadTime(reader.GetValue(1));
            var end = ReadTime(reader.GetValue(2));
            batch.Add((Uuid(reader.GetValue(0)), start, end < start ? start : end));
        }

        return batch;
    }

    private async Task<int> DeleteSummariesAsync(DbConnection connection, DbTransaction transaction, Guid projectId, Guid[] ids, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"DELETE FROM trace_summaries WHERE project_id = @project AND trace_id {InIds}");
        Add(command, "project", Id(projectId));
        Add(command, "ids", IdList(ids));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // On PostgreSQL the start times bound the partitions searched: every span of a trace starts at
    // or after the trace's start and no later than its end.
    private async Task<int> DeleteSpansAsync(
        DbConnection connection, DbTransaction transaction, Guid projectId, Guid[] ids, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken)
    {
        var sql = $"DELETE FROM traces WHERE project_id = @project AND trace_id {InIds}";
        await using var command = Command(connection, transaction, Postgres ? sql + " AND start_time >= @earliest AND start_time <= @latest" : sql);
        Add(command, "project", Id(projectId));
        Add(command, "ids", IdList(ids));
        if (Postgres)
        {
            Add(command, "earliest", earliest);
            Add(command, "latest", latest);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<(int Created, int Dropped)> MaintainPartitionsAsync(DbConnection connection, int longestDays, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var created = 0;
        for (var day = today; day <= today.AddDays(PartitionDaysAhead); day = day.AddDays(1))
        {
            var add = day;
            created += await PartitionChangeAsync(connection, $"add the partition of {day:yyyy-MM-dd}", async transaction =>
            {
                await using var command = Command(connection, transaction, "SELECT mentiora_add_trace_partition(@day)");
                Add(command, "day", add);
                return (bool)(await command.ExecuteScalarAsync(cancellationToken))! ? 1 : 0;
            }, cancellationToken);
        }

        // A day is dropped once its end is older than the longest retention: every span in it
        // started before every project's cutoff. Plain DROP, not DETACH ... CONCURRENTLY, which
        // PostgreSQL refuses on a table with a default partition; the day's rows are gone by then
        // (the batches removed their traces), so the drop only waits for the table's lock, which
        // the lock timeout bounds.
        var keepFrom = now - TimeSpan.FromDays(longestDays);
        var dropped = 0;
        foreach (var (name, day) in await DailyPartitionsAsync(connection, cancellationToken))
        {
            if (new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) > keepFrom)
            {
                continue;
            }

            dropped += await PartitionChangeAsync(connection, $"drop the partition {name}", async transaction =>
            {
                await using var command = Command(connection, transaction, $"DROP TABLE IF EXISTS \"{name}\"");
                await command.ExecuteNonQueryAsync(cancellationToken);
                return 1;
            }, cancellationToken);
        }

        if (created > 0 || dropped > 0)
        {
            logger.LogInformation("Trace retention: made {Created} daily partitions ahead and dropped {Dropped} older than {Days} days", created, dropped, longestDays);
        }

        return (created, dropped);
    }

    private async Task<List<(string Name, DateOnly Day)>> DailyPartitionsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null,
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid " +
            "WHERE i.inhparent = 'traces'::regclass AND c.relname ~ '^traces_p[0-9]{8}$' ORDER BY c.relname");
        var partitions = new List<(string, DateOnly)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            partitions.Add((name, DateOnly.ParseExact(name["traces_p".Length..], "yyyyMMdd", CultureInfo.InvariantCulture)));
        }

        return partitions;
    }

    // One partition change in its own short transaction; one that cannot get the table within the
    // lock timeout is left for the next sweep (seven days ahead leave room for many).
    private async Task<int> PartitionChangeAsync(DbConnection connection, string what, Func<DbTransaction, Task<int>> change, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await ExecuteAsync(connection, transaction, PartitionLockTimeout, cancellationToken);
            var done = await change(transaction);
            await transaction.CommitAsync(cancellationToken);
            return done;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            logger.LogWarning("Trace retention: could not {What} within the lock timeout; trying again next sweep", what);
            return 0;
        }
    }

    private string InIds => Postgres ? "= ANY(@ids)" : "IN (SELECT value FROM json_each(@ids))";

    private object IdList(Guid[] ids) => Postgres ? ids : JsonSerializer.Serialize(ids.Select(id => id.ToString()));

    private object Id(Guid id) => Postgres ? id : id.ToString();

    private object Time(DateTimeOffset time) => Postgres
        ? time
        : time.UtcDateTime.ToString(SqliteTraceSink.TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ReadTime(object value) => value switch
    {
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        DateTimeOffset time => time,
        string text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        _ => throw new InvalidOperationException($"Unexpected time value of type {value.GetType().Name}"),
    };

    private static Guid Uuid(object value) => value is Guid guid ? guid : Guid.Parse((string)value);

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public override void Dispose()
    {
        _oneSweep.Dispose();
        base.Dispose();
    }
}
