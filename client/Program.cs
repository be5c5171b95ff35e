// The scenario runner lands with its own issue; until then `apex` says so and exits non-zero.
Console.Error.WriteLine("apex: the scenario runner is not built yet (see the issue 'Seeded chaos, the scenario runner and the evidence bundle').");
return 2;
