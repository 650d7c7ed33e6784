// The GPU bench: the app's engine on onnxruntime-web's WebGPU build in Node, on Dawn (npm
// `webgpu`), for every shipped model, then the same on WASM for comparison. Bundled by
// bench/gpu/pack.sh into one .mjs that runs on a machine with no Node and no network
// (bench/gpu/run.sh). Figures come from bench/driver.mjs's benchEngine, the plan `npm run bench`
// uses: 128-token canvas, app defaults except the step count, warm-up first.
// Usage: node bench.mjs <repo root> <out dir>. Writes gpu-bench.json and gpu-bench.txt.
// Environment: GPU_BENCH_PLAN=quick (a short rehearsal plan), GPU_BENCH_STEPS=16,32,64,
// GPU_BENCH_MODELS=name,... GPU_BENCH_BACKENDS=webgpu,wasm, GPU_BENCH_MODEL_LIMIT_S (per model,
// all backends; default 120), GPU_BENCH_TOTAL_LIMIT_S (default 200), GPU_BENCH_WASM_THREADS
// (default: the app's rule for this machine's cores), GPU_BENCH_ALLOW_SOFTWARE=1 (measure on a
// software adapter such as SwiftShader instead of stopping), GPU_BENCH_PARITY=0 (skip the check
// of WebGPU's logits against WASM's).
// Exit codes: 0 all measured; 2 setup failed; 3 no WebGPU adapter; 4 software adapter only;
// 5 a WebGPU measurement failed, timed out or fell back to WASM.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureOrt, wasmThreads, type Ort } from '../../src/runtime/session';
// @ts-expect-error plain JS module without types
import { benchEngine } from '../driver.mjs';
import { diskEngine, shippedModels } from './engine';
import { adapterFacts, installNodeWeb } from './nodeWeb';
import { parity } from './parity';
import { table, type BackendResult, type ModelResult } from './report';

const here = dirname(fileURLToPath(import.meta.url));
const [rootArg, outArg] = process.argv.slice(2);
if (!rootArg || !outArg) {
  console.error('usage: node bench.mjs <repo root> <out dir>');
  process.exit(2);
}
const root = resolve(rootArg);
const outDir = resolve(outArg);
mkdirSync(outDir, { recursive: true });

const env = process.env;
const list = (s: string | undefined) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;
const num = (s: string | undefined) => (s && Number.isFinite(Number(s)) ? Number(s) : undefined);
const quick = env.GPU_BENCH_PLAN === 'quick';
const plan = {
  name: quick ? 'quick' : 'full',
  warmupPasses: quick ? 2 : 20,
  probeSteps: quick ? 4 : 32,
  firstFrameRuns: quick ? 1 : 5,
  stepsList: list(env.GPU_BENCH_STEPS)?.map(Number) ?? (quick ? [4] : [16, 32, 64]),
  appDefaults: !quick,
  leftToRight: !quick,
  backends: (list(env.GPU_BENCH_BACKENDS) ?? ['webgpu', 'wasm']) as ('webgpu' | 'wasm')[],
  models: list(env.GPU_BENCH_MODELS),
  modelLimitS: num(env.GPU_BENCH_MODEL_LIMIT_S) ?? 120,
  totalLimitS: num(env.GPU_BENCH_TOTAL_LIMIT_S) ?? 200,
  // The app's rule (src/runtime/session.ts) on a cross-origin-isolated page with these cores.
  wasmThreads: num(env.GPU_BENCH_WASM_THREADS) ?? wasmThreads(true, availableParallelism()),
  allowSoftware: env.GPU_BENCH_ALLOW_SOFTWARE === '1',
  parity: env.GPU_BENCH_PARITY !== '0',
};

