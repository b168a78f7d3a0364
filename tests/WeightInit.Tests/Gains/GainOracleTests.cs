using System.Globalization;
using WeightInit.Gains;
using WeightInit.Tests.Oracles;

namespace WeightInit.Tests.Gains;

/// <summary>Moments from this library's quadrature against SciPy's adaptive QUADPACK integration of independently written activations.</summary>
public class GainOracleTests
{
    private const double Tolerance = 1e-9;

    // Each activation written again in NumPy / SciPy terms, with the pieces (kinks) to split the integral at.
    private const string Script = """
        import sys, math
        import numpy as np
        from scipy import integrate, special
        q = float(sys.argv[1]) if len(sys.argv) > 1 else float(QQ)
        A, L = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
        def gelu_tanh(x):
            return 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
        acts = {
            "gelu": (lambda x: x * special.ndtr(x), [0.0]),
            "gelu_tanh": (gelu_tanh, [0.0]),
            "tanh": (math.tanh, [0.0]),
            "sigmoid": (special.expit, [0.0]),
            "silu": (lambda x: x * special.expit(x), [0.0]),
            "mish": (lambda x: x * math.tanh(np.logaddexp(0.0, x)), [0.0]),
            "softplus": (lambda x: np.logaddexp(0.0, x), [0.0]),
            "softplus:2": (lambda x: np.logaddexp(0.0, 2 * x) / 2, [0.0]),
            "elu": (lambda x: x if x > 0 else math.expm1(x), [0.0]),
            "selu": (lambda x: L * (x if x > 0 else A * math.expm1(x)), [0.0]),
            "softsign": (lambda x: x / (1 + abs(x)), [0.0]),
            "hardtanh": (lambda x: min(max(x, -1.0), 1.0), [-1.0, 1.0]),
            "lecun_tanh": (lambda x: 1.7159 * math.tanh(2 * x / 3), [0.0]),
        }
        derivs = {
            "tanh": lambda x: 1 / math.cosh(x)**2,
            "sigmoid": lambda x: special.expit(x) * special.expit(-x),
            "gelu": lambda x: special.ndtr(x) + x * math.exp(-x * x / 2) / math.sqrt(2 * math.pi),
        }
        def expect(g, cuts):
            pdf = lambda x: math.exp(-x * x / (2 * q)) / math.sqrt(2 * math.pi * q)
            # ±40σ: the normal mass outside is below 1e-340, and no Python float overflows in f(x)² there (QUADPACK's
            # infinite-range transform would evaluate f near 1e300).
            w = 40 * math.sqrt(q)
            edges = [-w] + cuts + [w]
            return sum(integrate.quad(lambda x: g(x) * pdf(x), a, b, epsabs=0, epsrel=1e-13, limit=500)[0] for a, b in zip(edges, edges[1:]))
        for name, (f, cuts) in acts.items():
            print(name, "mean", repr(expect(f, cuts)))
            print(name, "second", repr(expect(lambda x: f(x)**2, cuts)))
        for name, d in derivs.items():
            print(name, "derivative", repr(expect(lambda x: d(x)**2, acts[name][1])))
        """;

    [OracleTheory(Oracle.Scipy)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Moments_SmoothAndKinkedActivations_MatchScipyQuad(double q)
    {
        string output = Python.Run(Script.Replace("QQ", q.ToString("R", CultureInfo.InvariantCulture)));
        var failures = new List<string>();
        int compared = 0;
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Split(' ');
            var activation = Activation.Parse(parts[0]);
            double reference = double.Parse(parts[2], CultureInfo.InvariantCulture);
            double ours = parts[1] switch
            {
                "mean" => ActivationMoments.Mean(activation, q),
                "second" => ActivationMoments.SecondMoment(activation, q),
                "derivative" => ActivationMoments.DerivativeSecondMoment(activation, q),
                _ => throw new InvalidOperationException($"Unexpected oracle line '{line}'."),
            };
            compared++;
            // Odd activations have mean 0: compare those absolutely against the second moment's scale.
            double scale = Math.Max(Math.Abs(reference), parts[1] == "mean" ? 1e-3 : 0);
            if (Math.Abs(ours - reference) > Tolerance * scale)
                failures.Add($"{line}: ours {ours:R} (relative difference {Math.Abs(ours - reference) / scale:E2})");
        }
        Assert.Equal(13 * 2 + 3, compared);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
