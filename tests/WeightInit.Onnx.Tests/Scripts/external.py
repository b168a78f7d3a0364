# argv: model.onnx folder mode. Saves model.onnx into folder as model.onnx with every initializer in external data
# (mode "good": location "weights.bin"), or with one location outside the folder (mode "parent": "../weights.bin";
# mode "absolute": an absolute path), without reading any data back.
import sys, os
import onnx
from onnx.external_data_helper import set_external_data

source, folder, mode = sys.argv[1:4]
m = onnx.load(source)
onnx.save_model(m, os.path.join(folder, "model.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                location="weights.bin", size_threshold=0)
if mode != "good":
    m = onnx.load(os.path.join(folder, "model.onnx"), load_external_data=False)
    t = m.graph.initializer[0]
    location = "../weights.bin" if mode == "parent" else os.path.abspath(os.path.join(folder, "weights.bin"))
    for e in t.external_data:
        if e.key == "location":
            e.value = location
    onnx.save_model(m, os.path.join(folder, "model.onnx"))
