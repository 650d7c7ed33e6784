// `npm run bench` (after `vite build`): generation speed of the shipped model
//   (a) in Node, onnxruntime-web WASM, 1 thread, through the worker host;
//   (b) in headless Chromium, through the built app worker: WASM, then WebGPU on SwiftShader
//       (a CPU emulation of a GPU: correct but not meaningful for speed, so it runs a short plan).
// Every figure is also given against a roofline: one fp32 MatMul of the same FLOPs as one forward
// pass (2 · params · tokens), on the same backend and threads. Prints a table and writes
// bench/results/bench.json. Nothing is downloaded.
// "Left-to-right" here is the same bidirectional model resolving one token per forward pass in
// position order, each pass over the whole canvas: there is no KV cache (the model is not causal),
// so it is not what an autoregressive model of this size would do. Speeds are given as ratios to
// it within this one run, beside the forward passes each run took, so a loaded machine compares fairly.
// Flags: --no-node, --no-browser, --no-wasm, --no-webgpu, --no-lighthouse skip parts; --ready-only runs in the browser
// only "page opened to ready" (writes bench/results/ready.json). The machine's load average
// is recorded with the results: on a busy machine the figures are not comparable.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { benchEngine, timeMatmul } from './driver.mjs';
import { matmulShapeFor } from './matmulOnnx.mjs';
import { startServer } from './server.mjs';
import { audit } from './lighthouse.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const modelDir = resolve(root, 'models/unmask-small');
const args = new Set(process.argv.slice(2));
// --ready-only: in the browser, only "page opened to ready (model cached)" and its phases.
const READY_ONLY = args.has('--ready-only');
const READY_OPENINGS = 3;
const WARMUP = 20;
const STEPS = [16, 32, 64, 128];
const now = () => performance.now();
const log = (s) => console.log(`  ${s}`);

// The passage is as long as the context allows, up to 128 tokens; one forward pass over it costs
// about 2 · params · tokens FLOPs (attention is left out: it is small at this length).
const config = JSON.parse(readFileSync(resolve(modelDir, 'config.json'), 'utf8'));
const TOKENS = Math.min(128, config.context);
const SHAPE = matmulShapeFor(2 * config.params * TOKENS, TOKENS);

async function nodeBench() {
  console.log('(a) Node, onnxruntime-web WASM, 1 thread');
  const { module } = await runnerImport(resolve(root, 'bench/nodeBench.ts'), {
    configFile: false,
    root,
    logLevel: 'error',
  });
  const engine = module.nodeEngine(modelDir, 1);
  const result = await benchEngine(engine, {
    backend: 'wasm',
    warmupPasses: WARMUP,
    stepsList: STEPS,
    leftToRight: true,
    appDefaults: true,
    now,
    log,
  });
  const run = await module.nodeMatmul(SHAPE.m, SHAPE.k, SHAPE.n);
  const ms = await timeMatmul(run, now, WARMUP, 30);
  return { where: 'node', threads: 1, ...result, matmul: { ...SHAPE, ms, gflops: SHAPE.flops / ms / 1e6 } };
}

// Marks 'unmask:<phase>' of the page and of its workers (src/runtime/loadMarks.ts), in ms from the
// page's navigation start, in time order, with each phase's time since the mark before.
async function readyPhases(page) {
  const read = () => ({
    origin: performance.timeOrigin,
    marks: performance
      .getEntriesByType('mark')
      .filter((m) => m.name.startsWith('unmask:'))
      .map((m) => [m.name.slice(7), m.startTime]),
  });
  const pageLine = await page.evaluate(read);
  const marks = pageLine.marks.map(([name, at]) => ({ name, at }));
  // The app's worker is the first; ORT's thread workers after it sit blocked in wasm, where an
  // evaluate never returns (and a pending one breaks later pages): those are not asked.
  const line = await page.workers()[0]?.evaluate(read);
  if (line) {
    const rel = (t) => line.origin + t - pageLine.origin;
    // A worker's time origin is when the page asked for it.
    marks.push({ name: 'worker requested', at: rel(0) }, ...line.marks.map(([name, at]) => ({ name, at: rel(at) })));
  }
  marks.sort((a, b) => a.at - b.at);
  return marks.map((m, i) => ({
    mark: m.name,
    atMs: Math.round(m.at),
    phaseMs: Math.round(m.at - (i > 0 ? marks[i - 1].at : 0)),
  }));
}

