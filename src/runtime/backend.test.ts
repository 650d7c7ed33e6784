// Backend choice and the WASM failover, with scripted sessions and adapters: the decisions and
// the reasons given to the user are ours, whatever ORT does underneath.
import { describe, expect, it, vi } from 'vitest';
import type { Backend } from './types';
import {
  askOnce,
  chooseBackend,
  ortBuildFor,
  withWasmFailover,
  type AdapterLike,
  type BackendDeps,
  type GpuLike,
} from './backend';
import { RuntimeError } from './errors';
import type { LogitsSession } from './session';

interface Script {
  /** Backends whose session cannot be created, with the error message. */
  openFails?: Partial<Record<Backend, string>>;
  /** Backends whose warm-up fails. */
  warmFails?: Partial<Record<Backend, string>>;
}

function fakeSession(backend: Backend, calls: string[], failing?: () => string | null): LogitsSession {
  return {
    backend,
    logits: async (ids) => {
      const why = failing?.();
      if (why) throw new Error(why);
      calls.push(`${backend}:${ids.length}`);
      return new Float32Array(ids.length * 4).fill(backend === 'webgpu' ? 1 : 2);
    },
    release: async () => {
      calls.push(`release:${backend}`);
    },
  };
}

function deps(gpu: BackendDeps['gpu'], script: Script = {}) {
  const calls: string[] = [];
  const d: BackendDeps = {
    gpu,
    open: async (b) => {
      calls.push(`open:${b}`);
      const why = script.openFails?.[b];
      if (why) throw new Error(why);
      return fakeSession(b, calls);
    },
    warmUp: async (s) => {
      const why = script.warmFails?.[s.backend];
      if (why) throw new Error(why);
    },
  };
  return { d, calls };
}

const adapter = (info: AdapterLike['info']) => ({ requestAdapter: async () => ({ info }) });
const gpuDevice = adapter({ vendor: 'acme', architecture: 'rdna', isFallbackAdapter: false });

describe('chooseBackend', () => {
  it('auto picks WebGPU when an adapter exists and the warm-up passes', async () => {
    const { d, calls } = deps(gpuDevice);
    const got = await chooseBackend('auto', d);
    expect(got.session.backend).toBe('webgpu');
    expect(got.reason).toMatch(/^WebGPU adapter found \(acme rdna\) and warm-up passed$/);
    expect(calls).toEqual(['open:webgpu']);
  });

  it('auto falls back to WASM without navigator.gpu, saying so', async () => {
    const { d, calls } = deps(undefined);
    const got = await chooseBackend('auto', d);
    expect(got.session.backend).toBe('wasm');
    expect(got.reason).toBe('No WebGPU in this browser (navigator.gpu missing); using WASM');
    expect(calls).toEqual(['open:wasm']);
  });

  it('auto falls back to WASM when no adapter is returned or requestAdapter throws', async () => {
    const none = await chooseBackend('auto', deps({ requestAdapter: async () => null }).d);
    expect(none.session.backend).toBe('wasm');
    expect(none.reason).toMatch(/No WebGPU adapter is available; using WASM/);
    const throws = await chooseBackend('auto', deps({ requestAdapter: () => Promise.reject(new Error('blocked')) }).d);
    expect(throws.reason).toMatch(/No WebGPU adapter is available: blocked; using WASM/);
  });

  it('uses a software (fallback) adapter too, and says it runs on the CPU', async () => {
    for (const choice of ['auto', 'webgpu'] as const) {
      const { d, calls } = deps(adapter({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true }));
      const got = await chooseBackend(choice, d);
      expect(got.session.backend).toBe('webgpu');
      expect(got.reason).toMatch(/Software WebGPU adapter found \(google swiftshader\).*choose WASM/);
      expect(calls).toEqual(['open:webgpu']);
    }
  });

  it('falls back to WASM when the WebGPU warm-up fails, releasing the WebGPU session', async () => {
    const { d, calls } = deps(gpuDevice, { warmFails: { webgpu: 'non-finite logit (NaN) at index 3' } });
    const got = await chooseBackend('auto', d);
    expect(got.session.backend).toBe('wasm');
    expect(got.reason).toBe('WebGPU could not start (non-finite logit (NaN) at index 3); using WASM');
    expect(calls).toEqual(['open:webgpu', 'release:webgpu', 'open:wasm']);
  });

  it('falls back to WASM when the WebGPU session cannot be created', async () => {
    const got = await chooseBackend('webgpu', deps(gpuDevice, { openFails: { webgpu: 'no adapter limits' } }).d);
    expect(got.session.backend).toBe('wasm');
    expect(got.reason).toMatch(/WebGPU could not start \(no adapter limits\); using WASM/);
  });

  it('the wasm choice never touches WebGPU', async () => {
    let asked = false;
    const { d, calls } = deps({ requestAdapter: async () => ((asked = true), null) });
    const got = await chooseBackend('wasm', d);
    expect(got.session.backend).toBe('wasm');
    expect(asked).toBe(false);
    expect(calls).toEqual(['open:wasm']);
  });

  it('fails with no-backend, naming both causes, when WASM fails too', async () => {
    const { d } = deps(gpuDevice, { warmFails: { webgpu: 'gpu broke' }, openFails: { wasm: 'no wasm' } });
    const err = await chooseBackend('auto', d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).code).toBe('no-backend');
    expect((err as RuntimeError).message).toMatch(/gpu broke.*no wasm/);
  });
});

