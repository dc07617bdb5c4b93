global using NUnit.Framework;

// Fixtures run two at a time; the broker-outage fixture is [NonParallelizable] and runs alone.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(2)]
