using CnnShape.Cli;

return Cli.Run(args, Console.OpenStandardOutput(), Console.Error);