describe('ortBuildFor: which onnxruntime-web build (and so which wasm) a load imports', () => {
  /** A navigator.gpu that counts how often it is asked. */
  function counted(answer: () => Promise<AdapterLike | null>) {
    const gpu = { asked: 0, requestAdapter: () => (gpu.asked++, answer()) };
    return gpu;
  }

  it("WebGPU's build wherever chooseBackend will try WebGPU: an adapter exists, a software one too", async () => {
    for (const choice of ['auto', 'webgpu'] as const) {
      expect(await ortBuildFor(choice, gpuDevice)).toBe('webgpu');
      expect(await ortBuildFor(choice, adapter({ architecture: 'swiftshader', isFallbackAdapter: true }))).toBe(
        'webgpu',
      );
    }
  });

  it('the plain WASM build without navigator.gpu, without an adapter, or when asking for one throws', async () => {
    for (const choice of ['auto', 'webgpu'] as const) {
      expect(await ortBuildFor(choice, undefined)).toBe('wasm');
      expect(await ortBuildFor(choice, { requestAdapter: async () => null })).toBe('wasm');
      expect(await ortBuildFor(choice, { requestAdapter: () => Promise.reject(new Error('blocked')) })).toBe('wasm');
    }
  });

  it('the plain WASM build when WASM is chosen, without asking for an adapter', async () => {
    const gpu = counted(async () => ({ info: { vendor: 'acme' } }));
    expect(await ortBuildFor('wasm', gpu)).toBe('wasm');
    expect(gpu.asked).toBe(0);
  });

  it('agrees with chooseBackend on the same answer: WebGPU tried exactly when its build is loaded', async () => {
    const answers: (() => Promise<AdapterLike | null>)[] = [
      async () => null,
      async () => ({ info: { vendor: 'acme' } }),
      async () => ({ info: { isFallbackAdapter: true } }),
      () => Promise.reject(new Error('blocked')),
    ];
    for (const answer of answers) {
      for (const choice of ['auto', 'webgpu', 'wasm'] as const) {
        const gpu = askOnce(counted(answer));
        const build = await ortBuildFor(choice, gpu);
        const { d, calls } = deps(gpu);
        await chooseBackend(choice, d);
        expect(calls.includes('open:webgpu'), `${choice}, ${build}`).toBe(build === 'webgpu');
      }
    }
  });

  it('askOnce asks the browser once per load, whoever asks', async () => {
    const gpu = counted(async () => ({ info: { vendor: 'acme' } }));
    const once = askOnce(gpu) as GpuLike;
    const [a, b] = await Promise.all([once.requestAdapter(), once.requestAdapter()]);
    expect(a).toBe(b);
    expect(await ortBuildFor('auto', once)).toBe('webgpu');
    expect(gpu.asked).toBe(1);
    expect(askOnce(undefined)).toBeUndefined();
  });

  it('an adapter request the browser never answers: after the wait, WASM and the reason, with the plain WASM build', async () => {
    vi.useFakeTimers();
    try {
      const never = counted(() => new Promise<AdapterLike | null>(() => undefined));
      const gpu = askOnce(never, 10_000);
      const build = ortBuildFor('auto', gpu);
      const { d, calls } = deps(gpu);
      const chosen = chooseBackend('auto', d);
      await vi.advanceTimersByTimeAsync(9_999);
      expect(calls).toEqual([]); // still waiting, as a real slow answer would be waited for
      await vi.advanceTimersByTimeAsync(1);
      expect(await build).toBe('wasm');
      const c = await chosen;
      expect(c.session.backend).toBe('wasm');
      expect(c.reason).toBe(
        'No WebGPU adapter is available: the browser did not answer the request for it within 10 s; using WASM',
      );
      expect(calls).not.toContain('open:webgpu');
      expect(never.asked).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an adapter that answers within the wait is used, and the timer is cleared', async () => {
    vi.useFakeTimers();
    try {
      const gpu = askOnce(
        { requestAdapter: () => new Promise((r) => setTimeout(() => r({ info: { vendor: 'acme' } }), 9_000)) },
        10_000,
      );
      const { d } = deps(gpu);
      const chosen = chooseBackend('auto', d);
      await vi.advanceTimersByTimeAsync(9_000);
      expect((await chosen).session.backend).toBe('webgpu');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('withWasmFailover', () => {
  it('moves to WASM when a WebGPU pass fails, retries that pass, and tells the user once', async () => {
    const calls: string[] = [];
    let broken = false;
    const gpu = fakeSession('webgpu', calls, () => (broken ? 'device hung' : null));
    const notices: string[] = [];
    const f = withWasmFailover(
      gpu,
      async () => fakeSession('wasm', calls),
      (why) => notices.push(why),
    );
    expect((await f.logits(new Int32Array(3)))[0]).toBe(1);
    broken = true;
    expect((await f.logits(new Int32Array(3)))[0]).toBe(2);
    expect((await f.logits(new Int32Array(3)))[0]).toBe(2);
    expect(f.current().backend).toBe('wasm');
    expect(notices).toEqual(['WebGPU forward pass failed: device hung']);
    expect(calls).toEqual(['webgpu:3', 'release:webgpu', 'wasm:3', 'wasm:3']);
    // Three calls, four passes: the failed one on the GPU counts.
    expect(f.passes()).toBe(4);
  });

  it('treats NaN logits from WebGPU as a failed pass and retries it on WASM', async () => {
    const calls: string[] = [];
    const notices: string[] = [];
    const gpu: LogitsSession = {
      ...fakeSession('webgpu', calls),
      logits: async (ids) => new Float32Array(ids.length * 4).fill(NaN),
    };
    const f = withWasmFailover(
      gpu,
      async () => fakeSession('wasm', calls),
      (w) => notices.push(w),
    );
    const out = await f.logits(new Int32Array(2));
    expect(Array.from(out)).toEqual(new Array(8).fill(2));
    expect(notices).toEqual(['WebGPU forward pass failed: non-finite logits']);
  });

  it('after device loss, the next pass runs on WASM without trying the GPU', async () => {
    const calls: string[] = [];
    const notices: string[] = [];
    const f = withWasmFailover(
      fakeSession('webgpu', calls),
      async () => fakeSession('wasm', calls),
      (w) => notices.push(w),
    );
    f.deviceLost('GPU process crashed');
    expect((await f.logits(new Int32Array(2)))[0]).toBe(2);
    expect(notices).toEqual(['WebGPU device lost: GPU process crashed']);
    expect(calls).not.toContain('webgpu:2');
  });

  it('rethrows a WASM failure as it is', async () => {
    const f = withWasmFailover(
      fakeSession('wasm', [], () => 'wasm trap'),
      async () => {
        throw new Error('must not be called');
      },
      () => undefined,
    );
    await expect(f.logits(new Int32Array(1))).rejects.toThrow('wasm trap');
  });

  it('fails with device-lost when the WASM replacement cannot be opened', async () => {
    const f = withWasmFailover(
      fakeSession('webgpu', [], () => 'lost'),
      async () => {
        throw new Error('out of memory');
      },
      () => undefined,
    );
    const err = await f.logits(new Int32Array(1)).catch((e: unknown) => e);
    expect((err as RuntimeError).code).toBe('device-lost');
    expect((err as RuntimeError).message).toMatch(/lost.*out of memory/);
  });
});
