# One SGD step of the 1024-1000x5-9 tanh MLP in PyTorch (CPU, float32), timed like weightinit train --bench-step.
# Usage: python3 - THREADS REPETITIONS BATCH [BATCH ...]   (script on standard input); prints one JSON object.
import json, sys, time

threads, repetitions = int(sys.argv[1]), int(sys.argv[2])
batches = [int(b) for b in sys.argv[3:]]
try:
    import torch
except ImportError as e:
    print(json.dumps({"version": None, "threads": None, "note": f"PyTorch not importable: {e}", "results": []}))
    sys.exit(0)

torch.set_num_threads(threads)
torch.manual_seed(0)
layers = []
width = [1024] + [1000] * 5
for i in range(5):
    layers += [torch.nn.Linear(width[i], width[i + 1]), torch.nn.Tanh()]
layers.append(torch.nn.Linear(1000, 9))
model = torch.nn.Sequential(*layers)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss()
results = []
for batch in batches:
    x = torch.rand(batch, 1024)
    y = torch.randint(0, 9, (batch,))
    def step():
        optimizer.zero_grad(set_to_none=False)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    for _ in range(3):
        step()
    times = []
    for _ in range(repetitions):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    times.sort()
    results.append({"batch": batch, "median": times[len(times) // 2], "best": times[0]})
print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(), "note": None, "results": results}))
