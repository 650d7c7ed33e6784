// The benchmark plan, written once against the worker protocol (WorkerIn / WorkerOut), so Node
// (the host module driven directly) and the browser (the built app worker) run the same steps.
// Plain JS: it is loaded as-is by the bench page.

export const median = (xs) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One message loop over an engine {send(msg), subscribe(cb) -> unsubscribe}. */
function waitFor(engine, pred) {
  return new Promise((resolve, reject) => {
    const un = engine.subscribe((m) => {
      if (m.type === 'error') {
        un();
        reject(new Error(`${m.code}: ${m.message}`));
      } else if (pred(m)) {
        un();
        resolve(m);
      }
    });
  });
}

// Request ids: every reply names the request it answers (src/worker/protocol.ts).
let nextId = 1;

export async function loadEngine(engine, backend, now) {
  const t0 = now();
  const id = nextId++;
  const ready = waitFor(engine, (m) => m.type === 'ready' && m.id === id);
  engine.send({ type: 'load', id, backend });
  const m = await ready;
  return { ms: now() - t0, backend: m.backend, reason: m.reason, model: m.model };
}

/** Runs one generation; settings are partial (the worker fills the defaults and clamps). */
export async function runOnce(engine, segments, settings, now) {
  const runId = nextId++;
  const forwardMs = [];
  const frameAt = [];
  let started = null;
  const done = new Promise((resolve, reject) => {
    const un = engine.subscribe((m) => {
      if (m.type === 'error' && m.code !== 'busy' && m.code !== 'bad-request') {
        // The engine itself failed (whatever request the error names).
        un();
        reject(new Error(`${m.code}: ${m.message}`));
      } else if (m.type === 'error' && m.id === runId) {
        un();
        reject(new Error(`${m.code}: ${m.message}`));
      } else if (m.id !== runId) {
        // a notice, or another run
      } else if (m.type === 'started') {
        started = { at: now(), totalSteps: m.totalSteps };
      } else if (m.type === 'frame') {
        forwardMs.push(m.frame.forwardMs);
        frameAt.push(now());
      } else if (m.type === 'done' || m.type === 'cancelled') {
        un();
        resolve(m);
      }
    });
  });
  const t0 = now();
  engine.send({ type: 'generate', id: runId, request: { segments, settings } });
  const end = await done;
  const wallMs = now() - t0;
  if (end.type !== 'done') throw new Error(`run ${runId} was cancelled`);
  const stepMs = frameAt.map((t, i) => t - (i === 0 ? started.at : frameAt[i - 1]));
  // Generate to the first frame on the page: request, canvas, one forward pass, one step, the frame.
  const firstFrameMs = frameAt[0] - t0;
  return { forwardMs, stepMs, wallMs, firstFrameMs, stats: end.stats, totalSteps: started.totalSteps };
}

/**
 * opts: { warmupPasses, stepsList, matmul: async () => ms per matmul (median), log }
 * Returns the figures for one engine on one backend.
 */
export async function benchEngine(engine, opts) {
  const now = opts.now;
  const log = opts.log ?? (() => undefined);
  const load = await loadEngine(engine, opts.backend, now);
  log(`loaded on ${load.backend} in ${load.ms.toFixed(0)} ms (${load.reason})`);
  const L = Math.min(128, load.model.context);
  const passage = [{ kind: 'blank', length: L }];
  const seed = 1;

  // Warm-up: V8/ORT compile lazily; the first passes are several times slower.
  let warm = 0;
  while (warm < opts.warmupPasses) {
    const r = await runOnce(engine, passage, { steps: Math.min(L, opts.warmupPasses - warm), seed }, now);
    warm += r.forwardMs.length;
  }
  log(`warm-up: ${warm} forward passes`);

  // Unmasking alone (no refinement), so that "N steps" is N forward passes.
  const plain = { seed, refineRounds: 0 };
  const probe = await runOnce(engine, passage, { ...plain, steps: Math.min(L, opts.probeSteps ?? 32) }, now);
  const engineMs = probe.stepMs.map((ms, i) => ms - probe.forwardMs[i]);
  const perStep = {
    forwardMs: median(probe.forwardMs),
    stepMs: median(probe.stepMs),
    // Sampling, scoring, frame building and the frame's trip to the page: the step minus its pass.
    engineMs: median(engineMs),
    engineShare:
      probe.stepMs.reduce((a, b) => a + b, 0) > 0
        ? engineMs.reduce((a, b) => a + b, 0) / probe.stepMs.reduce((a, b) => a + b, 0)
        : NaN,
    samples: probe.forwardMs.length,
  };
  log(
    `median forward ${perStep.forwardMs.toFixed(2)} ms, step ${perStep.stepMs.toFixed(2)} ms, engine ${(100 * perStep.engineShare).toFixed(1)} % of the steps`,
  );

  // Warm: Generate to the first frame, the median of a few one-step runs (a first frame costs the
  // same whatever the step count: every slot is masked, one pass, one step).
  const firsts = [];
  for (let i = 0; i < (opts.firstFrameRuns ?? 5); i++) {
    const r = await runOnce(engine, passage, { seed: seed + i, steps: 1, refineRounds: 0 }, now);
    firsts.push(r.firstFrameMs);
  }
  const firstFrameMs = median(firsts);
  log(`first frame (warm) ${firstFrameMs.toFixed(1)} ms`);

  const runs = [];
  const record = (label, requestedSteps, r) => {
    runs.push({
      label,
      requestedSteps,
      steps: r.totalSteps,
      forwardPasses: r.stats.forwardPasses,
      tokens: L,
      wallMs: r.stats.totalMs,
      tokensPerSecond: r.stats.tokensPerSecond,
      medianForwardMs: median(r.forwardMs),
    });
    log(`${label}: ${r.stats.tokensPerSecond.toFixed(1)} tokens/s, ${r.stats.forwardPasses} passes`);
  };
  for (const steps of opts.stepsList)
    record(`${steps} steps`, steps, await runOnce(engine, passage, { ...plain, steps }, now));
  if (opts.appDefaults)
    record('app defaults (32 steps + 2 refinement rounds)', 32, await runOnce(engine, passage, { seed }, now));
  if (opts.leftToRight) {
    // The same bidirectional model resolving one token per pass in position order; every pass
    // reads the whole canvas again (no KV cache: the model is not causal, so none applies).
    record(
      'left-to-right (1 token per pass)',
      L,
      await runOnce(engine, passage, { ...plain, strategy: 'left-to-right' }, now),
    );
  }
  const l2r = runs.find((r) => r.label.startsWith('left-to-right'));
  for (const r of runs) {
    // Ratios within this one run of the bench: comparable even on a loaded machine.
    r.speedVsLeftToRight = l2r ? r.tokensPerSecond / l2r.tokensPerSecond : NaN;
    r.passesVsLeftToRight = l2r ? r.forwardPasses / l2r.forwardPasses : NaN;
  }
  return {
    backend: load.backend,
    threads: load.model.threads,
    reason: load.reason,
    loadMs: load.ms,
    fromCache: load.model.fromCache,
    tokens: L,
    params: load.model.params,
    perStep,
    firstFrameMs,
    runs,
  };
}

/** Times `run` (one matmul) after warm-up; returns the median in ms. */
export async function timeMatmul(run, now, warmup, samples) {
  for (let i = 0; i < warmup; i++) await run();
  const ms = [];
  for (let i = 0; i < samples; i++) {
    const t0 = now();
    await run();
    ms.push(now() - t0);
  }
  return median(ms);
}
