// The worker host on the real model with ORT-web WASM in Node: the message sequence the store
// relies on (progress, ready, started, frames, done / cancelled / error) and the run rules.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type SamplerSettings, type Segment } from '../engine';
import type { GpuLike } from '../runtime/backend';
import { RuntimeError } from '../runtime/errors';
import type { FileSpec, LoadedFile, Progress } from '../runtime/modelStore';
import { MODEL_DIR, readConfig } from '../runtime/testModel';
import { createHost, type HostDeps } from './host';
import type { WorkerOut } from './protocol';
import { transferables } from './transfer';

const config = readConfig();
const bytes = {
  'model.onnx': new Uint8Array(readFileSync(`${MODEL_DIR}/model.onnx`)),
  'tokenizer.json': new Uint8Array(readFileSync(`${MODEL_DIR}/tokenizer.json`)),
};
const files = {
  model: { name: 'model.onnx' as const, url: '/m.onnx', ...config.files['model.onnx'] },
  tokenizer: { name: 'tokenizer.json' as const, url: '/t.json', ...config.files['tokenizer.json'] },
};
const models = () => [
  { name: config.name, config, files, downloadBytes: files.model.bytes + files.tokenizer.bytes, description: '' },
];

// Counts forward passes: the host must stop before the next one after a cancel.
let forwardPasses = 0;
const countingOrt = {
  ...ort,
  InferenceSession: {
    create: async (...args: Parameters<typeof ort.InferenceSession.create>) => {
      const s = await ort.InferenceSession.create(...args);
      const run = s.run.bind(s);
      return Object.assign(s, {
        run: (...a: Parameters<typeof s.run>) => {
          forwardPasses++;
          return run(...a);
        },
      });
    },
  },
} as unknown as HostDeps['ort'];

/** An ORT whose 'webgpu' sessions run on WASM (Node has no WebGPU) and whose run number `failAt`
 * on such a session throws, as a GPU pass that fails mid-run would (the warm-up is run 1). */
function webgpuOnWasm(failAt: number): HostDeps['ort'] {
  return {
    ...ort,
    InferenceSession: {
      create: async (model: Uint8Array, options: ort.InferenceSession.SessionOptions) => {
        const onGpu = options.executionProviders?.[0] === 'webgpu';
        const s = await ort.InferenceSession.create(model, { ...options, executionProviders: ['wasm'] });
        const run = s.run.bind(s);
        let runs = 0;
        return Object.assign(s, {
          run: (...a: Parameters<typeof s.run>) => {
            if (onGpu && ++runs === failAt) return Promise.reject(new Error('GPU pass failed'));
            return run(...a);
          },
        });
      },
    },
  } as unknown as HostDeps['ort'];
}
const gpuAdapter: GpuLike = { requestAdapter: async () => ({ info: { vendor: 'test', isFallbackAdapter: false } }) };

function setup(
  opts: {
    gpu?: GpuLike;
    ort?: HostDeps['ort'];
    now?: () => number;
    loadFile?: HostDeps['loadFile'];
    react?: (m: WorkerOut, host: ReturnType<typeof createHost>) => void;
    /** Post as the worker does: the message's buffers transferred (structuredClone moves them). */
    transfer?: boolean;
    /** The WASM threads the worker would use by itself. */
    threads?: number;
  } = {},
) {
  const out: WorkerOut[] = [];
  const defaultLoad = async (spec: FileSpec, onProgress: Progress): Promise<LoadedFile> => {
    const data = spec.url === '/m.onnx' ? bytes['model.onnx'] : bytes['tokenizer.json'];
    onProgress('download', 0, data.byteLength);
    onProgress('download', data.byteLength, data.byteLength);
    return { data, fromCache: false, stored: true };
  };
  const host: ReturnType<typeof createHost> = createHost({
    ort: opts.ort ?? countingOrt,
    post: (m) => {
      const sent = opts.transfer ? structuredClone(m, { transfer: transferables(m) }) : m;
      out.push(sent);
      opts.react?.(sent, host);
    },
    models,
    loadFile: opts.loadFile ?? defaultLoad,
    pruneCache: async () => 0,
    gpu: opts.gpu,
    threads: opts.threads ?? 1,
    now: opts.now ?? (() => performance.now()),
  });
  return { host, out, types: () => out.map((m) => m.type) };
}

