// An ORT InferenceSession as the engine's LogitsFn: ids [N] and positions [P] -> logits [P * V]. The ORT module is
// passed in: the worker uses 'onnxruntime-web/webgpu' (one wasm serving both providers), the Node
// tests 'onnxruntime-web'; the two have the same API.
import type * as OrtNs from 'onnxruntime-web';
import { selectRows } from '../engine/rows';
import type { Logits, LogitsFn, RowSummary } from '../engine/types';
import type { Backend } from './types';
import { RuntimeError, ACTIONS, messageOf } from './errors';

export type Ort = typeof OrtNs;

export interface LogitsSession {
  readonly backend: Backend;
  readonly logits: LogitsFn;
  release(): Promise<void>;
}

/**
 * Threads for the WASM provider. Threads need cross-origin isolation (SharedArrayBuffer). On two
 * cores both are used (measured 43 -> 28 ms per forward); on more, one core is left to the page.
 */
export function wasmThreads(isolated: boolean, cores: number | undefined): number {
  if (!isolated) return 1;
  const n = cores && cores > 0 ? cores : 2;
  return n <= 2 ? n : Math.min(4, n - 1);
}

/** Must run before the first session: ORT reads these once, when it loads its wasm. */
export function configureOrt(ort: Ort, threads: number): void {
  ort.env.wasm.numThreads = threads;
  // We are already off the main thread (or in Node): no extra proxy worker.
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
}

export async function openSession(
  ort: Ort,
  model: Uint8Array,
  backend: Backend,
  vocabSize: number,
): Promise<LogitsSession> {
  const session = await ort.InferenceSession.create(model, {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
    // ORT's worker threads spin after each pass by default; between passes the engine samples on
    // this thread, and on a two-core machine spinning threads would take its cores.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  if (!session.inputNames.includes('input_ids') || !session.outputNames.includes('logits')) {
    await session.release();
    throw new RuntimeError(
      'corrupt-model',
      `The model has inputs [${session.inputNames}] and outputs [${session.outputNames}]; expected input_ids -> logits`,
      ACTIONS.corrupt,
    );
  }

  // Graphs exported with a `positions` input compute the output head only at the slots asked for
  // (models/pipeline/export.py): the engine asks for the still-masked ones. Older graphs compute
  // every slot, and the rows asked for are copied out.
  const hasPositions = session.inputNames.includes('positions');
  // Graphs exported with the row summary (models/pipeline/rowsummary.py) also return what a step
  // scores each row by; the engine then skips its own pass over the row.
  const hasSummary = hasPositions && SUMMARY_OUTPUTS.every((name) => session.outputNames.includes(name));
  const logits: LogitsFn = async (ids, positions) => {
    const n = ids.length;
    const rows = hasPositions ? (positions?.length ?? n) : n;
    const feeds: Record<string, OrtNs.Tensor> = {
      input_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from(ids, (v) => BigInt(v)),
        [1, n],
      ),
    };
    if (hasPositions) {
      const at = new BigInt64Array(rows);
      for (let j = 0; j < rows; j++) at[j] = BigInt(positions ? positions[j] : j);
      feeds.positions = new ort.Tensor('int64', at, [1, rows]);
    }
    const out = await session.run(feeds);
    const t = out.logits;
    const [b, s, v] = t.dims;
    if (t.type !== 'float32' || t.dims.length !== 3 || b !== 1 || s !== rows || v !== vocabSize) {
      throw new RuntimeError(
        'internal',
        `The model returned logits of type ${t.type} and shape [${t.dims}]; expected float32 [1, ${rows}, ${vocabSize}]`,
        ACTIONS.reload,
      );
    }
    const data: Logits = t.data as Float32Array;
    if (hasSummary) data.summary = readSummary(out, rows);
    return !hasPositions && positions ? selectRows(data, n, positions) : data;
  };

  return {
    backend,
    logits,
    release: async () => {
      try {
        await session.release();
      } catch (err) {
        // Releasing a session whose GPU device is gone can throw; nothing is left to free then.
        console.warn(`Releasing the ${backend} session failed: ${messageOf(err)}`);
      }
    },
  };
}

const SUMMARY_OUTPUTS = ['top2_logits', 'top2_ids', 'top_prob'];

/** The row summary of one pass, or undefined when its outputs do not have the documented shapes
 * (the engine then reads the logits alone). */
function readSummary(out: Record<string, OrtNs.Tensor>, rows: number): RowSummary | undefined {
  const top = out.top2_logits;
  const ids = out.top2_ids;
  const prob = out.top_prob;
  if (top.type !== 'float32' || ids.type !== 'int64' || prob.type !== 'float32') return undefined;
  if (top.size !== 2 * rows || ids.size !== 2 * rows || prob.size !== rows) return undefined;
  const wide = ids.data as BigInt64Array;
  const top2Ids = new Int32Array(2 * rows);
  for (let k = 0; k < 2 * rows; k++) top2Ids[k] = Number(wide[k]);
  return { top2Logits: top.data as Float32Array, top2Ids, topProb: prob.data as Float32Array };
}