// "Open a page whose model is cached": a new page in the same profile, timed from its navigation
// start to the worker's ready, with the phases in between.
async function openReady(context, port, worker, backend) {
  const page = await context.newPage();
  await page.goto(
    `http://127.0.0.1:${port}/bench/?ready=${encodeURIComponent(`/assets/${worker}`)}&backend=${backend}`,
  );
  const r = await page.evaluate(() => window.readyResult);
  r.phases = await readyPhases(page);
  await page.close();
  return r;
}

async function browserBench(port, backend, plan) {
  const { chromium } = await import('playwright-core');
  const extra = backend === 'webgpu' ? ['--enable-unsafe-webgpu'] : ['--disable-gpu'];
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', ...extra],
  });
  try {
    // One profile for all pages: the later ones find the model and the wasm in the caches.
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'log' && log(m.text()));
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${port}/bench/`);
    await page.waitForFunction(() => window.benchReady === true);
    const worker = readdirSync(resolve(root, 'dist/assets')).find((f) => /^unmask\.worker-.*\.js$/.test(f));
    if (!worker) throw new Error('no unmask.worker-*.js in dist/assets: run `vite build` first');
    const workerUrl = `/assets/${worker}`;
    const result = READY_ONLY
      ? { firstLoad: await page.evaluate((opts) => window.loadOnce(opts), { workerUrl, backend }) }
      : await page.evaluate((opts) => window.runBench(opts), { workerUrl, backend, ...plan });
    await page.close();
    // Several openings: the first after a download can differ from later ones (compiled code caches).
    result.readyOpenings = [];
    for (let i = 0; i < READY_OPENINGS; i++) {
      const r = await openReady(context, port, worker, backend);
      log(`page opened to ready (model cached), opening ${i + 1}: ${r.ms.toFixed(0)} ms`);
      result.readyOpenings.push(r);
    }
    const sorted = [...result.readyOpenings].sort((a, b) => a.ms - b.ms);
    result.readyFromCache = sorted[sorted.length >> 1];
    log(`phases of the median opening (ms from navigation start, +ms since the mark before):`);
    for (const p of result.readyFromCache.phases)
      log(`  ${String(p.atMs).padStart(5)}  +${String(p.phaseMs).padEnd(5)} ${p.mark}`);
    return result;
  } finally {
    await browser.close();
  }
}

function table(rows) {
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(width[i])).join('  ');
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => r[c])))].join(
    '\n',
  );
}

function rowsOf(label, r) {
  const roofFwd = r.matmul.ms;
  const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const row = (measure, value, note = '') => ({ setup: label, measure, value, note });
  const rows = [
    row(`model load (${r.fromCache ? 'from cache/disk' : 'download'})`, `${fmt(r.loadMs, 0)} ms`),
    row(
      `median forward (${r.tokens} tokens, masked rows only)`,
      `${fmt(r.perStep.forwardMs, 2)} ms`,
      `${fmt(r.perStep.forwardMs / roofFwd, 2)}× the matmul roofline`,
    ),
    row(
      'median denoising step (forward + sampling + frame)',
      `${fmt(r.perStep.stepMs, 2)} ms`,
      `${fmt(r.perStep.stepMs / roofFwd, 2)}× the matmul roofline`,
    ),
    row(
      'sampling, scoring, frame (step minus forward)',
      `${fmt(r.perStep.engineMs, 2)} ms`,
      `${fmt(100 * r.perStep.engineShare)} % of the steps' time (target ≤ 5 %)`,
    ),
    row('Generate to first frame (warm)', `${fmt(r.firstFrameMs, 0)} ms`, 'target ≤ 150 ms'),
  ];
  if (r.readyMs !== undefined)
    rows.push(row('page opened to ready (model cached)', `${fmt(r.readyMs, 0)} ms`, 'target ≤ 1.5 s'));
  for (const run of r.runs) {
    rows.push(
      row(
        `${run.label}, ${run.tokens} tokens`,
        `${fmt(run.tokensPerSecond)} tokens/s, ${run.forwardPasses} passes`,
        `${fmt(run.speedVsLeftToRight, 2)}× the speed, ${fmt(run.passesVsLeftToRight, 2)}× the passes of left-to-right`,
      ),
    );
  }
  rows.push(
    row(
      `roofline: fp32 MatMul [${r.matmul.m}×${r.matmul.k}]·[${r.matmul.k}×${r.matmul.n}]`,
      `${fmt(r.matmul.ms, 2)} ms`,
      `${fmt(r.matmul.gflops, 1)} GFLOP/s`,
    ),
  );
  return rows;
}

const results = { date: new Date().toISOString(), node: process.version, loadavgAtStart: loadavg(), results: {} };
const rows = [];

if (!args.has('--no-node')) {
  const r = await nodeBench();
  results.results.node = r;
  rows.push(...rowsOf('Node WASM 1 thread', r));
}

