// libtorch's default generator (torch.manual_seed) is one per process: tests that seed it and draw from it must not run
// beside each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