const prompt = (text: string, blank: number): Segment[] => [
  { kind: 'text', text },
  { kind: 'blank', length: blank },
];
// Unmasking only: the step counts below leave out refinement, which the defaults turn on.
const greedy = (steps: number): SamplerSettings => ({ ...DEFAULT_SETTINGS, steps, temperature: 0, refineRounds: 0 });
const gen = (runId: number, segments: Segment[], settings: SamplerSettings) =>
  ({ type: 'generate', id: runId, request: { segments, settings } }) as const;
/** Turns of the event loop: enough for a host that is not held back to start its next pass. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};
/** Resolves once `out` holds a message that passes `test`. */
async function until(out: WorkerOut[], test: (m: WorkerOut) => boolean) {
  while (!out.some(test)) await turns(1);
}

async function loaded(opts: Parameters<typeof setup>[0] = {}) {
  const t = setup(opts);
  t.host.handle({ type: 'load', id: 100, backend: 'auto' });
  await t.host.idle();
  expect(t.out.at(-1)?.type).toBe('ready');
  t.out.length = 0;
  return t;
}

describe('load', () => {
  it('reports byte progress over both files, then ready with the model facts and the reason', async () => {
    const t = setup();
    t.host.handle({ type: 'load', id: 100, backend: 'auto' });
    await t.host.idle();
    const progress = t.out.filter((m) => m.type === 'progress');
    const total = config.files['model.onnx'].bytes + config.files['tokenizer.json'].bytes;
    const dl = progress.filter((p) => p.phase === 'download');
    expect(dl.every((p) => p.total === total)).toBe(true);
    expect(dl.at(-1)?.loaded).toBe(total);
    expect(progress.some((p) => p.phase === 'session')).toBe(true);
    // The session phase names the backend being opened (the store restarts a stall there by it).
    expect(progress.filter((p) => p.phase === 'session' && p.backend).map((p) => p.backend)).toEqual(['wasm']);
    expect(progress.filter((p) => p.phase !== 'session').every((p) => p.backend === undefined)).toBe(true);
    const ready = t.out.at(-1)!;
    if (ready.type !== 'ready') throw new Error(`expected ready, got ${ready.type}`);
    expect(ready.backend).toBe('wasm');
    expect(ready.reason).toBe('No WebGPU in this browser (navigator.gpu missing); using WASM');
    expect(ready.model).toMatchObject({
      name: config.name,
      vocabSize: config.vocab_size,
      context: config.context,
      params: config.params,
      maskId: config.special_ids.mask,
      fromCache: false,
    });
    expect(ready.model.pieces).toHaveLength(config.vocab_size);
  });

  it("a load's thread limit caps the threads ORT is configured with, and ready reports them", async () => {
    const capped = setup({ threads: 2 });
    ort.env.wasm.numThreads = 0;
    capped.host.handle({ type: 'load', id: 100, backend: 'wasm', threads: 1 });
    await capped.host.idle();
    const ready = capped.out.at(-1)!;
    if (ready.type !== 'ready') throw new Error(`expected ready, got ${ready.type}`);
    expect(ready.model.threads).toBe(1);
    expect(ort.env.wasm.numThreads).toBe(1);
    // Without a limit the worker's own count is used (ORT, already started in this process, keeps 1).
    const own = setup({ threads: 2 });
    own.host.handle({ type: 'load', id: 101, backend: 'wasm' });
    await own.host.idle();
    expect(ort.env.wasm.numThreads).toBe(2);
    ort.env.wasm.numThreads = 1;
  });

  it('falls back to WASM with the reason when WebGPU cannot open (Node has no WebGPU provider)', async () => {
    const t = setup({ gpu: { requestAdapter: async () => ({ info: { vendor: 'test', isFallbackAdapter: false } }) } });
    t.host.handle({ type: 'load', id: 100, backend: 'auto' });
    await t.host.idle();
    const ready = t.out.at(-1)!;
    expect(ready).toMatchObject({ type: 'ready', backend: 'wasm' });
    expect((ready as { reason: string }).reason).toMatch(/^WebGPU could not start \(.+\); using WASM$/);
  });

  it('passes a store error on with its code and action, and a second load works', async () => {
    let fail = true;
    const t = setup({
      loadFile: async (spec) => {
        if (fail)
          throw new RuntimeError(
            'corrupt-model',
            'damaged',
            'The model file is damaged; press Retry to download it again',
          );
        return {
          data: spec.url === '/m.onnx' ? bytes['model.onnx'] : bytes['tokenizer.json'],
          fromCache: true,
          stored: true,
        };
      },
    });
    t.host.handle({ type: 'load', id: 100, backend: 'wasm' });
    await t.host.idle();
    expect(t.out.at(-1)).toEqual({
      type: 'error',
      code: 'corrupt-model',
      message: 'damaged',
      action: 'The model file is damaged; press Retry to download it again',
      id: 100,
    });
    fail = false;
    t.host.handle({ type: 'load', id: 100, backend: 'wasm' });
    await t.host.idle();
    expect(t.out.at(-1)).toMatchObject({
      type: 'ready',
      backend: 'wasm',
      reason: 'WASM chosen in the settings',
      model: { fromCache: true },
    });
  });

  it('answers generate before any load with bad-request, and during a load with busy', async () => {
    const t = setup();
    t.host.handle(gen(1, prompt('Once', 4), greedy(2)));
    expect(t.out.at(-1)).toMatchObject({ type: 'error', id: 1, code: 'bad-request' });
    t.host.handle({ type: 'load', id: 100, backend: 'wasm' });
    t.host.handle(gen(2, prompt('Once', 4), greedy(2)));
    expect(t.out.at(-1)).toMatchObject({ type: 'error', id: 2, code: 'busy' });
    t.host.handle({ type: 'load', id: 100, backend: 'wasm' });
    expect(t.out.at(-1)).toMatchObject({ type: 'error', code: 'busy' });
    await t.host.idle();
    expect(t.out.at(-1)?.type).toBe('ready');
  });
});

