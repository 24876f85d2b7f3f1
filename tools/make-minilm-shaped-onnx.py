#!/usr/bin/python3
"""Builds an ONNX graph with exactly the architecture and tensor shapes of all-MiniLM-L6-v2, with random weights.

COST STAND-IN ONLY. This is not a working sentence model: its weights are seeded random numbers, so its vectors
mean nothing. It exists because the real weights cannot be downloaded on the project's machines, while the cost of
InferenceSession.Run depends on the architecture and the shapes (the same FLOPs, the same operators, the same
memory traffic), not on the weight values. It lets the issue-4 target "embedding adds <= 5 % over a bare ONNX
Runtime Run on the same batch" be measured (benchmarks/NixHumanity.EmbeddingBenchmarks). Never use it for quality.

Architecture (BERT encoder, models/all-MiniLM-L6-v2/config.json): vocab 30522, hidden 384, 6 layers, 12 attention
heads (of 384 / 12 = 32 dimensions each, as BERT splits the hidden size), intermediate 1536, GELU (erf form), max
positions 512, type vocab 2, LayerNorm eps 1e-12, no pooler.

    embeddings = LayerNorm(word[input_ids] + token_type[token_type_ids] + position[0..seq))
    mask_add   = (1 - attention_mask[:, None, None, :]) * float32.min      (as transformers 4.27 exports it)
    per layer  : q, k, v = h Wq + bq, h Wk + bk, h Wv + bv  -> [b, 12, s, 32]
                 ctx = Softmax(q k^T / sqrt(32) + mask_add) v -> [b, s, 384]
                 a   = LayerNorm(ctx Wo + bo + h)
                 h   = LayerNorm(GELU(a Wi + bi) Wf + bf + a)  (384 -> 1536 -> 384)
    output     : last_hidden_state = h   float32 [batch, seq, 384]

The operators follow what torch.onnx exports for transformers' BertModel (MatMul + Add for Linear, Reshape/Transpose
to heads with K transposed by perm 0,2,3,1, Div by sqrt(32), Div/Erf/Add/Mul/Mul for GELU), so ONNX Runtime applies
the same session-time fusions (LayerNorm, SkipLayerNorm, BiasGelu, ...). Two simplifications, both negligible in
cost: LayerNormalization is one opset-17 operator rather than the decomposed ReduceMean/Sub/Pow/... chain that ONNX
Runtime fuses back into it, and the head reshapes use constant shapes ([0, 0, 12, 32]) instead of a Shape/Gather/
Concat chain per layer.

Inputs : input_ids, attention_mask, token_type_ids  int64 [batch, seq] (dynamic)
Output : last_hidden_state                           float32 [batch, seq, 384]
Weights: float32, normal(0, 0.02) from numpy's PCG64 seeded with --seed (LayerNorm scales 1 + normal(0, 0.02));
         no zeros or ones, so no Add/Mul can be removed as a no-op. 22,565,376 parameters, about 90 MB, like the
         published fp32 exports (90,387,606 bytes).

Run with Debian's python (apt-get install -y python3-onnx python3-numpy):
    /usr/bin/python3 tools/make-minilm-shaped-onnx.py [OUTPUT] [--seed N]
OUTPUT defaults to benchmarks/data/minilm-shaped.onnx (git-ignored; never commit the file). The same seed gives the
same bytes with the same onnx/numpy versions; the benchmark passes the file's sha256 it computes itself.
"""
import argparse
import hashlib
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

VOCAB = 30522
HIDDEN = 384
LAYERS = 6
HEADS = 12
HEAD_SIZE = 32  # hidden 384 / 12 heads
INTERMEDIATE = 1536
MAX_POSITIONS = 512
TYPE_VOCAB = 2
LN_EPS = 1e-12
OPSET = 17


class Builder:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.nodes = []
        self.inits = []
        self.params = 0

    def weight(self, name: str, shape, kind: str = "normal") -> str:
        values = self.rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)
        if kind == "scale":
            values += np.float32(1.0)
        self.inits.append(numpy_helper.from_array(values.astype(np.float32), name))
        self.params += values.size
        return name

    def const(self, name: str, value) -> str:
        self.inits.append(numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, inputs, name: str, **attrs) -> str:
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(self, x: str, prefix: str, n_in: int, n_out: int) -> str:
        w = self.weight(f"{prefix}.weight_t", (n_in, n_out))
        b = self.weight(f"{prefix}.bias", (n_out,))
        return self.node("Add", [self.node("MatMul", [x, w], f"{prefix}/MatMul"), b], f"{prefix}/Add")

    def layer_norm(self, x: str, prefix: str) -> str:
        scale = self.weight(f"{prefix}.weight", (HIDDEN,), "scale")
        bias = self.weight(f"{prefix}.bias", (HIDDEN,))
        return self.node("LayerNormalization", [x, scale, bias], f"{prefix}/LayerNormalization",
                         axis=-1, epsilon=LN_EPS)


