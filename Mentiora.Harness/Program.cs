return await Mentiora.Harness.Cli.CommandLine.RunAsync(args);
