// The model choice in the store: saved and read back (checked by the schema), a switch on a ready
// engine reloads in the same worker, a switch mid-run stops the run and says so, and a run from a
// model with another vocabulary is not shown with the new one's words. What the device stores:
// checked against the Cache API, removed on request (the model in use after a yes), and the browser
// asked once to keep it.
import { webcrypto } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryCaches, scriptedFetch } from '../pwa/testCaches';
import type { StorageLike, StoredModelSpec } from '../runtime/deviceStorage';
import { loadFile, sha256Hex } from '../runtime/modelStore';
import type { WorkerIn } from '../worker/protocol';
import {
  createDeviceStorage,
  currentModel,
  loadModelChoice,
  MODEL_KEY,
  sameVocabulary,
  saveModelChoice,
} from './model';
import { IDLE_ENGINE } from './reducer';
import { parseModelChoice } from './schema';
import { fakeClient } from './fakeClient';
import { installMemoryStorage } from './memoryStorage';
import { useApp } from './store';

const info = (name: string, pieces: string[]) => ({
  name,
  vocabSize: 10,
  context: 16,
  params: 1,
  pieces,
  maskId: 1,
  fromCache: false,
  threads: 1,
});
const PIECES = ['[PAD]', '[MASK]', '[EOS]', 'a', 'b', 'c'];
const OPTIONS = [
  { name: 'small', downloadBytes: 5e6, description: 'fast' },
  { name: 'base', downloadBytes: 2e7, description: 'better' },
];
const loads = (sent: WorkerIn[]) => sent.filter((m) => m.type === 'load');
const generates = (sent: WorkerIn[]) => sent.filter((m) => m.type === 'generate');

let removeStorage = () => {};
beforeEach(() => {
  removeStorage = installMemoryStorage();
  useApp.setState({
    run: null,
    pending: null,
    compare: null,
    runError: null,
    view: null,
    autoRun: false,
    models: OPTIONS,
    modelChoice: null,
    modelNote: null,
  });
  useApp.getState().setForm({ mode: 'prompt', prompt: 'hi', length: 2 });
  useApp.getState().setSettings({ steps: 2, temperature: 0 });
});
afterEach(() => removeStorage());

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
    expect(parseModelChoice(42, ['small']).problems).toEqual([
      'The saved model choice was not readable; using the default model.',
    ]);
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
    f.emit({
      type: 'started',
      id: gen.id,
      ids: Int32Array.from([3, 1, 1]),
      fixed: Uint8Array.from([1, 0, 0]),
      totalSteps: 2,
    });
    expect(useApp.getState().run?.status).toBe('running');
    useApp.getState().setModel('base');
    expect(useApp.getState().modelNote).toBe(
      'The run was stopped to switch to base; press Generate once it has loaded.',
    );
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
    f.emit({
      type: 'started',
      id: gen.id,
      ids: Int32Array.from([3, 1]),
      fixed: Uint8Array.from([1, 0]),
      totalSteps: 1,
    });
    f.emit({
      type: 'done',
      id: gen.id,
      text: 'a b',
      ids: Int32Array.from([3, 4]),
      stats: { steps: 1, forwardPasses: 1, totalMs: 1, msPerStep: 1, tokensPerSecond: 1, generatedTokens: 1 },
    });
    useApp.getState().setModel('base');
    expect(useApp.getState().modelNote).toBeNull();
    f.emit({
      type: 'ready',
      id: loads(f.sent).at(-1)!.id,
      backend: 'wasm',
      reason: 'test',
      model: info('base', [...PIECES]),
    });
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

