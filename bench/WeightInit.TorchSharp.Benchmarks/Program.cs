using BenchmarkDotNet.Running;

// WeightInit vs libtorch 2.10 (TorchSharp 0.107) on this machine's CPU. Release only, on a quiet machine:
//   dotnet run -c Release --project bench/WeightInit.TorchSharp.Benchmarks -- --filter '*'
//   dotnet run -c Release --project bench/WeightInit.TorchSharp.Benchmarks -- --filter '*TensorInit*' '*ModuleInit*' '*Gemm*' '*TrainStep*'
// Smoke (builds, runs each case once, no figures): ... -- --filter '*' --job dry
// The benchmarks always run in process: a project BenchmarkDotNet generates would copy the unpatched libLibTorchSharp.so
// (build/TorchSharpNative.targets patches this project's output only), which Debian 12 refuses to load.
string[] run = args.Any(a => a is "--inProcess" or "-i") ? args : [.. args, "--inProcess"];
BenchmarkSwitcher.FromAssembly(typeof(WeightInit.TorchSharp.Benchmarks.TensorInitBenchmarks).Assembly).Run(run);