describe('generate', () => {
  it('sends started, one frame per step resolving every mask once, and done with text and stats', async () => {
    // A clock that moves 250 ms per frame: 4 steps take 1 s, so 12 tokens make 12 tokens/s.
    let clock = 5000;
    const t = await loaded({
      now: () => clock,
      react: (m) => {
        if (m.type === 'frame') clock += 250;
      },
    });
    forwardPasses = 0;
    t.host.handle(gen(7, prompt('Once upon a time', 12), greedy(4)));
    await t.host.idle();
    expect(t.types()).toEqual(['started', 'frame', 'frame', 'frame', 'frame', 'done']);
    const started = t.out[0] as Extract<WorkerOut, { type: 'started' }>;
    expect(started.totalSteps).toBe(4);
    const masked = [...started.fixed].map((f, i) => (f ? -1 : i)).filter((i) => i >= 0);
    expect(masked).toHaveLength(12);
    const resolved = t.out.flatMap((m) => (m.type === 'frame' ? m.frame.resolved : []));
    expect(resolved.sort((a, b) => a - b)).toEqual(masked);
    const done = t.out.at(-1) as Extract<WorkerOut, { type: 'done' }>;
    expect(done.id).toBe(7);
    expect([...done.ids].includes(config.special_ids.mask)).toBe(false);
    expect(done.text.startsWith('Once upon a time')).toBe(true);
    expect(done.stats).toEqual({
      steps: 4,
      forwardPasses: 4,
      generatedTokens: 12,
      totalMs: 1000,
      msPerStep: 250,
      tokensPerSecond: 12,
    });
    // The count is of passes the session ran, not a copy of the steps.
    expect(forwardPasses).toBe(4);
  });

  it('counts the forward passes of the refinement rounds', async () => {
    const t = await loaded();
    forwardPasses = 0;
    t.host.handle(gen(8, prompt('Once upon a time', 12), { ...greedy(4), refineRounds: 2 }));
    await t.host.idle();
    const done = t.out.at(-1) as Extract<WorkerOut, { type: 'done' }>;
    expect(done.type).toBe('done');
    expect(done.stats.steps).toBeGreaterThan(4);
    expect(done.stats.forwardPasses).toBe(forwardPasses);
    expect(done.stats.forwardPasses).toBe(done.stats.steps);
  });

  it('counts a WebGPU pass that failed and was run again on WASM as two forward passes', async () => {
    // Run 1 of the GPU session is its warm-up, so run 3 is the second pass of the run.
    const t = await loaded({ gpu: gpuAdapter, ort: webgpuOnWasm(3) });
    t.host.handle(gen(9, prompt('Once upon a time', 12), greedy(4)));
    await t.host.idle();
    expect(t.out.find((m) => m.type === 'notice')).toMatchObject({
      id: 9,
      backend: 'wasm',
      message: 'WebGPU forward pass failed: GPU pass failed. The model now runs on WASM (slower); the run goes on.',
    });
    expect(t.out.filter((m) => m.type === 'frame')).toHaveLength(4);
    expect(t.out.at(-1)).toMatchObject({ type: 'done', stats: { steps: 4, forwardPasses: 5 } });
    // The WASM session opened mid-run is no load: a load's progress here left the page "loading" for good.
    expect(t.types()).toEqual(['started', 'frame', 'notice', 'frame', 'frame', 'frame', 'done']);
  });

  it('a cancel stops the run before the next forward pass, and the next generate works', async () => {
    const t = await loaded({
      react: (m, host) => {
        if (m.type === 'frame' && m.id === 1 && m.frame.step === 1) host.handle({ type: 'cancel', id: 500, runId: 1 });
      },
    });
    forwardPasses = 0;
    t.host.handle(gen(1, prompt('The sea', 10), greedy(10)));
    await t.host.idle();
    expect(t.types()).toEqual(['started', 'frame', 'cancelled']);
    expect(forwardPasses).toBe(1);

    t.out.length = 0;
    t.host.handle(gen(2, prompt('The sea', 10), greedy(3)));
    await t.host.idle();
    expect(t.types()).toEqual(['started', 'frame', 'frame', 'frame', 'done']);
  });

  it('a generate during a run replaces it: the old one ends cancelled, the new one runs to the end', async () => {
    const t = await loaded({
      react: (m, host) => {
        if (m.type === 'frame' && m.id === 1 && m.frame.step === 2) host.handle(gen(2, prompt('Alice', 6), greedy(2)));
      },
    });
    t.host.handle(gen(1, prompt('The king', 20), greedy(20)));
    await t.host.idle();
    const seq = t.out.map((m) => `${m.type}:${m.id}`);
    expect(seq).toEqual([
      'started:1',
      'frame:1',
      'frame:1',
      'cancelled:1',
      'started:2',
      'frame:2',
      'frame:2',
      'done:2',
    ]);
  });

  it('rejects a canvas longer than the context with bad-request and the engine message', async () => {
    const t = await loaded();
    t.host.handle(gen(3, prompt('Hi', config.context + 1), greedy(4)));
    expect(t.out).toHaveLength(1);
    expect(t.out[0]).toMatchObject({ type: 'error', id: 3, code: 'bad-request' });
    expect((t.out[0] as { message: string }).message).toMatch(String(config.context));
    await t.host.idle();
    expect(t.out).toHaveLength(1);
  });

  it('turns clamped settings into notices and runs with the clamped values', async () => {
    const t = await loaded();
    t.host.handle(gen(4, prompt('Hi', 3), greedy(500)));
    await t.host.idle();
    expect(t.out[0].type).toBe('notice');
    expect((t.out[0] as { message: string }).message).toMatch(/500/);
    expect(t.out.find((m) => m.type === 'started')).toMatchObject({ totalSteps: 3 });
  });

  it('cancelling a run that is not going on changes nothing', async () => {
    const t = await loaded();
    t.host.handle({ type: 'cancel', id: 500, runId: 99 });
    await t.host.idle();
    expect(t.out).toEqual([]);
  });

  it('a generate sent while a reload waits for the old run is answered busy, never dropped', async () => {
    const t = await loaded({
      react: (m, host) => {
        if (m.type === 'frame' && m.id === 1 && m.frame.step === 1) {
          host.handle({ type: 'load', id: 100, backend: 'wasm' });
          host.handle(gen(2, prompt('Alice', 4), greedy(2)));
        }
      },
    });
    t.host.handle(gen(1, prompt('The king', 12), greedy(12)));
    await t.host.idle();
    expect(t.out.find((m) => m.type === 'error' && m.id === 2)).toMatchObject({ code: 'busy' });
    expect(t.types()).toContain('cancelled');
    expect(t.types().at(-1)).toBe('ready');
    t.out.length = 0;
    t.host.handle(gen(3, prompt('Alice', 4), greedy(2)));
    await t.host.idle();
    expect(t.types()).toEqual(['started', 'frame', 'frame', 'done']);
  });

  it('a generate sent as soon as ready arrives runs (a share link starts a run that way)', async () => {
    const t = setup({
      react: (m, host) => {
        if (m.type === 'ready') host.handle(gen(7, prompt('Alice', 4), greedy(2)));
      },
    });
    t.host.handle({ type: 'load', id: 100, backend: 'wasm' });
    await t.host.idle();
    expect(t.types().slice(-4)).toEqual(['started', 'frame', 'frame', 'done']);
  });

  it('a template with nothing to generate is a bad request with a hint, not an empty run', async () => {
    const t = await loaded();
    t.host.handle(gen(5, [{ kind: 'text', text: 'No blank here.' }], greedy(4)));
    await t.host.idle();
    expect(t.out).toHaveLength(1);
    expect(t.out[0]).toMatchObject({ type: 'error', id: 5, code: 'bad-request' });
    expect((t.out[0] as { message: string }).message).toMatch(/\[___\]/);
  });
});

