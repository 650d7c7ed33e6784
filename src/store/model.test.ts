// The model choice in the store: saved and read back (checked by the schema), a switch on a ready
// engine reloads in the same worker, a switch mid-run stops the run and says so, and a run from a
// model with another vocabulary is not shown with the new one's words.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkerIn } from '../worker/protocol';
import { loadModelChoice, MODEL_KEY, sameVocabulary, saveModelChoice } from './model';
import { parseModelChoice } from './schema';
import { fakeClient } from './fakeClient';
import { useApp } from './store';

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: (i) => [...m.keys()][i] ?? null,
    get length() {
      return m.size;
    },
  };
}


const info = (name: string, pieces: string[]) => ({ name, vocabSize: 10, context: 16, params: 1, pieces, maskId: 1, fromCache: false, threads: 1 });
const PIECES = ['[PAD]', '[MASK]', '[EOS]', 'a', 'b', 'c'];
const OPTIONS = [
  { name: 'small', downloadBytes: 5e6, description: 'fast' },
  { name: 'base', downloadBytes: 2e7, description: 'better' },
];
const loads = (sent: WorkerIn[]) => sent.filter((m) => m.type === 'load');

beforeEach(() => {
  Object.defineProperty(globalThis, 'localStorage', { value: memoryStorage(), configurable: true });
  useApp.setState({ run: null, pending: null, compare: null, runError: null, view: null, autoRun: false, models: OPTIONS, modelChoice: null, modelNote: null });
  useApp.getState().setForm({ mode: 'prompt', prompt: 'hi', length: 2 });
  useApp.getState().setSettings({ steps: 2, temperature: 0 });
});
afterEach(() => {
  delete (globalThis as { localStorage?: Storage }).localStorage;
});

/** A connected store whose engine said ready with `name`. */
function readyWith(name: string, pieces = PIECES) {
  const f = fakeClient();
  useApp.getState().connect(() => f.client, 'wasm');
  f.emit({ type: 'ready', id: f.sent[0].id, backend: 'wasm', reason: 'test', model: info(name, pieces) });
  return f;
}

describe('the saved model choice', () => {
  it('accepts a shipped name, and replaces anything else by the default with a sentence', () => {
    expect(parseModelChoice('base', ['small', 'base'])).toEqual({ value: 'base', problems: [] });
    expect(parseModelChoice(undefined, ['small'])).toEqual({ value: null, problems: [] });
    expect(parseModelChoice('base', ['small'])).toEqual({
      value: null,
      problems: ['The saved model "base" is not in this version of the app; using the default model.'],
    });
    expect(parseModelChoice(42, ['small']).problems).toEqual(['The saved model choice was not readable; using the default model.']);
  });

  it('round-trips through storage, and unreadable JSON is reported', () => {
    saveModelChoice('base');
    expect(localStorage.getItem(MODEL_KEY)).toBe('"base"');
    expect(loadModelChoice(['small', 'base'])).toEqual({ value: 'base', problems: [] });
    localStorage.setItem(MODEL_KEY, '{nope');
    expect(loadModelChoice(['small', 'base']).value).toBeNull();
    expect(loadModelChoice(['small', 'base']).problems).toHaveLength(1);
  });

  it('startApp reads it back and the next load asks the worker for it', () => {
    saveModelChoice('unmask-small');
    useApp.getState().startApp({ hash: '' });
    expect(useApp.getState().models.map((m) => m.name)).toContain('unmask-small');
    expect(useApp.getState().modelChoice).toBe('unmask-small');
    const f = fakeClient();
    useApp.getState().connect(() => f.client, 'auto');
    expect(f.sent[0]).toMatchObject({ type: 'load', backend: 'auto', model: 'unmask-small' });
  });
});