if (!args.has('--no-browser')) {
  const { server, port } = await startServer(root);
  try {
    const plans = [
      ['wasm', 'Chromium WASM', { warmupPasses: WARMUP, stepsList: STEPS, leftToRight: true, appDefaults: true }],
      // SwiftShader runs the GPU code on the CPU: a short plan, for correctness and completeness.
      [
        'webgpu',
        'Chromium WebGPU (SwiftShader; not meaningful for speed)',
        { warmupPasses: 3, probeSteps: 4, stepsList: [16], leftToRight: false },
      ],
    ];
    for (const [backend, label, plan] of plans) {
      if (args.has(`--no-${backend}`)) continue;
      console.log(`(b) ${label}`);
      try {
        const matmulPlan = { warmup: backend === 'webgpu' ? 3 : WARMUP, samples: backend === 'webgpu' ? 5 : 30 };
        const r = await browserBench(port, backend, { ...plan, matmul: { ...SHAPE, ...matmulPlan } });
        const ready = {
          readyMs: r.readyFromCache.ms,
          readyOpeningsMs: r.readyOpenings.map((o) => Math.round(o.ms)),
          readyPhases: r.readyFromCache.phases,
        };
        if (READY_ONLY) {
          results.results[`chromium-${backend}`] = { where: 'chromium', firstLoadMs: r.firstLoad.ms, ...ready };
          rows.push({
            setup: label,
            measure: 'page opened to ready (model cached), median',
            value: `${ready.readyMs.toFixed(0)} ms`,
            note: `openings: ${ready.readyOpeningsMs.join(', ')} ms; target ≤ 1.5 s`,
          });
          continue;
        }
        const merged = {
          where: 'chromium',
          threads: r.matmul.threads,
          ...r.engine,
          loadCachedMs: r.cachedLoad.ms,
          ...ready,
          matmul: r.matmul,
          crossOriginIsolated: r.crossOriginIsolated,
          hardwareConcurrency: r.hardwareConcurrency,
        };
        results.results[`chromium-${backend}`] = merged;
        rows.push(...rowsOf(label, merged));
        rows.push({
          setup: label,
          measure: 'second model load in a new worker (Cache API)',
          value: `${r.cachedLoad.ms.toFixed(0)} ms`,
          note: '',
        });
      } catch (err) {
        console.log(`  failed: ${err.message}`);
        results.results[`chromium-${backend}`] = { error: err.message };
      }
    }
  } finally {
    server.close();
  }
}

// Lighthouse against the production server (headers as `npm start` serves them), mobile then desktop.
if (!args.has('--no-lighthouse') && !READY_ONLY) {
  console.log('(c) Lighthouse (Debian Chromium)');
  const { spawn } = await import('node:child_process');
  const port = 4189;
  const serve = spawn(process.execPath, [resolve(root, 'serve/static.mjs'), resolve(root, 'dist'), String(port)], {
    stdio: 'ignore',
  });
  try {
    await new Promise((r) => setTimeout(r, 1000));
    results.results.lighthouse = [];
    for (const formFactor of ['mobile', 'desktop']) {
      const r = await audit(`http://localhost:${port}/`, formFactor);
      results.results.lighthouse.push(r);
      const scores = Object.entries(r.scores)
        .map(([k, v]) => `${k} ${v?.toFixed(2)}`)
        .join(', ');
      rows.push({
        setup: `Lighthouse ${formFactor}`,
        measure: 'scores; cumulative layout shift',
        value: `CLS ${r.cls?.toFixed(3)}`,
        note: `${scores}; FCP ${Math.round(r.fcpMs)} ms, LCP ${Math.round(r.lcpMs)} ms, TBT ${Math.round(r.tbtMs)} ms`,
      });
    }
  } catch (err) {
    console.log(`  Lighthouse failed: ${err.message}`);
    results.results.lighthouse = { error: err.message };
  } finally {
    serve.kill();
  }
}

if (rows.length > 0) console.log(`\n${table(rows)}\n`);
results.loadavgAtEnd = loadavg();
console.log(
  `load average (1/5/15 min) at start ${results.loadavgAtStart.map((x) => x.toFixed(1)).join('/')}, at end ${results.loadavgAtEnd.map((x) => x.toFixed(1)).join('/')}`,
);
mkdirSync(resolve(root, 'bench/results'), { recursive: true });
// A --ready-only run keeps the full bench's figures.
const outFile = READY_ONLY ? 'bench/results/ready.json' : 'bench/results/bench.json';
writeFileSync(resolve(root, outFile), JSON.stringify(results, null, 1));
console.log(`wrote ${outFile}`);