describe('a share link that names a model', () => {
  it('on a ready engine: switches the way the picker does, says so, and runs the link once loaded', () => {
    const f = readyWith('small');
    expect(useApp.getState().openLink('#prompt=other&length=2&model=base')).toBe(true);
    const s = useApp.getState();
    expect(s.notices.find((n) => n.kind === 'link')).toMatchObject({
      kind: 'link',
      message: expect.stringContaining('model base'),
      problems: [],
    });
    expect(f.isTerminated()).toBe(false);
    const load = loads(f.sent).at(-1)!;
    expect(load).toMatchObject({ backend: 'wasm', model: 'base' });
    expect(s.engine).toMatchObject({ status: 'loading', loadId: load.id });
    expect(s.modelChoice).toBe('base');
    expect(localStorage.getItem(MODEL_KEY)).toBe('"base"');
    // Nothing runs on the old model: the link's run waits for the new one.
    expect(generates(f.sent)).toHaveLength(0);
    f.emit({ type: 'ready', id: load.id, backend: 'wasm', reason: 'test', model: info('base', PIECES) });
    expect(generates(f.sent)).toHaveLength(1);
    expect(useApp.getState().engine.model?.name).toBe('base');
  });

  it('mid-run: the run is stopped as the picker stops it, the note says the link will run, and it does', () => {
    const f = readyWith('small');
    useApp.getState().generate();
    const gen = f.sent.at(-1)!;
    f.emit({
      type: 'started',
      id: gen.id,
      ids: Int32Array.from([3, 1, 1]),
      fixed: Uint8Array.from([1, 0, 0]),
      totalSteps: 2,
    });
    useApp.getState().openLink('#prompt=other&model=base');
    // The link replaced the prompt: its notice offers the way back to it.
    expect(useApp.getState().notices.find((n) => n.kind === 'link')?.before).toBeDefined();
    expect(useApp.getState().modelNote).toBe(
      "The run was stopped to switch to base for the shared link; the link's run starts once it has loaded.",
    );
    expect(useApp.getState().announcement).toMatch(/^Opened a shared link: .*model base\. Run stopped\. Loading base/);
    f.emit({ type: 'cancelled', id: gen.id });
    expect(useApp.getState().run?.status).toBe('cancelled');
    f.emit({
      type: 'ready',
      id: loads(f.sent).at(-1)!.id,
      backend: 'wasm',
      reason: 'test',
      model: info('base', PIECES),
    });
    const again = generates(f.sent);
    expect(again).toHaveLength(2);
    expect(again[1].type === 'generate' && 'segments' in again[1].request && again[1].request.segments[0]).toEqual({
      kind: 'text',
      text: 'other',
    });
  });

  it('a link that changes only the model offers no way back to a form it did not change', () => {
    readyWith('small');
    useApp.getState().openLink('#model=base');
    const notice = useApp.getState().notices.find((n) => n.kind === 'link');
    expect(notice?.message).toContain('model base');
    expect(notice?.before).toBeUndefined();
  });

  it('a model this build lacks keeps the current one, says so, and the link still runs', () => {
    const f = readyWith('small');
    useApp.getState().openLink('#prompt=other&model=unmask-huge');
    const s = useApp.getState();
    expect(s.notices.find((n) => n.kind === 'link')?.problems).toEqual([
      'The model "unmask-huge" is not in this version of the app; kept small.',
    ]);
    expect(s.modelChoice).toBeNull();
    expect(localStorage.getItem(MODEL_KEY)).toBeNull();
    expect(loads(f.sent)).toHaveLength(1);
    expect(generates(f.sent)).toHaveLength(1);
  });

  it('a link without a model (or with the current one) keeps the model and runs at once', () => {
    const f = readyWith('small');
    useApp.getState().openLink('#prompt=other&length=2');
    useApp.getState().openLink('#prompt=third&length=2&model=small');
    expect(loads(f.sent)).toHaveLength(1);
    expect(useApp.getState().notices.find((n) => n.kind === 'link')?.message).not.toMatch(/model/);
    expect(generates(f.sent)).toHaveLength(1); // the second link found the first one's run going on
  });

  it('opened before the engine starts (page load): the first load asks for the link model', () => {
    useApp.setState({ engine: IDLE_ENGINE });
    useApp.getState().openLink('#prompt=other&model=base');
    expect(useApp.getState()).toMatchObject({ modelChoice: 'base', autoRun: true });
    const f = fakeClient();
    useApp.getState().connect(() => f.client, 'auto');
    expect(f.sent[0]).toMatchObject({ type: 'load', model: 'base' });
    f.emit({ type: 'ready', id: f.sent[0].id, backend: 'wasm', reason: 'test', model: info('base', PIECES) });
    expect(generates(f.sent)).toHaveLength(1);
  });

  it('the model in use is the running one, else the one loading or chosen, else the only one', () => {
    const ready = { ...IDLE_ENGINE, status: 'ready' as const, model: info('base', PIECES) };
    expect(currentModel({ engine: ready, modelChoice: 'small', models: OPTIONS })).toBe('base');
    const loading = {
      ...IDLE_ENGINE,
      status: 'loading' as const,
      progress: { phase: 'download' as const, loaded: 0, total: 1, model: 'small' },
    };
    expect(currentModel({ engine: loading, modelChoice: 'base', models: OPTIONS })).toBe('small');
    expect(currentModel({ engine: IDLE_ENGINE, modelChoice: 'base', models: OPTIONS })).toBe('base');
    expect(currentModel({ engine: IDLE_ENGINE, modelChoice: null, models: OPTIONS })).toBeNull();
    expect(currentModel({ engine: IDLE_ENGINE, modelChoice: null, models: OPTIONS.slice(0, 1) })).toBe('small');
  });
});

