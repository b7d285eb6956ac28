using CnnShape.Cli;

// Started by ./cnnshape, the binary checks it was built from the current sources (the launcher does not, to start
// fast); when they changed, the launcher rebuilds and runs the new binary, with this run's arguments and streams.
if (Environment.GetEnvironmentVariable("CNNSHAPE_LAUNCHER") is { Length: > 0 } launcher && Freshness.IsStale(launcher))
{
    return Freshness.Rebuild(launcher, args);
}
return Cli.Run(args, Console.OpenStandardOutput(), Console.Error);
