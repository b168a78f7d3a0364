# Exports the test models with Debian's torch 1.13 (torch.onnx.export) into the folder given as argv[1].
# Run by OnnxModels at test time; nothing it writes is committed.
import sys, os, io
import torch
import torch.nn as nn

out = sys.argv[1]
torch.manual_seed(0)


def export(name, module, args, opset=13, **kw):
    torch.onnx.export(module, args, os.path.join(out, name + ".onnx"), opset_version=opset, **kw)


# MLP on 2-D input: Gemm(transB=1).
export("mlp", nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4)).eval(), (torch.randn(3, 8),))

# CNN: grouped Conv, depthwise Conv, ConvTranspose (grouped, strided).
class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.grouped = nn.Conv2d(8, 16, 3, groups=4)
        self.depthwise = nn.Conv2d(16, 16, 3, groups=16, padding=1)
        self.up = nn.ConvTranspose2d(16, 8, (3, 5), stride=2, groups=2)

    def forward(self, x):
        return self.up(torch.relu(self.depthwise(torch.relu(self.grouped(x)))))

export("cnn", Cnn().eval(), (torch.randn(1, 8, 10, 10),))

# BatchNorm. Right after a Conv, eval mode folds it into the Conv (new names); exported in training mode it stays a
# BatchNormalization node with its four tensors. After a ReLU it is not folded, and a fresh one's running_var and
# running_mean become Identity aliases of its weight (ones) and bias (zeros).
def conv_bn():
    return nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU())

export("bn_folded", conv_bn().eval(), (torch.randn(1, 3, 6, 6),))
export("bn_train", conv_bn().train(), (torch.randn(2, 3, 6, 6),), opset=14, training=torch.onnx.TrainingMode.TRAINING,
       do_constant_folding=False)
export("bn", nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.BatchNorm2d(8)).eval(), (torch.randn(1, 3, 6, 6),))

# Recurrent layers: one LSTM layer; a two-layer bidirectional GRU.
class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(3, 5)

    def forward(self, x):
        return self.rnn(x)[0]

class Gru(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(3, 5, num_layers=2, bidirectional=True)

    def forward(self, x):
        return self.rnn(x)[0]

export("lstm", Lstm().eval(), (torch.randn(7, 2, 3),))
export("gru", Gru().eval(), (torch.randn(7, 2, 3),))

# A small transformer block: embedding Gather, LayerNorm, Linear on 3-D input (MatMul + Add), a fresh encoder layer
# (torch merges its zero biases and unit scales through Identity nodes).
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 8)
        self.norm = nn.LayerNorm(8)
        self.fc = nn.Linear(8, 12)
        self.layer = nn.TransformerEncoderLayer(12, 2, dim_feedforward=20, dropout=0.0)

    def forward(self, ids):
        return self.layer(self.fc(self.norm(self.emb(ids))))

block = Block().eval()
ids = torch.randint(0, 50, (5, 2))
export("transformer", block, (ids,), opset=17, input_names=["ids"])
export("transformer13", block, (ids,), opset=13, input_names=["ids"])

# IR version 3 (before IR 4, every initializer must also be a graph input): the aliased BatchNorm again, opset 9.
import onnx
export("bn_ir3", nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.BatchNorm2d(8)).eval(), (torch.randn(1, 3, 6, 6),), opset=9,
       keep_initializers_as_inputs=True)
ir3 = onnx.load(os.path.join(out, "bn_ir3.onnx"))
ir3.ir_version = 3
onnx.save(ir3, os.path.join(out, "bn_ir3.onnx"))

# For analyze: a 20-layer ReLU MLP of width 64 with a dynamic batch axis.
layers = []
for _ in range(20):
    layers += [nn.Linear(64, 64), nn.ReLU()]
export("deep_relu", nn.Sequential(*layers).eval(), (torch.randn(4, 64),), input_names=["x"], output_names=["y"],
       dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})

# A parameter the planner cannot place (a Mul that follows no normalization): beside a Linear, and alone.
class Scaled(nn.Module):
    def __init__(self, linear):
        super().__init__()
        self.fc = nn.Linear(4, 4) if linear else None
        self.scale = nn.Parameter(torch.rand(4) + 0.5)

    def forward(self, x):
        return (self.fc(x) if self.fc is not None else x) * self.scale

export("scaled", Scaled(True).eval(), (torch.randn(2, 4),))
export("unplaceable", Scaled(False).eval(), (torch.randn(2, 4),))

# For analyze: a tanh MLP with a 1000 -> 10 classifier head (its gradient shrinks x10/1000 by its shape alone).
export("tanh_head", nn.Sequential(nn.Linear(100, 1000), nn.Tanh(), nn.Linear(1000, 1000), nn.Tanh(), nn.Linear(1000, 10)).eval(),
       (torch.randn(4, 100),), input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
