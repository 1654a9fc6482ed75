using System.Globalization;

namespace Mentiora.Bench.Measuring;

/// <summary>
/// Average CPU per component over a run in % of one core, idle included, so the parts add up to
/// 100 x the number of cores: "app=97 bare=0 wrk=61 postgres=20 nginx=0 other=8 idle=14".
/// </summary>
public sealed record CpuSplit(IReadOnlyList<KeyValuePair<string, double>> Parts)
{
    public double Of(string name) => Parts.FirstOrDefault(p => p.Key == name).Value;

    public override string ToString() =>
        string.Join(' ', Parts.Select(p => $"{p.Key}={Math.Round(p.Value, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture)}"));
}
