// The short text table of a GPU bench run (bench/gpu/entry.ts writes it beside the JSON).
import type { Parity } from './parity';

export interface RunRow {
  label: string;
  requestedSteps: number;
  steps: number;
  forwardPasses: number;
  tokens: number;
  wallMs: number;
  tokensPerSecond: number;
  medianForwardMs: number;
}

/** What bench/driver.mjs's benchEngine returns, or why there is nothing. */
export interface BackendResult {
  asked: 'webgpu' | 'wasm';
  backend?: string;
  threads?: number;
  reason?: string;
  loadMs?: number;
  tokens?: number;
  perStep?: { forwardMs: number; stepMs: number; engineMs: number; engineShare: number; samples: number };
  firstFrameMs?: number;
  runs?: RunRow[];
  error?: string;
  /** Set when the model moved to WASM during the measurement (its figures are then mixed). */
  switchedToWasm?: string;
  wallS?: number;
}

export interface ModelResult {
  name: string;
  params: number;
  variant: string;
  results: BackendResult[];
  /** WebGPU against WASM on one forward pass (bench/gpu/parity.ts). */
  parity?: Parity | { error: string };
  /** Seconds the check took; in the first model they include ORT's one-time start. */
  parityWallS?: number;
}

const f = (x: number | undefined, digits = 1) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

export function table(hardware: string, models: ModelResult[]): string {
  const lines = [hardware, ''];
  for (const m of models) {
    lines.push(`${m.name} (${(m.params / 1e6).toFixed(1)} M params, ${m.variant})`);
    for (const r of m.results) {
      if (r.error) {
        lines.push(`  ${r.asked}: FAILED: ${r.error}`);
        continue;
      }
      const on = r.backend === 'wasm' ? `wasm, ${r.threads} thread${r.threads === 1 ? '' : 's'}` : r.backend;
      const fell = r.backend !== r.asked ? ` (asked for ${r.asked}: ${r.reason})` : '';
      lines.push(
        `  ${on}${fell}: load ${f(r.loadMs, 0)} ms, forward ${f(r.perStep?.forwardMs, 2)} ms, ` +
          `engine ${f(r.perStep?.engineMs, 2)} ms/step (${f(100 * (r.perStep?.engineShare ?? NaN))} %), first frame ${f(r.firstFrameMs)} ms`,
      );
      if (r.switchedToWasm)
        lines.push(`    WARNING: moved to WASM during the runs, figures mixed: ${r.switchedToWasm}`);
      lines.push(
        `    ${'run'.padEnd(46)} ${'passes'.padStart(6)} ${'ms/step'.padStart(8)} ${'tokens/s'.padStart(9)} ${'fwd ms'.padStart(7)}`,
      );
      for (const run of r.runs ?? []) {
        lines.push(
          `    ${run.label.padEnd(46)} ${String(run.forwardPasses).padStart(6)} ${f(run.wallMs / run.steps, 2).padStart(8)} ` +
            `${f(run.tokensPerSecond).padStart(9)} ${f(run.medianForwardMs, 2).padStart(7)}`,
        );
      }
    }
    const p = m.parity;
    if (p && 'error' in p) lines.push(`  parity (WebGPU vs WASM): FAILED: ${p.error}`);
    else if (p) {
      lines.push(
        `  parity (WebGPU vs WASM, one pass): top-1 agrees on ${p.top1Agree}/${p.rows} rows, ` +
          `max |logit difference| ${p.maxAbsDiff.toExponential(2)} (largest |logit| ${f(p.maxAbsLogit, 1)}); ${f(m.parityWallS)} s`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