describe('what the device stores', () => {
  const subtle = webcrypto.subtle as unknown as SubtleCrypto;

  /** Two models the way the worker stores them, and a navigator.storage that grants persist(). */
  async function device(opts: { caches?: boolean; storage?: boolean } = {}) {
    const files: Record<string, Uint8Array> = {};
    const models: StoredModelSpec[] = [];
    for (const [i, name] of ['small', 'base'].entries()) {
      const spec = async (url: string, n: number) => {
        files[url] = Uint8Array.from({ length: n }, (_, j) => (j * (i + 3)) % 251);
        return { url, sha256: await sha256Hex(subtle, files[url]), bytes: n };
      };
      models.push({
        name,
        files: {
          model: await spec(`http://localhost/assets/${name}.onnx`, 1000 + i),
          tokenizer: await spec(`http://localhost/assets/${name}.json`, 100 + i),
        },
      });
    }
    const { storage: caches } = memoryCaches();
    const net = scriptedFetch(files);
    let persisted = false;
    const asked: string[] = [];
    const storage: StorageLike = {
      estimate: async () => ({ usage: 12_300_000 }),
      persisted: async () => persisted,
      persist: async () => {
        asked.push('persist');
        return (persisted = true);
      },
    };
    const use = createDeviceStorage({
      device: () => ({
        caches: opts.caches === false ? null : caches,
        storage: opts.storage === false ? null : storage,
      }),
      models: () => models,
    });
    /** The worker's load: both files verified and stored. */
    const load = async (name: string) => {
      const m = models.find((x) => x.name === name)!;
      for (const f of [m.files.tokenizer, m.files.model])
        await loadFile(f, () => {}, { fetch: net.fetch, caches, subtle });
    };
    return { use, load, asked };
  }

  it('after a download that was stored, asks once to keep it, and says how much is used and that it is kept', async () => {
    const d = await device();
    await d.use.getState().checkStorage();
    expect(d.use.getState()).toMatchObject({
      stored: { small: false, base: false },
      facts: { usage: 12_300_000, persisted: false },
    });
    await d.load('small');
    await d.use.getState().modelReady('small', false);
    expect(d.asked).toEqual(['persist']);
    expect(d.use.getState()).toMatchObject({
      stored: { small: true, base: false },
      facts: { usage: 12_300_000, persisted: true },
      persistAsked: true,
    });
    // The next download on this page does not ask again.
    await d.load('base');
    await d.use.getState().modelReady('base', false);
    expect(d.asked).toEqual(['persist']);
    expect(d.use.getState().stored).toEqual({ small: true, base: true });
  });

  it('does not ask after a load from the cache, nor when the download could not be stored', async () => {
    const d = await device();
    await d.use.getState().modelReady('small', false); // nothing in the cache: storing failed
    await d.load('base');
    await d.use.getState().modelReady('base', true);
    expect(d.asked).toEqual([]);
    expect(d.use.getState().persistAsked).toBe(false);
    expect(d.use.getState().facts?.persisted).toBe(false);
  });

  it('removes a model not in use at once, and the list follows', async () => {
    const d = await device();
    await d.load('small');
    await d.load('base');
    await d.use.getState().checkStorage();
    d.use.getState().askRemove('base', false);
    expect(d.use.getState().removing).toBe('base');
    await expect.poll(() => d.use.getState().removing).toBeNull();
    expect(d.use.getState()).toMatchObject({
      stored: { small: true, base: false },
      removal: { name: 'base', inUse: false, freed: 1001 + 101 },
      confirming: null,
    });
  });

  it('the model in use waits for a yes: Keep keeps it, Remove removes it', async () => {
    const d = await device();
    await d.load('small');
    await d.use.getState().checkStorage();
    d.use.getState().askRemove('small', true);
    expect(d.use.getState()).toMatchObject({ confirming: 'small', removing: null, stored: { small: true } });
    d.use.getState().keepModel();
    expect(d.use.getState().confirming).toBeNull();
    await d.use.getState().checkStorage();
    expect(d.use.getState().stored?.small).toBe(true);

    d.use.getState().askRemove('small', true);
    await d.use.getState().removeModel('small', true);
    expect(d.use.getState()).toMatchObject({
      confirming: null,
      removing: null,
      stored: { small: false, base: false },
      removal: { name: 'small', inUse: true, freed: 1100 },
    });
  });

  it('without the Cache API or navigator.storage it knows nothing and asks nothing', async () => {
    const d = await device({ caches: false, storage: false });
    await d.use.getState().modelReady('small', false);
    await d.use.getState().removeModel('small', false);
    expect(d.use.getState()).toMatchObject({ stored: null, facts: null, persistAsked: false });
    expect(d.asked).toEqual([]);
  });
});
