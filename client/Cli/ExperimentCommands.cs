using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using ApexOrleans.Client.Experiments;
using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Catalog;
using Spectre.Console;

namespace ApexOrleans.Client.Cli;

/// <summary><c>apex experiment</c>: run an experiment from the catalogue, pull its kill switch, list its records, report over a period.</summary>
public static class ExperimentCommands
{
    /// <summary>How long <c>halt</c> waits for a runner to answer that every fault is off.</summary>
    public static readonly TimeSpan HaltAnswerTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Builds the <c>experiment</c> group.</summary>
    public static Command Build(IAnsiConsole console)
    {
        var command = new Command("experiment", ExitCodes.Described(
            "Chaos experiments as a catalogue (experiments/*.json, schema in docs/experiments.md): each states a hypothesis, the steady state, the faults " +
            "to inject, what is expected meanwhile, safeguards and an RTO. Every run is recorded as a journal."));
        command.Subcommands.Add(RunCommand(console));
        command.Subcommands.Add(HaltCommand(console));
        command.Subcommands.Add(ListCommand(console));
        command.Subcommands.Add(ReportCommand(console));
        return command;
    }

    private static Option<string> RecordsOption() =>
        new("--records") { Description = "Folder of the experiment records (journals).", DefaultValueFactory = _ => ExperimentRecords.DefaultFolder };