describe('switching models', () => {
  it('on a ready engine: the same worker loads the other model, and the choice is saved', () => {
    const f = readyWith('small');
    useApp.getState().setModel('base');
    expect(f.isTerminated()).toBe(false);
    const load = loads(f.sent).at(-1)!;
    expect(load).toMatchObject({ backend: 'wasm', model: 'base' });
    expect(load.id).not.toBe(f.sent[0].id);
    expect(useApp.getState().engine).toMatchObject({ status: 'loading', loadId: load.id });
    expect(useApp.getState().modelNote).toBeNull();
    expect(localStorage.getItem(MODEL_KEY)).toBe('"base"');
    f.emit({ type: 'progress', id: load.id, phase: 'download', loaded: 1, total: 2, model: 'base' });
    expect(useApp.getState().engine.progress?.model).toBe('base');
    f.emit({ type: 'ready', id: load.id, backend: 'wasm', reason: 'test', model: info('base', PIECES) });
    expect(useApp.getState().engine.model?.name).toBe('base');
  });

  it('picking the model already running changes nothing but the saved choice', () => {
    const f = readyWith('small');
    useApp.getState().setModel('small');
    expect(loads(f.sent)).toHaveLength(1);
    expect(useApp.getState().modelChoice).toBe('small');
    useApp.getState().setModel('nonexistent');
    expect(loads(f.sent)).toHaveLength(1);
  });

  it('mid-run: the run ends cancelled, the user is told, and a run in another vocabulary is not kept', () => {
    const f = readyWith('small');
    useApp.getState().generate();
    const gen = f.sent.at(-1)!;
    f.emit({ type: 'started', id: gen.id, ids: Int32Array.from([3, 1, 1]), fixed: Uint8Array.from([1, 0, 0]), totalSteps: 2 });
    expect(useApp.getState().run?.status).toBe('running');
    useApp.getState().setModel('base');
    expect(useApp.getState().modelNote).toBe('The run was stopped to switch to base; press Generate once it has loaded.');
    expect(useApp.getState().announcement).toMatch(/^Run stopped\. Loading base/);
    // The worker stops the run before it loads (host.ts): its 'cancelled' still reaches the run.
    f.emit({ type: 'cancelled', id: gen.id });
    expect(useApp.getState().run?.status).toBe('cancelled');
    const load = loads(f.sent).at(-1)!;
    f.emit({ type: 'ready', id: load.id, backend: 'wasm', reason: 'test', model: info('base', ['x', '[MASK]', 'y']) });
    expect(useApp.getState().run).toBeNull();
    // The note stays until the next run starts.
    expect(useApp.getState().modelNote).not.toBeNull();
    useApp.getState().generate();
    expect(useApp.getState().modelNote).toBeNull();
  });

  it('a run stays when the new model shares the vocabulary', () => {
    const f = readyWith('small');
    useApp.getState().generate();
    const gen = f.sent.at(-1)!;
    f.emit({ type: 'started', id: gen.id, ids: Int32Array.from([3, 1]), fixed: Uint8Array.from([1, 0]), totalSteps: 1 });
    f.emit({ type: 'done', id: gen.id, text: 'a b', ids: Int32Array.from([3, 4]), stats: { steps: 1, forwardPasses: 1, totalMs: 1, msPerStep: 1, tokensPerSecond: 1, generatedTokens: 1 } });
    useApp.getState().setModel('base');
    expect(useApp.getState().modelNote).toBeNull();
    f.emit({ type: 'ready', id: loads(f.sent).at(-1)!.id, backend: 'wasm', reason: 'test', model: info('base', [...PIECES]) });
    expect(useApp.getState().run?.status).toBe('done');
  });

  it('after a failed load, picking a model starts a fresh worker asking for it', () => {
    const workers: ReturnType<typeof fakeClient>[] = [];
    useApp.getState().connect(() => {
      workers.push(fakeClient());
      return workers.at(-1)!.client;
    }, 'wasm');
    workers[0].emit({ type: 'error', id: workers[0].sent[0].id, code: 'download-failed', message: 'x', action: 'y' });
    expect(useApp.getState().engine.status).toBe('error');
    useApp.getState().setModel('base');
    expect(workers).toHaveLength(2);
    expect(workers[0].isTerminated()).toBe(true);
    expect(workers[1].sent[0]).toMatchObject({ type: 'load', backend: 'wasm', model: 'base' });
    expect(useApp.getState().engine.status).toBe('loading');
  });

  it('compares vocabularies exactly', () => {
    expect(sameVocabulary(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameVocabulary(['a', 'b'], ['a', 'c'])).toBe(false);
    expect(sameVocabulary(['a'], undefined)).toBe(false);
  });
});
