namespace Mentiora.Harness.Prerequisites;

/// <summary>A program from the operating system that the tests, the benchmark or the local cluster need.</summary>
public enum Prerequisite
{
    /// <summary>The PostgreSQL server binaries (initdb, pg_ctl).</summary>
    Postgres,

    /// <summary>nginx, the load balancer.</summary>
    Nginx,

    /// <summary>Chromium, for the browser tests.</summary>
    Chromium,

    /// <summary>wrk, the benchmark's load generator.</summary>
    Wrk,

    /// <summary>Any TrueType or OpenType font, so that browser screenshots show text.</summary>
    Fonts,
}
