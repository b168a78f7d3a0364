using BenchmarkDotNet.Attributes;
using TorchSharp;
using WeightInit.Models;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Training;
using WeightInit.Training.Optimization;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Benchmarks;

/// <summary>One SGD step (forward, softmax cross-entropy, backward, momentum update; lr 0.01, momentum 0.9) of Glorot &amp;
/// Bengio's 1024-1000×5-9 tanh MLP: WeightInit's training engine (as <c>weightinit train --bench-step</c> times it) against the
/// same network trained in TorchSharp (as the embedded train_step.py does in PyTorch), at batch 10 and 128, 1 and 2 threads.</summary>
public class TrainStepBenchmarks
{
    private const int Inputs = 1024, Width = 1000, HiddenLayers = 5, Classes = 9;

    private Network _network = null!;
    private Sgd _sgd = null!;
    private float[] _x = [];
    private int[] _y = [];

    private nn.Module<Tensor, Tensor> _model = null!;
    private optim.Optimizer _optimizer = null!;
    private nn.Module<Tensor, Tensor, Tensor> _loss = null!;
    private Tensor _tx = null!, _ty = null!;

    /// <summary>Examples per step.</summary>
    [Params(10, 128)]
    public int Batch { get; set; }

    /// <summary>Threads for both engines.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds both networks and one batch of inputs in [0, 1) with labels i mod 9.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var key = PhiloxKey.FromSeed(0);
        _network = Network.Build(TrainingModels.Mlp(Inputs, HiddenLayers, Width, "tanh", Classes, "glorot_uniform"), key, Threads);
        _sgd = new Sgd(_network.Parameters, new SgdOptions(0.01, Momentum: 0.9));
        _x = new float[Batch * Inputs];
        new UniformDistribution(0, 1).Fill(key.Fold("x"), _x);
        _y = Enumerable.Range(0, Batch).Select(i => i % Classes).ToArray();

        torch.set_num_threads(Threads);
        torch.manual_seed(0);
        var layers = new List<nn.Module<Tensor, Tensor>>();
        int width = Inputs;
        for (int i = 0; i < HiddenLayers; i++)
        {
            layers.Add(nn.Linear(width, Width));
            layers.Add(nn.Tanh());
            width = Width;
        }
        layers.Add(nn.Linear(Width, Classes));
        _model = nn.Sequential(layers);
        _optimizer = optim.SGD(_model.parameters(), 0.01, momentum: 0.9);
        _loss = nn.CrossEntropyLoss();
        _tx = torch.tensor(_x, [Batch, Inputs]);
        _ty = torch.tensor(_y.Select(v => (long)v).ToArray(), [Batch]);
    }

    /// <summary>Frees the TorchSharp side.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _tx.Dispose();
        _ty.Dispose();
        _model.Dispose();
    }

    /// <summary>TorchSharp: zero_grad, forward, CrossEntropyLoss, backward, SGD step (intermediates freed each step).</summary>
    [Benchmark(Baseline = true)]
    public void TorchSharpStep()
    {
        using var scope = torch.NewDisposeScope();
        _optimizer.zero_grad();
        var loss = _loss.forward(_model.forward(_tx), _ty);
        loss.backward();
        _optimizer.step();
    }

    /// <summary>WeightInit's engine: forward, softmax cross-entropy, backward, SGD step.</summary>
    [Benchmark]
    public void WeightInitStep()
    {
        var logits = _network.Forward(_x, Batch);
        _network.Backward(Network.SoftmaxCrossEntropy(logits, _y, Batch).Gradient);
        _sgd.Step();
    }
}
