namespace Mentiora.Bench.Checking;

/// <summary>Counts the rows of the `traces` table in the target's database.</summary>
public interface IRowCounter
{
    Task<long> CountAsync();
}
