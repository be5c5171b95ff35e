using ApexOrleans.Silo.Hosting;

// dotnet run --project silo [--urls http://127.0.0.1:5080] [--Apex:Storage sqlite|postgres|memory] [--Apex:Database ...] [--Apex:Mode production]
await SiloHost.Create(args).RunAsync();
