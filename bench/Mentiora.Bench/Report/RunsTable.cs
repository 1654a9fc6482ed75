namespace Mentiora.Bench.Report;

/// <summary>Every run so far: kept for the summary and appended to runs.tsv at once, so a failed benchmark leaves what it measured.</summary>
public sealed class RunsTable
{
    private readonly string _path;
    private readonly List<RunRow> _rows = [];

    public RunsTable(string path)
    {
        _path = path;
        File.WriteAllText(path, RunRow.Header + "\n");
    }

    public IReadOnlyList<RunRow> Rows => _rows;

    public void Add(RunRow row)
    {
        _rows.Add(row);
        File.AppendAllText(_path, row.ToTsv() + "\n");
    }

    public bool Has(string scenario) => _rows.Any(r => r.Scenario == scenario);

    public bool Has(string scenario, string side, string kind) => _rows.Any(r => r.Scenario == scenario && r.Side == side && r.Kind == kind);

    /// <summary>The median of one column over the runs of a scenario, side and kind; null when there are none.</summary>
    public double? Median(string scenario, string side, string kind, Func<RunRow, double> column) =>
        Numbers.Median(_rows.Where(r => r.Scenario == scenario && r.Side == side && r.Kind == kind).Select(column));
}