describe('pace (for end-to-end tests)', () => {
  const isFrame = (step: number) => (m: WorkerOut) => m.type === 'frame' && m.frame.step === step;

  it('under manual pace a run waits before each step until a step is granted; free pace lets it finish', async () => {
    const t = await loaded();
    forwardPasses = 0;
    t.host.handle({ type: 'pace', id: -1, mode: 'manual' });
    t.host.handle(gen(1, prompt('The sea', 8), greedy(4)));
    await turns(20);
    // Started, and waiting before its first forward pass.
    expect(t.types()).toEqual(['started']);
    expect(forwardPasses).toBe(0);
    t.host.handle({ type: 'step', id: -2, count: 2 });
    await until(t.out, isFrame(2));
    await turns(20);
    expect(t.types()).toEqual(['started', 'frame', 'frame']);
    expect(forwardPasses).toBe(2);
    t.host.handle({ type: 'step', id: -3, count: 1 });
    await until(t.out, isFrame(3));
    await turns(20);
    expect(forwardPasses).toBe(3);
    expect(t.host.state()).toBe('running');
    t.host.handle({ type: 'pace', id: -4, mode: 'free' });
    await t.host.idle();
    expect(t.types()).toEqual(['started', 'frame', 'frame', 'frame', 'frame', 'done']);
    expect(t.out.at(-1)).toMatchObject({ stats: { forwardPasses: 4 } });
  });

  it('the last step is not held: a run granted all its steps ends done', async () => {
    const t = await loaded();
    t.host.handle({ type: 'pace', id: -1, mode: 'manual' });
    t.host.handle({ type: 'step', id: -2, count: 3 });
    t.host.handle(gen(1, prompt('The sea', 6), greedy(3)));
    await t.host.idle();
    expect(t.types()).toEqual(['started', 'frame', 'frame', 'frame', 'done']);
  });

  it('a cancel or a new generate ends a held run at once; the new run is held too', async () => {
    const t = await loaded();
    forwardPasses = 0;
    t.host.handle({ type: 'pace', id: -1, mode: 'manual' });
    t.host.handle({ type: 'step', id: -2, count: 1 });
    t.host.handle(gen(1, prompt('The king', 8), greedy(4)));
    await until(t.out, isFrame(1));
    t.host.handle(gen(2, prompt('Alice', 4), greedy(2)));
    await until(t.out, (m) => m.type === 'started' && m.id === 2);
    await turns(20);
    expect(t.out.map((m) => `${m.type}:${m.id}`)).toEqual(['started:1', 'frame:1', 'cancelled:1', 'started:2']);
    expect(forwardPasses).toBe(1);
    t.host.handle({ type: 'cancel', id: 3, runId: 2 });
    await t.host.idle();
    expect(t.out.at(-1)).toEqual({ type: 'cancelled', id: 2 });
    expect(forwardPasses).toBe(1);
    expect(t.host.state()).toBe('ready');
  });

  it('without a pace message runs are not held, and a bad one is refused', async () => {
    const t = await loaded();
    t.host.handle({ type: 'step', id: -1, count: 0 });
    expect(t.out.at(-1)).toMatchObject({ type: 'error', id: -1, code: 'bad-request' });
    t.out.length = 0;
    t.host.handle(gen(1, prompt('The sea', 6), greedy(3)));
    await t.host.idle();
    expect(t.types()).toEqual(['started', 'frame', 'frame', 'frame', 'done']);
  });
});

