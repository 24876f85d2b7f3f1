#!/usr/bin/python3
"""Builds tests/NixHumanity.Actors.Tests/Embeddings/tiny-minilm.onnx.

A tiny stand-in with exactly the I/O of an all-MiniLM-L6-v2 export, so the ONNX embedder's real code path
(tokenise -> int64 tensors -> InferenceSession.Run -> mask mean-pool -> L2) is tested without the 90 MB weights,
which cannot be downloaded on the project's machines.

Inputs : input_ids, attention_mask, token_type_ids  int64 [batch, seq]
Output : last_hidden_state                           float32 [batch, seq, 384]

    last_hidden_state[b, t, :] = W[input_ids[b, t] mod ROWS] + T[token_type_ids[b, t]] + attention_mask[b, t] * M

All three inputs are real inputs of the graph, and the values are integer formulas so the C# test
(TinyModelFormula in tests/.../Embeddings/OnnxSentenceEmbedderTests.cs) recomputes the expected output by hand:

    W[r, d] = (((r * 31 + d * 17) mod 97) - 48) / 48      stored as int8 numerator, scaled by 1/48 in the graph
    T[k, d] = (((k * 13 + d * 7) mod 11) - 5) / 10
    M[d]    = (((d * 5) mod 9) - 4) / 8

Run with Debian's python (apt-get install -y python3-onnx python3-numpy): /usr/bin/python3 tools/make-tiny-onnx.py
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROWS = 1024
DIM = 384


def main() -> None:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.join(root, "tests", "NixHumanity.Actors.Tests", "Embeddings", "tiny-minilm.onnx")

    r = np.arange(ROWS, dtype=np.int64)[:, None]
    d = np.arange(DIM, dtype=np.int64)[None, :]
    # int8 numerators keep the file small (~390 KB); the graph casts and scales them.
    w_num = (((r * 31 + d * 17) % 97) - 48).astype(np.int8)
    k = np.arange(2, dtype=np.int64)[:, None]
    t_tab = ((((k * 13 + d * 7) % 11) - 5) / 10.0).astype(np.float32)
    m_vec = ((((np.arange(DIM) * 5) % 9) - 4) / 8.0).astype(np.float32)

    inits = [
        numpy_helper.from_array(w_num, "word_numerators"),
        numpy_helper.from_array(np.array(1.0 / 48.0, dtype=np.float32), "word_scale"),
        numpy_helper.from_array(np.array(ROWS, dtype=np.int64), "rows"),
        numpy_helper.from_array(t_tab, "type_table"),
        numpy_helper.from_array(m_vec, "mask_vector"),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "last_axis"),
    ]
    nodes = [
        helper.make_node("Mod", ["input_ids", "rows"], ["row_ids"], fmod=0),
        helper.make_node("Cast", ["word_numerators"], ["word_numerators_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["word_numerators_f", "word_scale"], ["word_table"]),
        helper.make_node("Gather", ["word_table", "row_ids"], ["word_part"], axis=0),
        helper.make_node("Gather", ["type_table", "token_type_ids"], ["type_part"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "last_axis"], ["mask_3d"]),
        helper.make_node("Mul", ["mask_3d", "mask_vector"], ["mask_part"]),
        helper.make_node("Add", ["word_part", "type_part"], ["wt"]),
        helper.make_node("Add", ["wt", "mask_part"], ["last_hidden_state"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny-minilm",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("token_type_ids", TensorProto.INT64, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", DIM])],
        initializer=inits,
    )
    model = helper.make_model(graph, producer_name="nixhumanity-make-tiny-onnx",
                              opset_imports=[helper.make_opsetid("", 13)])
    # IR 8 keeps the file loadable by any ONNX Runtime of the last years.
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out)
    print(f"wrote {out} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    sys.exit(main())
