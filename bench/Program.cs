using ApexOrleans.Bench;

return await BenchCommand.RunAsync(args);
