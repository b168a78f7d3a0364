using BenchmarkDotNet.Running;

// Run in Release: dotnet run -c Release --project bench/WeightInit.Benchmarks -- --filter '*Fill*' [--job short] [--inProcess]
BenchmarkSwitcher.FromAssembly(typeof(WeightInit.Benchmarks.FillBenchmarks).Assembly).Run(args);
