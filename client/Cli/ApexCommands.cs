using System.CommandLine;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Load;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Verification;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.Contracts.Tenancy;
using Spectre.Console;

namespace ApexOrleans.Client.Cli;

/// <summary>The <c>apex</c> command line: <c>run</c>, <c>load</c>, <c>verify</c> and <c>experiment</c>.</summary>
public static class ApexCommands
{
    /// <summary><c>--verbose</c>, on every command: a failure also prints its stack trace.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose") { Description = "On a failure, also print the stack trace.", Recursive = true };

    /// <summary>
    /// Parses and runs a command line with the exit codes of <see cref="ExitCodes"/>: bad usage exits 2 with the parser's
    /// message, an environment failure 3; no stack trace is printed unless <c>--verbose</c> is given.
    /// </summary>
    public static async Task<int> InvokeAsync(IAnsiConsole console, string[] args, TextWriter? output = null)
    {
        var parsed = Build(console).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                console.MarkupLine($"[red]apex: {Markup.Escape(error.Message)}[/]");
            }

            var command = string.Join(' ', CommandPath(parsed.CommandResult));
            console.MarkupLine(Markup.Escape($"See '{command} --help'. Nothing was run."));
            return ExitCodes.BadInput;
        }

        try
        {
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            if (output is not null)
            {
                configuration.Output = output;
                configuration.Error = output;
            }

            return await parsed.InvokeAsync(configuration);
        }
        catch (Exception e)
        {
            var code = IsBadInput(e) ? ExitCodes.BadInput : ExitCodes.EnvironmentFailure;
            console.MarkupLine($"[red]apex: {Markup.Escape(IsEnvironmentFailure(e) || IsBadInput(e) ? e.Message : $"unexpected failure: {e.Message}")}[/]");
            console.MarkupLine(Markup.Escape(parsed.GetValue(Verbose) ? e.ToString() : "(run again with --verbose for the stack trace)"));
            return code;
        }
    }

    /// <summary>Builds the root command, writing to <paramref name="console"/>.</summary>
    public static RootCommand Build(IAnsiConsole console)
    {
        var root = new RootCommand(ExitCodes.Described(
            "apex: replay a business day against the ApexOrleans mesh with seeded chaos, and prove from the evidence that nothing was " +
            "charged twice, nothing was lost, and an outage stayed isolated."));
        root.Options.Add(Verbose);
        root.Subcommands.Add(RunCommand(console));
        root.Subcommands.Add(LoadCommand(console));
        root.Subcommands.Add(VerifyCommand(console));
        root.Subcommands.Add(AppsCommand.Build(console));
        root.Subcommands.Add(ExperimentCommands.Build(console));
        return root;
    }

    private static Command LoadCommand(IAnsiConsole console)
    {
        var scenario = new Option<string>("--scenario") { Description = "Scenario every tenant replays.", DefaultValueFactory = _ => DefaultScenario() };
        var tenants = new Option<int?>("--tenants") { Description = $"How many tenants replay the day, each once as its own tenant (default {LoadOptions.DefaultTenants}; with --duration alone: as many as fit)." };
        var concurrency = new Option<int>("--concurrency") { Description = "How many tenants' days are in flight at once.", DefaultValueFactory = _ => 32 };
        var duration = new Option<string?>("--duration") { Description = "Stop starting tenants after this long: 30s, 2m, 1h (days already started finish)." };
        var seed = SeedOption.Create("First tenant's seed; tenant i uses seed + i (default: the scenario's seed).");
        var collectionAge = new Option<string>("--collection-age") { Description = "Embedded silo: idle time after which an activation is collected (its state stays in storage).", DefaultValueFactory = _ => "30s" };
        var output = new Option<string>("--out") { Description = "Folder for the load bundle <loadId>.zip.", DefaultValueFactory = _ => "evidence" };
        var catalog = new Option<string>("--apps") { Description = "App catalog file.", DefaultValueFactory = _ => AppCatalog.DefaultPath };
        var mesh = new MeshTargetOptions($"{{out}}/{LoadOptions.DatabaseFile}");
        var command = new Command("load", ExitCodes.Described(
            "Replay a scenario's day for many tenants at once against one silo, with seeded chaos (tenant i: seed + i), and report events/s, " +
            "deliveries/s, mesh latency, retries, queue depth, activations and memory. Every tenant is scored like apex run: exits 0 only when all pass."))
        {
            scenario, tenants, concurrency, duration, seed, collectionAge, output, catalog,
        };
        mesh.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var options = new LoadOptions
                {
                    ScenarioPath = result.GetValue(scenario)!,
                    Tenants = result.GetValue(tenants),
                    Concurrency = result.GetValue(concurrency),
                    Duration = result.GetValue(duration) is { } d ? DurationText.Parse(d, "--duration") : null,
                    Seed = result.GetValue(seed),
                    Mesh = mesh.Read(result),
                    CollectionAge = DurationText.Parse(result.GetValue(collectionAge)!, "--collection-age"),
                    OutputDirectory = result.GetValue(output)!,
                    CatalogPath = result.GetValue(catalog)!,
                };
                var outcome = await new LoadRunner(new ConsoleLoadProgress(console), TimeProvider.System).RunAsync(options, cancellationToken);
                return outcome.Summary.Passed ? ExitCodes.Passed : ExitCodes.Failed;
            }
            catch (Exception e) when (IsBadInput(e))
            {
                return Refuse(console, e.Message);
            }
        });
        return command;
    }

    private static Command RunCommand(IAnsiConsole console)
    {
        var scenario = new Option<string>("--scenario") { Description = "Scenario file (JSON; schema in docs/scenarios.md).", DefaultValueFactory = _ => DefaultScenario() };
        var seed = SeedOption.Create("Seed for every chaos decision (default: the scenario's seed).");
        var clock = new Option<string>("--clock") { Description = "'virtual': the day runs in well under a second, deterministically; 'real': it plays live.", DefaultValueFactory = _ => "virtual" };
        clock.AcceptOnlyFromAmong("virtual", "real");
        var timeScale = new Option<double>("--time-scale") { Description = "Real clock only: wall seconds per scenario second (0.1 = ten times faster than life).", DefaultValueFactory = _ => 1.0 };
        var output = new Option<string>("--out") { Description = "Folder for the evidence bundle <runId>.zip.", DefaultValueFactory = _ => "evidence" };
        var catalog = new Option<string>("--apps") { Description = "App catalog file.", DefaultValueFactory = _ => AppCatalog.DefaultPath };
        var signKey = new Option<string?>("--sign-key")
        {
            Description = "Sign the bundle with this secret key file (HMAC-SHA256, at least 32 bytes: head -c 32 /dev/urandom > key); apex verify --key checks it.",
        };
        var mesh = new MeshTargetOptions($"{{out}}/{RunOptions.DatabaseFile}", cluster: true);
        var remote = new RemoteAppsOptions();
        var command = new Command("run", ExitCodes.Described("Replay a scenario with seeded chaos and write the evidence bundle. Exits 0 only when every must-pass criterion holds."))
        {
            scenario, seed, clock, timeScale, output, catalog, signKey,
        };
        mesh.AddTo(command);
        remote.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            RemoteAppsChoice remoteApps;
            try
            {
                remoteApps = remote.Read(result);
            }
            catch (BadInputException e)
            {
                return Refuse(console, e.Message);
            }

            var options = new RunOptions
            {
                Remote = remoteApps,
                ScenarioPath = result.GetValue(scenario)!,
                Seed = result.GetValue(seed),
                Mesh = mesh.Read(result),
                Clock = result.GetValue(clock) == "real" ? RunClock.Real : RunClock.Virtual,
                TimeScale = result.GetValue(timeScale),
                OutputDirectory = result.GetValue(output)!,
                CatalogPath = result.GetValue(catalog)!,
                SignKeyPath = result.GetValue(signKey),
            };
            if (options.TimeScale <= 0)
            {
                return Refuse(console, "--time-scale must be greater than 0.");
            }

            try
            {
                options.Mesh.Validate();
                RunOutcome outcome;
                if (console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi)
                {
                    var live = new LiveBeatTable(console);
                    outcome = await live.ShowWhileAsync(() => new ScenarioRunner(live, TimeProvider.System).RunAsync(options, cancellationToken));
                    live.PrintSummary();
                }
                else
                {
                    outcome = await new ScenarioRunner(new ConsoleProgress(console), TimeProvider.System).RunAsync(options, cancellationToken);
                }

                return outcome.Scorecard.Passed ? ExitCodes.Passed : ExitCodes.Failed;
            }
            catch (Exception e) when (IsBadInput(e))
            {
                return Refuse(console, e.Message);
            }
        });
        return command;
    }

    private static Command VerifyCommand(IAnsiConsole console)
    {
        var bundle = new Argument<string>("bundle") { Description = "An evidence bundle (.zip) written by apex run, or a load bundle written by apex load (every tenant is checked)." };
        var replay = new Option<bool>("--replay")
        {
            Description = "Also run the bundle's scenario again at its seed on an embedded silo (memory, virtual clock) and require the same digest. "
                          + "A run bundle on the virtual clock only; a real-clock run is checked without it, and says why.",
        };
        var key = new Option<string?>("--key") { Description = "The secret key file the bundle was signed with (apex run --sign-key): its signature must hold. A run bundle only." };
        var command = new Command("verify", ExitCodes.Described(
            "Re-check a bundle from the bundle alone: every claim derived again from its files, the ledger re-rolled from its seed, the final state rebuilt from the recorded effects, the control's own history checked the same way. Exits 1 naming the broken invariant."))
        {
            bundle, replay, key,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(bundle)!;
            if (!File.Exists(path))
            {
                return Refuse(console, $"{path}: no such file.");
            }

            var checks = new List<InvariantCheck>();
            IReadOnlyDictionary<string, string>? files = null;
            try
            {
                using var load = LoadBundleReader.TryOpen(path);
                if (load is not null && result.GetValue(replay))
                {
                    return Refuse(console, $"{path} is a load bundle: --replay runs one day again, so give it one run's bundle.");
                }

                if (load is null)
                {
                    files = EvidenceBundle.Read(path);
                }

                checks.AddRange(files is null ? LoadVerifier.Verify(load!) : BundleVerifier.Verify(files));
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or IOException or ArgumentException or KeyNotFoundException)
            {
                return Refuse(console, $"{path} is not a readable evidence bundle: {e.Message}");
            }

            if (result.GetValue(key) is { } keyPath)
            {
                if (files is null)
                {
                    return Refuse(console, $"{path} is a load bundle: --key checks the signature of one run's bundle.");
                }

                byte[] secret;
                try
                {
                    secret = BundleSignature.ReadKey(keyPath, "--key");
                }
                catch (ArgumentException e)
                {
                    return Refuse(console, e.Message);
                }

                var why = BundleSignature.Check(files, secret);
                checks.Insert(0, new InvariantCheck("signed with the key given", why is null, why ?? $"every file as signed, {BundleSignature.Algorithm}"));
            }
            else if (files?.ContainsKey(BundleSignature.File) == true)
            {
                console.MarkupLine("[yellow]note[/] the bundle is signed; give --key to check who made it.");
            }

            if (files is not null && result.GetValue(replay))
            {
                if (BundleReplay.WhyNot(files) is { } why)
                {
                    console.MarkupLine($"[yellow]note[/] not replayed: {Markup.Escape(why)}");
                }
                else
                {
                    console.MarkupLine("replaying the run from its scenario and seed on an embedded silo...");
                    checks.Add(await BundleReplay.CheckAsync(files, cancellationToken));
                }
            }

            foreach (var check in checks)
            {
                console.MarkupLine($"{(check.Passed ? "[green]ok  [/]" : "[red]FAIL[/]")} {Markup.Escape(check.Name)}: {Markup.Escape(check.Detail)}");
            }

            var broken = checks.Where(c => !c.Passed).ToList();
            console.MarkupLine(broken.Count == 0 ? "[green bold]verified[/]" : $"[red bold]broken invariant:[/] {Markup.Escape(broken[0].Name)}");
            return broken.Count == 0 ? ExitCodes.Passed : ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>What run, load and experiment refuse before anything is run or written: a bad scenario, experiment, app catalog or option.</summary>
    internal static bool IsBadInput(Exception e) => e is ConfigFileException or BadInputException;

    /// <summary>What the machine, not the input, caused: an unwritable folder, storage or a silo that does not answer.</summary>
    internal static bool IsEnvironmentFailure(Exception e) =>
        e is EnvironmentFailureException or IOException or UnauthorizedAccessException or HttpRequestException
            or System.Net.Sockets.SocketException or System.Data.Common.DbException or TimeoutException;

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (System.CommandLine.Parsing.SymbolResult? at = result; at is not null; at = at.Parent)
        {
            if (at is System.CommandLine.Parsing.CommandResult command)
            {
                names.Push(command.Parent is null ? "apex" : command.Command.Name);
            }
        }

        return names;
    }

    internal static int Refuse(IAnsiConsole console, string message)
    {
        console.MarkupLine($"[red]apex: {Markup.Escape(message)}[/]");
        return ExitCodes.BadInput;
    }

    /// <summary>Sarah's day: the file in ./scenarios if run from the repository, else the copy beside the binaries.</summary>
    private static string DefaultScenario()
    {
        var local = Path.Combine("scenarios", "sarahs-day.json");
        return File.Exists(local) ? local : Path.Combine(AppContext.BaseDirectory, "scenarios", "sarahs-day.json");
    }
}
