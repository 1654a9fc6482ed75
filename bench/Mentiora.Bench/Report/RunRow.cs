namespace Mentiora.Bench.Report;

/// <summary>One line of runs.tsv: one run of one side of a scenario, its numbers, answers, row check and CPU split.</summary>
public sealed record RunRow(string Scenario, string Side, int Run, string Kind, double Throughput, string Unit, string P50Us, string P99Us,
    string Answers, string Check, string Cpu)
{
    public const string Header = "scenario\tside\trun\tkind\tthroughput\tunit\tp50_us\tp99_us\tanswers\tcheck\tcpu";

    public string ToTsv() =>
        string.Join('\t', Scenario, Side, Run, Kind, Numbers.Whole(Throughput), Unit, P50Us, P99Us, Answers, Check, Cpu);
}