    private static Command RunCommand(IAnsiConsole console)
    {
        var file = new Argument<string>("file") { Description = "The experiment file, e.g. experiments/ex-01-app-outage-isolated.json." };
        var records = RecordsOption();
        var catalog = new Option<string>("--apps") { Description = "App catalog file.", DefaultValueFactory = _ => AppCatalog.DefaultPath };
        var mesh = new MeshTargetOptions($"{{records}}/{ExperimentOptions.DatabaseFile}");
        var command = new Command("run", ExitCodes.Described(
            "Run one experiment: check the steady state, inject its faults on schedule while watching the probes, revert at once if a safeguard trips " +
            "or the kill switch is pulled (apex experiment halt, DELETE /api/v1/faults on the silo, or Ctrl-C), measure recovery against the RTO, check " +
            "the steady state again and every tenant's guarantees, and store the journal. Exits 0 when the hypothesis held (completed), 1 when it " +
            "failed, was aborted or interrupted, 2 for a bad file."))
        {
            file, records, catalog,
        };
        mesh.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var options = new ExperimentOptions
                {
                    ExperimentPath = result.GetValue(file)!,
                    Mesh = mesh.Read(result),
                    RecordsFolder = result.GetValue(records)!,
                    CatalogPath = result.GetValue(catalog)!,
                };
                // Ctrl-C and SIGTERM are a kill switch, handled here so the process stays alive to revert and write the journal.
                using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                void Interrupt(PosixSignalContext context)
                {
                    context.Cancel = true;
                    interrupted.Cancel();
                }

                using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
                using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
                var outcome = await new ExperimentRunner(new ConsoleExperimentProgress(console), TimeProvider.System).RunAsync(options, interrupted.Token);
                return outcome.Journal.Passed ? ExitCodes.Passed : ExitCodes.Failed;
            }
            catch (Exception e) when (ApexCommands.IsBadInput(e))
            {
                return ApexCommands.Refuse(console, e.Message);
            }
        });
        return command;
    }

    private static Command HaltCommand(IAnsiConsole console)
    {
        var runId = new Argument<string?>("run-id") { Description = "The run to halt (apex experiment list shows runs in progress); every run in progress when left out.", Arity = ArgumentArity.ZeroOrOne };
        var records = RecordsOption();
        var reason = new Option<string>("--reason") { Description = "Why, for the journal.", DefaultValueFactory = _ => "halted with apex experiment halt" };
        var silo = new Option<string?>("--silo") { Description = "Also pull the silo's own kill switch (DELETE /api/v1/faults): every fault injected there goes off, whoever injected it." };
        var keys = new Option<string?>("--keys") { Description = "With --silo in production mode: its keys file." };
        var command = new Command("halt", ExitCodes.Described(
            "The kill switch: every fault of the running experiment(s) is reverted at once, and each runner answers with the measured time-to-revert. " +
            "The runs go on to measure recovery and end 'interrupted'. Exits 1 when a run did not answer."))
        {
            runId, records, reason, silo, keys,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            OutputFolder.DeepestFolder(result.GetValue(records)!, "--records");
            var store = new ExperimentRecords(result.GetValue(records)!);
            var running = store.Running();
            var wanted = result.GetValue(runId);
            var targets = wanted is null ? running : running.Where(r => r.RunId == wanted).ToList();
            var siloUrl = result.GetValue(silo);
            if (wanted is not null && targets.Count == 0 && siloUrl is null)
            {
                return ApexCommands.Refuse(console, $"no run '{wanted}' is in progress in {store.Folder} (apex experiment list shows the runs in progress).");
            }

            var requestedAt = TimeProvider.System.GetUtcNow();
            foreach (var run in targets)
            {
                store.RequestHalt(run.RunId, new HaltRequest(result.GetValue(reason)!, requestedAt));
                console.MarkupLine(Markup.Escape($"halt requested: {run.RunId} ({run.ExperimentId}, pid {run.ProcessId})"));
            }

            var answered = true;
            if (siloUrl is not null)
            {
                try
                {
                    await using var session = await HttpMeshSession.ConnectAsync(siloUrl, result.GetValue(keys), cancellationToken);
                    var reverted = await session.RevertFaultsAsync(owner: null, cancellationToken);
                    console.MarkupLine(Markup.Escape($"silo {session.Silo}: {reverted.Count} fault(s) switched off" +
                        (reverted.Count > 0 ? $": {string.Join(", ", reverted.Select(f => $"{f.Id} {f.Request.Kind}{(f.Request.App is { } a ? $" {a}" : "")}"))}" : "")));
                }
                catch (Exception e) when (ApexCommands.IsBadInput(e))
                {
                    return ApexCommands.Refuse(console, e.Message);
                }
            }

            foreach (var run in targets)
            {
                var deadline = TimeProvider.System.GetUtcNow() + HaltAnswerTimeout;
                HaltRecord? halt;
                while ((halt = store.Halted(run.RunId)) is null && TimeProvider.System.GetUtcNow() < deadline)
                {
                    await Task.Delay(50, cancellationToken);
                }

                if (halt is null)
                {
                    answered = false;
                    console.MarkupLine($"[red]{Markup.Escape($"{run.RunId}: no answer within {HaltAnswerTimeout.TotalSeconds:0} s; pull the silo's kill switch with --silo")}[/]");
                }
                else
                {
                    console.MarkupLine(Markup.Escape($"{run.RunId}: every fault reverted {halt.TimeToRevertMs:0.#} ms after the request ({halt.Source}: {halt.Reason})"));
                }
            }

            if (targets.Count == 0 && siloUrl is null)
            {
                console.MarkupLine(Markup.Escape($"no experiment is in progress in {store.Folder}: nothing to halt"));
            }

            return answered ? ExitCodes.Passed : ExitCodes.Failed;
        });
        return command;
    }

    private static Command ListCommand(IAnsiConsole console)
    {
        var records = RecordsOption();
        var silo = new Option<string?>("--silo") { Description = "List the runs reported to this silo instead of the records folder." };
        var keys = new Option<string?>("--keys") { Description = "With --silo in production mode: its keys file." };
        var command = new Command("list", ExitCodes.Described("Every recorded experiment run, newest first: run id, experiment, date, owner, status, recovery against the RTO, verdict; and the runs in progress."))
        {
            records, silo, keys,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            OutputFolder.DeepestFolder(result.GetValue(records)!, "--records");
            var store = new ExperimentRecords(result.GetValue(records)!);
            var unreadable = new List<string>();
            IReadOnlyList<ExperimentJournal> journals;
            if (result.GetValue(silo) is { } url)
            {
                try
                {
                    await using var session = await HttpMeshSession.ConnectAsync(url, result.GetValue(keys), cancellationToken);
                    journals = (await session.ExperimentRecordsAsync(cancellationToken)).Select(ExperimentJournal.FromSilo).ToList();
                }
                catch (Exception e) when (ApexCommands.IsBadInput(e))
                {
                    return ApexCommands.Refuse(console, e.Message);
                }
            }
            else
            {
                journals = store.List(unreadable);
                foreach (var run in store.Running())
                {
                    console.MarkupLine(Markup.Escape($"in progress: {run.RunId} ({run.ExperimentId}, pid {run.ProcessId}, since {run.StartedAt:yyyy-MM-dd HH:mm:ss}Z, silo {run.Silo})"));
                }
            }

            if (journals.Count == 0)
            {
                console.MarkupLine(Markup.Escape($"no experiment runs recorded{(result.GetValue(silo) is null ? $" in {store.Folder}" : "")}"));
            }
            else
            {
                // One line a run and its verdict beneath: readable at any terminal width and in a CI log.
                foreach (var j in journals)
                {
                    console.MarkupLine($"{Markup.Escape($"{j.RunId,-27} ")}{StatusMarkup(j.Status)}{Markup.Escape(new string(' ', Math.Max(1, 12 - j.Status.Length)) + "recovery " + RecoveryText(j.Recovery))}");
                    console.MarkupLine($"[grey]{Markup.Escape($"    {j.ExperimentId} {j.Title} · owner {j.Owner} · started {j.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z")}[/]");
                    console.MarkupLine($"[grey]{Markup.Escape($"    {j.Verdict}")}[/]");
                }
            }

            foreach (var file in unreadable)
            {
                console.MarkupLine($"[yellow]not a journal: {Markup.Escape(file)}[/]");
            }

            return ExitCodes.Passed;
        });
        return command;
    }

    private static Command ReportCommand(IAnsiConsole console)
    {
        var records = RecordsOption();
        var since = new Option<string>("--since") { Description = "The period: runs started within this long before now (30m, 12h, 7d).", DefaultValueFactory = _ => "7d" };
        var command = new Command("report", ExitCodes.Described("A summary over a period: runs, how many held (completed) and how many did not, per experiment, with recovery times against the RTO and the kill switch's time-to-revert."))
        {
            records, since,
        };
        command.SetAction(result =>
        {
            TimeSpan period;
            try
            {
                period = DurationText.Parse(result.GetValue(since)!, "--since");
            }
            catch (BadInputException e)
            {
                return ApexCommands.Refuse(console, e.Message);
            }

            OutputFolder.DeepestFolder(result.GetValue(records)!, "--records");
            var now = TimeProvider.System.GetUtcNow();
            var report = ExperimentReport.Over(new ExperimentRecords(result.GetValue(records)!).List(), now - period, now);
            console.MarkupLine(Markup.Escape($"experiment runs from {report.From:yyyy-MM-dd HH:mm}Z to {report.To:yyyy-MM-dd HH:mm}Z: {report.Runs} run(s), " +
                $"{report.Passed} passed, {report.Runs - report.Passed} did not ({string.Join(", ", report.ByStatus.Select(s => $"{s.Value} {s.Key}"))})"));
            if (report.Runs == 0)
            {
                return ExitCodes.Passed;
            }

            foreach (var e in report.Experiments)
            {
                console.MarkupLine(Markup.Escape($"{e.ExperimentId} {e.Title}"));
                console.MarkupLine(Markup.Escape(
                    $"    {e.Runs} run(s): {e.Completed} completed, {e.Failed} failed, {e.Aborted} aborted, {e.Interrupted} interrupted; last {e.LastStatus}"));
                console.MarkupLine(Markup.Escape(e.RecoveryMedianSeconds is { } m
                    ? $"    recovery median {m:0.###} s, max {e.RecoveryMaxSeconds:0.###} s against an RTO of {e.RtoSeconds:0.###} s: {e.WithinRto} of {e.RecoveriesMeasured} within"
                    : $"    recovery: {(e.RecoveriesMeasured == 0 ? "not measured" : $"none of {e.RecoveriesMeasured} recovered")}"));
                if (e.MaxTimeToRevertMs is { } t)
                {
                    console.MarkupLine(Markup.Escape($"    kill switch / safeguard: every fault reverted within {t:0.#} ms (worst run)"));
                }
            }
            return ExitCodes.Passed;
        });
        return command;
    }

    private static string StatusMarkup(string status) => status == ExperimentStatus.Completed ? $"[green]{status}[/]" : $"[red]{Markup.Escape(status)}[/]";

    private static string RecoveryText(RecoveryRecord? recovery) => recovery switch
    {
        { Seconds: { } s } => $"{s:0.###} s / {recovery.RtoSeconds:0.###} s{(recovery.WithinRto ? "" : " (over)")}",
        { } r => $"not recovered / {r.RtoSeconds:0.###} s",
        null => "n/a",
    };
}