describe('state and request ids', () => {
  it('moves idle → loading → ready → running → ready, and every reply names its request', async () => {
    const seen: string[] = [];
    const t = setup({ react: (_m, host) => seen.push(host.state()) });
    expect(t.host.state()).toBe('idle');
    t.host.handle({ type: 'load', id: 41, backend: 'wasm' });
    expect(t.host.state()).toBe('loading');
    t.host.handle({ type: 'load', id: 42, backend: 'wasm' });
    expect(t.out.at(-1)).toMatchObject({ type: 'error', id: 42, code: 'busy' });
    await t.host.idle();
    expect(t.host.state()).toBe('ready');
    expect(t.out.filter((m) => m.type === 'progress' || m.type === 'ready').every((m) => m.id === 41)).toBe(true);

    t.out.length = 0;
    seen.length = 0;
    t.host.handle(gen(43, prompt('Once', 3), greedy(3)));
    await t.host.idle();
    expect(t.out.every((m) => m.id === 43)).toBe(true);
    // Every reply of the run was posted while running; done leaves the host ready.
    expect(new Set(seen)).toEqual(new Set(['running']));
    expect(t.host.state()).toBe('ready');
  });

  it('a load during a run cancels it (naming the run) and ends ready under the new load', async () => {
    const t = await loaded({
      react: (m, host) => {
        if (m.type === 'frame' && m.id === 1 && m.frame.step === 1)
          host.handle({ type: 'load', id: 200, backend: 'wasm' });
      },
    });
    t.host.handle(gen(1, prompt('The king', 12), greedy(12)));
    await t.host.idle();
    expect(t.out.find((m) => m.type === 'cancelled')).toEqual({ type: 'cancelled', id: 1 });
    expect(t.out.at(-1)).toMatchObject({ type: 'ready', id: 200 });
    expect(t.host.state()).toBe('ready');
  });

  it('a failed load goes back to idle; a generate then is a bad request', async () => {
    const t = setup({ loadFile: async () => Promise.reject(new RuntimeError('download-failed', 'offline', 'Check')) });
    t.host.handle({ type: 'load', id: 7, backend: 'wasm' });
    await t.host.idle();
    expect(t.host.state()).toBe('idle');
    expect(t.out.at(-1)).toMatchObject({ type: 'error', id: 7, code: 'download-failed' });
    t.host.handle(gen(8, prompt('x', 2), greedy(2)));
    expect(t.out.at(-1)).toMatchObject({ type: 'error', id: 8, code: 'bad-request' });
  });

  it('answers a malformed message with bad-request naming its id, and changes nothing', async () => {
    const t = await loaded();
    t.host.handle({ type: 'generate', id: 9, request: { segments: 'Once upon a time' } });
    expect(t.out).toEqual([expect.objectContaining({ type: 'error', id: 9, code: 'bad-request' })]);
    t.host.handle({ type: 'reboot', id: 10 });
    expect(t.out.at(-1)).toMatchObject({
      type: 'error',
      id: 10,
      code: 'bad-request',
      message: 'Unknown message type "reboot"',
    });
    expect(t.host.state()).toBe('ready');
  });
});