function sh(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
const osName = (() => {
  try {
    return /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
})();
const machine = {
  gpu: sh('nvidia-smi', ['--query-gpu=name,driver_version,memory.total,clocks.max.sm', '--format=csv,noheader']),
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: availableParallelism(),
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  os: osName,
  kernel: release(),
  loadavgBefore: loadavg(),
  vulkan: { icd: env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES ?? null, bundledLibs: env.GPU_BENCH_BUNDLED_LIBS ?? null },
};
const log = (s: string) => console.log(`[${(performance.now() / 1000).toFixed(1)} s] ${s}`);
const startedAt = new Date().toISOString();

const out: Record<string, unknown> = {
  startedAt,
  plan,
  machine,
  versions: { node: process.version },
  nodeFlags: process.execArgv,
};
const models: ModelResult[] = [];
function write(finished: boolean): void {
  out.models = models;
  out.finished = finished;
  out.loadavgAfter = loadavg();
  writeFileSync(join(outDir, 'gpu-bench.json'), JSON.stringify(out, null, 1));
  const a = out.adapter as Record<string, unknown> | null | undefined;
  const hw = [
    `GPU bench ${startedAt}, plan ${plan.name}, node ${process.version}, onnxruntime-web ${(out.versions as { ort?: string }).ort ?? '?'}`,
    `adapter: ${a ? `${a.vendor} / ${a.architecture} / ${a.device} / ${a.description}${a.isFallbackAdapter ? ' (SOFTWARE)' : ''}` : 'none'}`,
    `gpu: ${machine.gpu ?? 'nvidia-smi not available'}; cpu: ${machine.cpu}, ${machine.cores} cores; ${machine.os ?? ''} ${machine.kernel}`,
    `load average before ${machine.loadavgBefore.map((x) => x.toFixed(1)).join('/')}, after ${loadavg()
      .map((x) => x.toFixed(1))
      .join('/')}`,
  ].join('\n');
  writeFileSync(join(outDir, 'gpu-bench.txt'), table(hw, models));
}
function stop(code: number, message: string): never {
  out.error = message;
  write(true);
  console.error(message);
  process.exit(code);
}

const gpu = installNodeWeb();
try {
  out.versions = {
    ...(out.versions as object),
    webgpu: JSON.parse(readFileSync(join(here, 'node_modules/webgpu/package.json'), 'utf8')).version,
  };
} catch {
  // running unbundled: the version is in package.json
}
const adapter = await adapterFacts(gpu).catch((err) => stop(3, `no WebGPU adapter: requestAdapter failed (${err})`));
out.adapter = adapter;
if (!adapter) {
  stop(
    3,
    'no WebGPU adapter: Dawn found no Vulkan device. Is libvulkan.so.1 loadable and a Vulkan ICD (VK_DRIVER_FILES) present? See bench/gpu/README.md',
  );
}
log(
  `adapter: ${adapter.vendor} / ${adapter.architecture} / ${adapter.device} / ${adapter.description}${adapter.isFallbackAdapter ? ' (software)' : ''}`,
);
if (adapter.isFallbackAdapter && !plan.allowSoftware) {
  stop(
    4,
    `only a software WebGPU adapter (${adapter.description}): no GPU figures. Set GPU_BENCH_ALLOW_SOFTWARE=1 to measure it anyway`,
  );
}

// Like the app's worker: the WebGPU build (one wasm for both providers), the wasm handed over as
// bytes before the first session (src/runtime/wasmBinary.ts does this with the downloaded copy).
const ort = (await import('onnxruntime-web/webgpu')) as unknown as Ort;
ort.env.wasm.wasmBinary = readFileSync(join(here, 'ort-wasm-simd-threaded.asyncify.wasm'));
// What the app's loader does before its first session (src/runtime/loadModel.ts); the parity
// check below opens sessions before the host does.
configureOrt(ort, plan.wasmThreads);
out.versions = { ...(out.versions as object), ort: ort.env.versions.web ?? ort.env.versions.common };

const registry = shippedModels(root);
for (const p of registry.problems) log(`skipped: ${p}`);
const chosen = registry.models.filter((m) => !plan.models || plan.models.includes(m.name));
if (chosen.length === 0)
  stop(2, `no model to measure under ${root}/models (asked for ${plan.models?.join(', ') ?? 'all'})`);
log(
  `plan ${plan.name}: ${chosen.map((m) => m.name).join(', ')}; backends ${plan.backends.join(', ')}; steps ${plan.stepsList.join(', ')}; WASM threads ${plan.wasmThreads}`,
);

write(false);

const deadline = performance.now() + plan.totalLimitS * 1000;
const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} passed its time limit`)), Math.max(0, ms)).unref(),
    ),
  ]);

let gpuFailed = false;
for (const entry of chosen) {
  const m: ModelResult = { name: entry.name, params: entry.config.params, variant: entry.config.variant, results: [] };
  models.push(m);
  const modelEnd = Math.min(deadline, performance.now() + plan.modelLimitS * 1000);
  // One engine per model, as the app's worker: each benchEngine call loads the model again on its backend.
  const engine = diskEngine(ort, gpu, plan.wasmThreads, registry.models, entry.name);
  // A GPU that fails mid-run moves the model to WASM (src/runtime/backend.ts) with a notice: the
  // figures after it would be WASM's under WebGPU's name, so the notice is kept with the result.
  let switched: string[] = [];
  engine.subscribe((msg) => {
    if (msg.type === 'notice' && msg.backend === 'wasm') switched.push(msg.message);
  });
  // First one pass on each backend through the app's session code: WebGPU's logits checked against
  // WASM's before any speed is taken. In the first model it also pays ORT's one-time start (the
  // wasm's compile, the GPU device), which the app pays once per page, outside the loads below.
  if (plan.parity && plan.backends.includes('webgpu')) {
    log(`${entry.name}: WebGPU against WASM, one pass`);
    const t0 = performance.now();
    let failed = '';
    try {
      const p = await within(parity(ort, entry), modelEnd - performance.now(), `${entry.name} parity`);
      m.parity = p;
      log(`  top-1 agrees on ${p.top1Agree}/${p.rows} rows, max |logit difference| ${p.maxAbsDiff.toExponential(2)}`);
    } catch (err) {
      failed = err instanceof Error ? err.message : String(err);
      m.parity = { error: failed };
      gpuFailed = true;
      log(`  failed: ${failed}`);
    }
    m.parityWallS = (performance.now() - t0) / 1000;
    write(false);
    if (failed.includes('time limit')) continue;
  }
  for (const backend of plan.backends) {
    const t0 = performance.now();
    switched = [];
    log(`${entry.name} on ${backend}`);
    let r: BackendResult;
    try {
      const res = await within<Omit<BackendResult, 'asked'>>(
        benchEngine(engine, {
          backend,
          warmupPasses: plan.warmupPasses,
          probeSteps: plan.probeSteps,
          firstFrameRuns: plan.firstFrameRuns,
          stepsList: plan.stepsList,
          appDefaults: plan.appDefaults,
          leftToRight: plan.leftToRight,
          now: () => performance.now(),
          log: (s: string) => log(`  ${s}`),
        }),
        modelEnd - performance.now(),
        `${entry.name} on ${backend}`,
      );
      r = { asked: backend, ...res };
    } catch (err) {
      r = { asked: backend, error: err instanceof Error ? err.message : String(err) };
    }
    r.wallS = (performance.now() - t0) / 1000;
    if (switched.length > 0) r.switchedToWasm = switched.join(' / ');
    m.results.push(r);
    if (backend === 'webgpu' && (r.error || r.backend !== 'webgpu' || r.switchedToWasm)) gpuFailed = true;
    write(false);
    // A run past its limit is still going: nothing more on this model.
    if (r.error?.includes('time limit')) break;
  }
}
// The adapter ORT itself asked for (it makes its own request): should be the one above.
try {
  const info = ((await ort.env.webgpu.adapter) as GPUAdapter | undefined)?.info;
  if (info) out.ortAdapter = { vendor: info.vendor, architecture: info.architecture, description: info.description };
} catch {
  // no WebGPU session was made
}
write(true);
console.log(readFileSync(join(outDir, 'gpu-bench.txt'), 'utf8'));
process.exit(gpuFailed ? 5 : 0);
