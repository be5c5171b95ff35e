using ApexOrleans.Silo.Hosting;

// dotnet run --project silo [--urls http://127.0.0.1:5080] [--Apex:Storage sqlite|postgres|memory] [--Apex:Database ...] [--Apex:Mode production]
//     [--Apex:SiloPort 11111] [--Apex:GatewayPort 30000] [--Apex:ClusterId apex]   (Orleans ports; 0 = any free port)
// dotnet ApexOrleans.Silo.dll healthcheck [url]   (exit 0 when the silo at url is ready; for container health checks)
if (args is ["healthcheck", ..])
{
    return await SiloHealthCheck.RunAsync(args.Length > 1 ? args[1] : "http://127.0.0.1:8080");
}

await SiloHost.Create(args).RunAsync();
return 0;