describe('frames cross with their buffers transferred, not copied', () => {
  it('a run posted so gives the same frames and text, and the host never reads a moved buffer', async () => {
    const runs = [];
    for (const transfer of [false, true]) {
      const t = await loaded({ transfer });
      t.host.handle(gen(1, prompt('Once upon a time', 12), greedy(4)));
      await t.host.idle();
      runs.push(t.out);
    }
    const [copied, moved] = runs;
    expect(moved.map((m) => m.type)).toEqual(copied.map((m) => m.type));
    const frames = (out: WorkerOut[]) => out.flatMap((m) => (m.type === 'frame' ? [Array.from(m.frame.ids)] : []));
    expect(frames(moved)).toEqual(frames(copied));
    const done = (out: WorkerOut[]) => out.find((m) => m.type === 'done');
    const [a, b] = [done(copied), done(moved)];
    expect(a?.type === 'done' && b?.type === 'done' && [b.text, Array.from(b.ids)]).toEqual(
      a?.type === 'done' && [a.text, Array.from(a.ids)],
    );
  });

  it("names the frame's own arrays, and nothing shared or empty", () => {
    const frame = {
      step: 1,
      totalSteps: 1,
      ids: Int32Array.from([1, 2]),
      resolved: [],
      confidences: [],
      forwardMs: 0,
      draftIds: new Int32Array(2),
      draftProbs: new Float32Array(2),
    };
    expect(transferables({ type: 'frame', id: 1, frame })).toEqual([
      frame.ids.buffer,
      frame.draftIds.buffer,
      frame.draftProbs.buffer,
    ]);
    expect(transferables({ type: 'cancelled', id: 1 })).toEqual([]);
    const shared = new Int32Array(new SharedArrayBuffer(8));
    expect(transferables({ type: 'done', id: 1, text: '', ids: shared, stats: {} as never })).toEqual([]);
  });
});