def build(seed: int):
    assert HEADS * HEAD_SIZE == HIDDEN
    g = Builder(seed)
    g.const("heads_shape", np.array([0, 0, HEADS, HEAD_SIZE], dtype=np.int64))
    g.const("hidden_shape", np.array([0, 0, HIDDEN], dtype=np.int64))
    g.const("one", np.array(1.0, dtype=np.float32))
    g.const("half", np.array(0.5, dtype=np.float32))
    g.const("sqrt2", np.array(np.sqrt(2.0), dtype=np.float32))
    g.const("sqrt_head", np.array(np.sqrt(HEAD_SIZE), dtype=np.float32))
    g.const("mask_min", np.array(np.finfo(np.float32).min, dtype=np.float32))
    g.const("axis1", np.array([1], dtype=np.int64))
    g.const("axis2", np.array([2], dtype=np.int64))
    g.const("zero1", np.array([0], dtype=np.int64))
    g.const("two1", np.array([2], dtype=np.int64))
    g.const("position_ids", np.arange(MAX_POSITIONS, dtype=np.int64)[None, :])

    # Embeddings.
    word = g.weight("embeddings.word_embeddings.weight", (VOCAB, HIDDEN))
    position = g.weight("embeddings.position_embeddings.weight", (MAX_POSITIONS, HIDDEN))
    token_type = g.weight("embeddings.token_type_embeddings.weight", (TYPE_VOCAB, HIDDEN))
    input_shape = g.node("Shape", ["input_ids"], "embeddings/Shape")
    seq_len = g.node("Slice", [input_shape, "axis1", "two1"], "embeddings/SeqLen")
    pos_ids = g.node("Slice", ["position_ids", "zero1", seq_len, "axis1"], "embeddings/PositionIds")
    x = g.node("Gather", [word, "input_ids"], "embeddings/word/Gather", axis=0)
    x = g.node("Add", [x, g.node("Gather", [token_type, "token_type_ids"], "embeddings/token_type/Gather", axis=0)],
               "embeddings/Add")
    x = g.node("Add", [x, g.node("Gather", [position, pos_ids], "embeddings/position/Gather", axis=0)],
               "embeddings/Add_1")
    h = g.layer_norm(x, "embeddings.LayerNorm")

    # Extended attention mask, shared by all layers: [b, 1, 1, s].
    m = g.node("Unsqueeze", ["attention_mask", "axis1"], "mask/Unsqueeze")
    m = g.node("Unsqueeze", [m, "axis2"], "mask/Unsqueeze_1")
    m = g.node("Cast", [m], "mask/Cast", to=TensorProto.FLOAT)
    m = g.node("Sub", ["one", m], "mask/Sub")
    mask_add = g.node("Mul", [m, "mask_min"], "mask/Mul")

    for i in range(LAYERS):
        p = f"encoder.layer.{i}"
        heads = {}
        for part, perm in (("query", [0, 2, 1, 3]), ("key", [0, 2, 3, 1]), ("value", [0, 2, 1, 3])):
            y = g.linear(h, f"{p}.attention.self.{part}", HIDDEN, HIDDEN)
            y = g.node("Reshape", [y, "heads_shape"], f"{p}.attention.self.{part}/Reshape")
            heads[part] = g.node("Transpose", [y], f"{p}.attention.self.{part}/Transpose", perm=perm)
        s = g.node("MatMul", [heads["query"], heads["key"]], f"{p}.attention.self/MatMul")
        s = g.node("Div", [s, "sqrt_head"], f"{p}.attention.self/Div")
        s = g.node("Add", [s, mask_add], f"{p}.attention.self/Add")
        s = g.node("Softmax", [s], f"{p}.attention.self/Softmax", axis=-1)
        c = g.node("MatMul", [s, heads["value"]], f"{p}.attention.self/MatMul_1")
        c = g.node("Transpose", [c], f"{p}.attention.self/Transpose", perm=[0, 2, 1, 3])
        c = g.node("Reshape", [c, "hidden_shape"], f"{p}.attention.self/Reshape")
        a = g.linear(c, f"{p}.attention.output.dense", HIDDEN, HIDDEN)
        a = g.node("Add", [a, h], f"{p}.attention.output/Add")
        a = g.layer_norm(a, f"{p}.attention.output.LayerNorm")

        f = g.linear(a, f"{p}.intermediate.dense", HIDDEN, INTERMEDIATE)
        e = g.node("Div", [f, "sqrt2"], f"{p}.intermediate/Div")
        e = g.node("Erf", [e], f"{p}.intermediate/Erf")
        e = g.node("Add", [e, "one"], f"{p}.intermediate/Add")
        e = g.node("Mul", [f, e], f"{p}.intermediate/Mul")
        f = g.node("Mul", [e, "half"], f"{p}.intermediate/Mul_1")
        o = g.linear(f, f"{p}.output.dense", INTERMEDIATE, HIDDEN)
        o = g.node("Add", [o, a], f"{p}.output/Add")
        h = g.layer_norm(o, f"{p}.output.LayerNorm")

    g.nodes.append(helper.make_node("Identity", [h], ["last_hidden_state"], name="last_hidden_state/Identity"))

    graph = helper.make_graph(
        g.nodes,
        "minilm-l6-shaped-random",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("token_type_ids", TensorProto.INT64, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", HIDDEN])],
        initializer=g.inits,
    )
    model = helper.make_model(graph, producer_name="nixhumanity-make-minilm-shaped-onnx",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    model.doc_string = ("Cost stand-in with all-MiniLM-L6-v2's architecture and shapes and RANDOM weights "
                        f"(seed {seed}); not a sentence model.")
    expected = (VOCAB + MAX_POSITIONS + TYPE_VOCAB + 2) * HIDDEN + LAYERS * (
        4 * (HIDDEN * HIDDEN + HIDDEN) + (HIDDEN * INTERMEDIATE + INTERMEDIATE)
        + (INTERMEDIATE * HIDDEN + HIDDEN) + 4 * HIDDEN)
    assert g.params == expected, (g.params, expected)
    return model, g.params


def reference(model: onnx.ModelProto, ids) -> np.ndarray:
    """The BERT forward pass in numpy from the model's initializers, independent of the graph's wiring: the
    mean-pooled, L2-normalised vector of one unpadded text. The benchmark prints the embedder's vector of the same
    ids, so the two can be compared (they agree to about 1e-6 when the graph is the architecture described above)."""
    w = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}

    def ln(x, p):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + LN_EPS) * w[p + ".weight"] + w[p + ".bias"]

    def lin(x, p):
        return x @ w[p + ".weight_t"] + w[p + ".bias"]

    ids = np.asarray(ids)
    n = len(ids)
    h = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.token_type_embeddings.weight"][0]
         + w["embeddings.position_embeddings.weight"][:n])
    h = ln(h, "embeddings.LayerNorm")
    erf = np.vectorize(math.erf)
    for i in range(LAYERS):
        p = f"encoder.layer.{i}"
        q, k, v = (lin(h, f"{p}.attention.self.{part}").reshape(n, HEADS, HEAD_SIZE).transpose(1, 0, 2)
                   for part in ("query", "key", "value"))
        s = q @ k.transpose(0, 2, 1) / math.sqrt(HEAD_SIZE)
        s = np.exp(s - s.max(-1, keepdims=True))
        c = (s / s.sum(-1, keepdims=True)) @ v
        a = ln(lin(c.transpose(1, 0, 2).reshape(n, HIDDEN), f"{p}.attention.output.dense") + h,
               f"{p}.attention.output.LayerNorm")
        f = lin(a, f"{p}.intermediate.dense")
        f = 0.5 * f * (1.0 + erf(f / math.sqrt(2.0)))
        h = ln(lin(f, f"{p}.output.dense") + a, f"{p}.output.LayerNorm")
    pooled = h.mean(0)
    return pooled / np.linalg.norm(pooled)


def main() -> int:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", default=os.path.join(root, "benchmarks", "data", "minilm-shaped.onnx"))
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--reference-ids", default="101,16500,2458,5906,102",
                        help="token ids of one text for the numpy reference pass ('install development tools')")
    args = parser.parse_args()

    model, params = build(args.seed)
    onnx.checker.check_model(model)
    # Shape inference over the whole graph: every dimension must come out as [batch, seq, 384] at the end.
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    out_dims = [d.dim_param or d.dim_value for d in inferred.graph.output[0].type.tensor_type.shape.dim]
    assert out_dims == ["batch", "seq", HIDDEN], out_dims

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    onnx.save(model, args.output)
    with open(args.output, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    print(f"wrote {args.output}: {os.path.getsize(args.output)} bytes, {params} parameters, "
          f"{len(model.graph.node)} nodes, opset {OPSET}, seed {args.seed}")
    print(f"sha256 {sha}")
    ids = [int(t) for t in args.reference_ids.split(",")]
    vector = reference(model, ids)
    print(f"numpy reference, ids [{', '.join(map(str, ids))}]: pooled+L2 [0:6] = "
          + " ".join(f"{x:.6f}" for x in vector[:6]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
