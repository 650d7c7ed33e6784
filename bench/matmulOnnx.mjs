// Builds the bytes of a one-node ONNX model, Y = X · W with X [m, k] fed at run time and W [k, n] a
// float32 initializer: the roofline the benchmark compares each figure to. Hand-written protobuf
// (a few field numbers from onnx.proto) so the bench needs no ONNX tooling.

const enc = new TextEncoder();

function varint(n) {
  const out = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

function concat(parts) {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// Wire type 0 (varint) and 2 (length-delimited).
const vint = (field, n) => Uint8Array.from([...varint((field << 3) | 0), ...varint(n)]);
const bytes = (field, b) => concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(b.length)]), b]);
const str = (field, s) => bytes(field, enc.encode(s));

const FLOAT = 1;

// ValueInfoProto { name = 1; type = 2 } ; TypeProto { tensor_type = 1 } ;
// TypeProto.Tensor { elem_type = 1; shape = 2 } ; TensorShapeProto { dim = 1 } ; Dimension { dim_value = 1 }
function valueInfo(name, dims) {
  const shape = concat(dims.map((d) => bytes(1, vint(1, d))));
  const tensorType = concat([vint(1, FLOAT), bytes(2, shape)]);
  return concat([str(1, name), bytes(2, bytes(1, tensorType))]);
}

/** @param {number} m @param {number} k @param {number} n @param {number} [seed] */
export function matmulModel(m, k, n, seed = 1) {
  const w = new Float32Array(k * n);
  let s = seed >>> 0;
  for (let i = 0; i < w.length; i++) {
    // Any non-trivial values: a small LCG keeps the build deterministic.
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    w[i] = (s / 2 ** 32 - 0.5) * 0.1;
  }
  // TensorProto { dims = 1; data_type = 2; name = 8; raw_data = 9 }
  const init = concat([vint(1, k), vint(1, n), vint(2, FLOAT), str(8, 'W'), bytes(9, new Uint8Array(w.buffer))]);
  // NodeProto { input = 1; output = 2; name = 3; op_type = 4 }
  const node = concat([str(1, 'X'), str(1, 'W'), str(2, 'Y'), str(3, 'mm'), str(4, 'MatMul')]);
  // GraphProto { node = 1; name = 2; initializer = 5; input = 11; output = 12 }
  const graph = concat([
    bytes(1, node),
    str(2, 'matmul'),
    bytes(5, init),
    bytes(11, valueInfo('X', [m, k])),
    bytes(12, valueInfo('Y', [m, n])),
  ]);
  // ModelProto { ir_version = 1; producer_name = 2; graph = 7; opset_import = 8 }
  // OperatorSetIdProto { domain = 1; version = 2 }
  return concat([vint(1, 8), str(2, 'unmask-bench'), bytes(7, graph), bytes(8, concat([str(1, ''), vint(2, 17)]))]);
}

/** Shape [seq, k] x [k, n] with about `flops` floating-point operations (2·m·k·n), k = n. */
export function matmulShapeFor(flops, seq) {
  const side = Math.max(16, Math.round(Math.sqrt(flops / (2 * seq)) / 16) * 16);
  return { m: seq, k: side, n: side, flops: 2 * seq * side * side };
}