describe('a cancelled load', () => {
  it('stops the download, answers cancelled with the load id, and a new load then works', async () => {
    let aborted = 0;
    let holding = true;
    const t = setup({
      loadFile: async (spec, onProgress, signal) => {
        const data = spec.url === '/m.onnx' ? bytes['model.onnx'] : bytes['tokenizer.json'];
        onProgress('download', 1, data.byteLength);
        // The model "downloads" until the signal stops it, as a slow network would.
        while (holding && spec.url === '/m.onnx') {
          if (signal?.aborted) {
            aborted++;
            throw new Error('aborted');
          }
          await turns(1);
        }
        onProgress('download', data.byteLength, data.byteLength);
        return { data, fromCache: false, stored: true };
      },
    });
    t.host.handle({ type: 'load', id: 100, backend: 'wasm' });
    await until(t.out, (m) => m.type === 'progress');
    t.host.handle({ type: 'cancel', id: 101, runId: 100 });
    await t.host.idle();
    expect(aborted).toBe(1);
    expect(t.out.at(-1)).toEqual({ type: 'cancelled', id: 100 });
    expect(t.out.some((m) => m.type === 'ready' || m.type === 'error')).toBe(false);
    expect(t.host.state()).toBe('idle');
    holding = false;
    t.host.handle({ type: 'load', id: 102, backend: 'wasm' });
    await t.host.idle();
    expect(t.out.at(-1)).toMatchObject({ type: 'ready', id: 102 });
  });
});
