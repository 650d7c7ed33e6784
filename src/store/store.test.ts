import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkerIn, WorkerOut } from '../worker/protocol';
import { fakeClient, readyClient, TEST_MODEL as model } from './fakeClient';
import { installMemoryStorage } from './memoryStorage';
import { BEFORE_LINK_KEY, FORM_KEY, VIEW_KEY } from './persist';
import { isBusy, resetApp, useApp, type AppState } from './store';

const noticeOf = (s: AppState, kind: 'link' | 'saved') => s.notices.find((n) => n.kind === kind);

const ready = readyClient;

function lastGenerate(sent: WorkerIn[]) {
  const g = sent.filter((m) => m.type === 'generate').at(-1);
  if (!g || g.type !== 'generate' || !('segments' in g.request)) throw new Error('no generate from the form sent');
  return { runId: g.id, ...g.request };
}

function frame(runId: number, step: number, ids: number[], resolved: number[]): WorkerOut {
  return {
    type: 'frame',
    id: runId,
    frame: {
      step,
      totalSteps: 2,
      ids: Int32Array.from(ids),
      resolved,
      confidences: resolved.map(() => 0.5),
      forwardMs: 1,
    },
  };
}

const stats = { steps: 2, forwardPasses: 2, totalMs: 10, msPerStep: 5, tokensPerSecond: 200, generatedTokens: 2 };

beforeEach(() => {
  resetApp();
  useApp.getState().setForm({ mode: 'prompt', prompt: 'hi', length: 2 });
  useApp.getState().setSettings({ steps: 2, temperature: 0 });
});

describe('store', () => {
  it('loads with the chosen backend and mirrors progress and ready', () => {
    const f = fakeClient();
    useApp.getState().connect(() => f.client, 'wasm');
    const id = f.sent[0].id;
    expect(f.sent[0]).toEqual({ type: 'load', id, backend: 'wasm' });
    f.emit({ type: 'progress', id: id + 1000, phase: 'download', loaded: 9, total: 10 }); // another load's: ignored
    expect(useApp.getState().engine.downloadedBytes).toBe(0);
    // 5 bytes along, 3 of them over the network (the rest read from the cache)
    f.emit({ type: 'progress', id, phase: 'download', loaded: 5, total: 10, downloaded: 3 });
    expect(useApp.getState().engine).toMatchObject({ status: 'loading', downloadedBytes: 3 });
    f.emit({ type: 'ready', id, backend: 'wasm', reason: 'no gpu', model });
    expect(useApp.getState().engine).toMatchObject({ status: 'ready', backend: 'wasm', reason: 'no gpu' });
  });

  it('a run exists only once the worker says started, and follows its frames to done', () => {
    const f = ready();
    useApp.getState().generate();
    const req = lastGenerate(f.sent);
    expect(req.segments).toEqual([
      { kind: 'text', text: 'hi' },
      { kind: 'blank', length: 2 },
    ]);
    expect(req.settings.steps).toBe(2);
    expect(useApp.getState().run).toBeNull();
    expect(isBusy(useApp.getState())).toBe(true);
    // A second Generate while busy sends nothing.
    useApp.getState().generate();
    expect(f.sent.filter((m) => m.type === 'generate')).toHaveLength(1);

    f.emit({
      type: 'started',
      id: req.runId,
      ids: Int32Array.from([3, 1, 1]),
      fixed: Uint8Array.from([1, 0, 0]),
      totalSteps: 2,
    });
    f.emit(frame(req.runId + 99, 1, [3, 4, 1], [1])); // another run's frame: ignored
    expect(useApp.getState().run?.frames).toHaveLength(0);
    f.emit(frame(req.runId, 1, [3, 4, 1], [1]));
    f.emit(frame(req.runId, 2, [3, 4, 5], [2]));
    f.emit({ type: 'done', id: req.runId, text: 'hibc', ids: Int32Array.from([3, 4, 5]), stats });
    const run = useApp.getState().run!;
    expect(run.status).toBe('done');
    expect(Array.from(run.resolvedAt)).toEqual([0, 1, 2]);
    expect(isBusy(useApp.getState())).toBe(false);
  });

  it('Stop sends cancel for the running run and the run ends as cancelled', () => {
    const f = ready();
    useApp.getState().generate();
    const { runId } = lastGenerate(f.sent);
    f.emit({
      type: 'started',
      id: runId,
      ids: Int32Array.from([3, 1, 1]),
      fixed: Uint8Array.from([1, 0, 0]),
      totalSteps: 2,
    });
    f.emit(frame(runId, 1, [3, 4, 1], [1]));
    useApp.getState().stop();
    expect(f.sent.at(-1)).toMatchObject({ type: 'cancel', runId });
    // Still running until the worker confirms.
    expect(useApp.getState().run?.status).toBe('running');
    f.emit({ type: 'cancelled', id: runId });
    expect(useApp.getState().run?.status).toBe('cancelled');
  });

  it('a bad request is a run error, not an engine error', () => {
    const f = ready();
    useApp.getState().generate();
    const { runId } = lastGenerate(f.sent);
    f.emit({ type: 'error', id: runId, code: 'bad-request', message: 'Too long.', action: 'Shorten it' });
    expect(useApp.getState().runError).toMatch(/Too long/);
    expect(useApp.getState().engine.status).toBe('ready');
    expect(isBusy(useApp.getState())).toBe(false);
  });

  it('a reply to a request the store is not waiting for is ignored; an engine error about the run ends it', () => {
    const f = ready();
    useApp.getState().generate();
    const { runId } = lastGenerate(f.sent);
    f.emit({
      type: 'started',
      id: runId,
      ids: Int32Array.from([3, 1, 1]),
      fixed: Uint8Array.from([1, 0, 0]),
      totalSteps: 2,
    });
    f.emit({ type: 'error', id: runId + 1, code: 'busy', message: 'The model is still loading.', action: 'Wait' });
    expect(useApp.getState().run?.status).toBe('running');
    expect(useApp.getState().runError).toBeNull();
    f.emit({ type: 'error', id: runId, code: 'internal', message: 'boom', action: 'Reload' });
    expect(useApp.getState().run?.status).toBe('failed');
  });

  it('an engine error keeps the form, and Retry starts a new worker and loads again', () => {
    const f = ready();
    useApp.getState().setForm({ prompt: 'keep me' });
    f.emit({ type: 'error', id: f.loadId, code: 'internal', message: 'crashed', action: 'Reload' });
    expect(useApp.getState().engine.status).toBe('error');
    const g = fakeClient();
    useApp.getState().connect(() => g.client, 'wasm');
    expect(f.isTerminated()).toBe(true);
    expect(g.sent[0]).toMatchObject({ type: 'load', backend: 'wasm' });
    expect(g.sent[0].id).not.toBe(f.loadId);
    expect(useApp.getState().form.prompt).toBe('keep me');
  });

  it('compare runs diffusion first, then left to right with the same prompt and seed', () => {
    const f = ready();
    useApp.getState().setSettings({ strategy: 'left-to-right', seed: 42 });
    useApp.getState().startCompare();
    const first = lastGenerate(f.sent);
    expect(first.settings.strategy).toBe('margin');
    f.emit({
      type: 'started',
      id: first.runId,
      ids: Int32Array.from([3, 1, 1]),
      fixed: Uint8Array.from([1, 0, 0]),
      totalSteps: 1,
    });
    f.emit({
      type: 'done',
      id: first.runId,
      text: 'x',
      ids: Int32Array.from([3, 4, 5]),
      stats: { ...stats, forwardPasses: 1 },
    });
    const second = lastGenerate(f.sent);
    expect(second.runId).not.toBe(first.runId);
    expect(second.settings).toEqual({ ...first.settings, strategy: 'left-to-right' });
    expect(second.segments).toEqual(first.segments);
    f.emit({
      type: 'started',
      id: second.runId,
      ids: Int32Array.from([3, 1, 1]),
      fixed: Uint8Array.from([1, 0, 0]),
      totalSteps: 2,
    });
    f.emit({ type: 'done', id: second.runId, text: 'y', ids: Int32Array.from([3, 4, 5]), stats });
    const c = useApp.getState().compare!;
    expect(c.phase).toBe('done');
    expect([c.diffusion?.forwardPasses, c.leftToRight?.forwardPasses]).toEqual([1, 2]);
  });

  it('Reset saved settings restores the defaults and keeps the text and the mode showing it', () => {
    useApp.getState().setForm({ mode: 'fill', template: 'Mine [___]', prompt: 'also mine', length: 99 });
    useApp.getState().setSettings({ strategy: 'random', seed: 5 });
    useApp.getState().resetSettings();
    const f = useApp.getState().form;
    expect([f.mode, f.template, f.prompt, f.length]).toEqual(['fill', 'Mine [___]', 'also mine', 48]);
    expect(f.settings.strategy).toBe('margin');
    expect(f.settings.seed).toBe(1);
  });

  it('a share link on a ready engine sets the form, says what it changed and runs', () => {
    const f = ready();
    useApp.getState().setForm({ mode: 'prompt', prompt: 'before', length: 2 });
    expect(useApp.getState().openLink('#prompt=after&length=3&strategy=zigzag')).toBe(true);
    const s = useApp.getState();
    expect(s.form.prompt).toBe('after');
    expect(s.form.settings.strategy).toBe('margin');
    expect(noticeOf(s, 'link')).toMatchObject({
      kind: 'link',
      message: expect.stringContaining('the prompt, length 3'),
    });
    expect(noticeOf(s, 'link')?.problems).toEqual(['Unknown unmasking order "zigzag"; using margin.']);
    expect(lastGenerate(f.sent).segments).toEqual([
      { kind: 'text', text: 'after' },
      { kind: 'blank', length: 3 },
    ]);
    expect(useApp.getState().openLink('#top')).toBe(false);
  });

  it('Regenerate draws a new seed and runs; with a form that cannot run it keeps the seed and says why', () => {
    const f = ready();
    useApp.getState().setSettings({ seed: 1234 });
    useApp.getState().setForm({ mode: 'fill', template: 'No blank here' });
    useApp.getState().regenerate();
    expect(useApp.getState().form.settings.seed).toBe(1234);
    expect(useApp.getState().runError).toMatch(/blank/i);
    expect(f.sent.some((m) => m.type === 'generate')).toBe(false);
    useApp.getState().setForm({ mode: 'fill' }); // a patch that changes nothing (a blur) keeps the message
    useApp.getState().setSettings({ seed: 1234 });
    expect(useApp.getState().runError).toMatch(/blank/i);
    useApp.getState().setForm({ mode: 'prompt' });
    expect(useApp.getState().runError).toBeNull(); // the edit answered it
    useApp.getState().regenerate();
    expect(useApp.getState().form.settings.seed).not.toBe(1234);
    expect(lastGenerate(f.sent).settings.seed).toBe(useApp.getState().form.settings.seed);
  });

  it('a second link keeps the way back to the text typed before the first', () => {
    ready();
    useApp.getState().setForm({ mode: 'prompt', prompt: 'typed by me', length: 5 });
    useApp.getState().openLink('#prompt=first%20link&length=3');
    useApp.getState().openLink('#prompt=second%20link&length=4');
    expect(noticeOf(useApp.getState(), 'link')?.before?.prompt).toBe('typed by me');
    // Edited after a link: that edit is what the next link's way back keeps.
    useApp.getState().setForm({ prompt: 'edited' });
    useApp.getState().openLink('#prompt=third%20link&length=4');
    expect(noticeOf(useApp.getState(), 'link')?.before?.prompt).toBe('edited');
  });

  it("the link's notice puts back the text and settings it replaced", () => {
    ready();
    useApp.getState().setForm({ mode: 'prompt', prompt: 'my own words', length: 5 });
    useApp.getState().setSettings({ temperature: 1.3 });
    useApp.getState().openLink('#prompt=the%20link&length=3&temp=0.2');
    expect(useApp.getState().form.prompt).toBe('the link');
    expect(noticeOf(useApp.getState(), 'link')?.before?.prompt).toBe('my own words');
    useApp.getState().restoreBeforeLink();
    const s = useApp.getState();
    expect([s.form.prompt, s.form.length, s.form.settings.temperature]).toEqual(['my own words', 5, 1.3]);
    expect(noticeOf(s, 'link')).toBeUndefined();
  });

  it('a link opened while the download is cancelled says what starts its run, and runs once loaded', () => {
    const f = fakeClient();
    useApp.getState().connect(() => f.client, 'wasm');
    const load = f.sent.find((m) => m.type === 'load')!;
    useApp.getState().cancelLoad();
    f.emit({ type: 'cancelled', id: load.id });
    expect(useApp.getState().engine.status).toBe('cancelled');
    useApp.getState().openLink('#prompt=Waiting%20link&length=2');
    expect(noticeOf(useApp.getState(), 'link')?.message).toMatch(
      /It runs once the model is downloaded: press Download the model\.$/,
    );
    useApp.getState().retry();
    const again = f.sent.filter((m) => m.type === 'load').at(-1)!;
    f.emit({ type: 'ready', id: again.id, backend: 'wasm', reason: 'test', model });
    expect(lastGenerate(f.sent).segments).toEqual([
      { kind: 'text', text: 'Waiting link' },
      { kind: 'blank', length: 2 },
    ]);
  });

  it('a link opened during a run runs once that run has stopped', () => {
    const f = ready();
    useApp.getState().generate();
    const first = lastGenerate(f.sent).runId;
    f.emit({
      type: 'started',
      id: first,
      ids: Int32Array.from([3, 1, 1]),
      fixed: Uint8Array.from([1, 0, 0]),
      totalSteps: 2,
    });
    expect(useApp.getState().openLink('#prompt=Second%20link&length=2&steps=2&refine=0')).toBe(true);
    expect(lastGenerate(f.sent).runId).toBe(first); // nothing sent while the first runs
    expect(noticeOf(useApp.getState(), 'link')?.message).toMatch(/runs when the current run ends/);
    f.emit({ type: 'done', id: first, text: 'x', ids: Int32Array.from([3, 4, 5]), stats });
    const second = lastGenerate(f.sent);
    expect(second.runId).not.toBe(first);
    expect(second.segments).toEqual([
      { kind: 'text', text: 'Second link' },
      { kind: 'blank', length: 2 },
    ]);
  });

  it('a link opened during a run that is then stopped runs after the stop', () => {
    const f = ready();
    useApp.getState().generate();
    const first = lastGenerate(f.sent).runId;
    f.emit({
      type: 'started',
      id: first,
      ids: Int32Array.from([3, 1, 1]),
      fixed: Uint8Array.from([1, 0, 0]),
      totalSteps: 2,
    });
    useApp.getState().openLink('#prompt=Later&length=2');
    useApp.getState().stop();
    f.emit({ type: 'cancelled', id: first });
    expect(lastGenerate(f.sent).segments[0]).toEqual({ kind: 'text', text: 'Later' });
  });
});

describe('the saved view preference (Show the draft)', () => {
  let removeStorage = () => {};
  beforeEach(() => {
    removeStorage = installMemoryStorage();
    useApp.setState({ viewPrefs: { showDraft: true }, notices: [] });
  });
  afterEach(() => removeStorage());

  it('is saved when changed, apart from the form', () => {
    useApp.getState().startApp({ hash: '' });
    useApp.getState().setShowDraft(false);
    expect(JSON.parse(localStorage.getItem(VIEW_KEY)!)).toEqual({ showDraft: false });
    expect(localStorage.getItem(FORM_KEY)).toBeNull();
  });

  it('that cannot be saved (storage full or turned off) is said once, and the app goes on', () => {
    useApp.getState().startApp({ hash: '' });
    const setItem = localStorage.setItem.bind(localStorage);
    localStorage.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    useApp.getState().setForm({ prompt: 'a very long paste' });
    const notice = useApp.getState().notices.find((n) => n.kind === 'storage');
    expect(notice?.message).toMatch(/not keeping your text and settings .* a reload will lose them/);
    expect(useApp.getState().form.prompt).toBe('a very long paste');
    useApp.getState().dismissNotice('storage');
    useApp.getState().setForm({ prompt: 'more' });
    expect(useApp.getState().notices).toEqual([]); // said once
    localStorage.setItem = setItem;
    useApp.getState().setForm({ prompt: 'saved again' });
    expect(localStorage.getItem(FORM_KEY)).toContain('saved again');
  });

  it('comes back when the page starts', () => {
    localStorage.setItem(VIEW_KEY, JSON.stringify({ showDraft: false }));
    useApp.getState().startApp({ hash: '' });
    expect(useApp.getState().viewPrefs.showDraft).toBe(false);
    expect(useApp.getState().notices).toEqual([]);
  });

  it('a bad saved value falls back to drafts on, with the saved-settings notice; Reset restores the default', () => {
    localStorage.setItem(VIEW_KEY, JSON.stringify({ showDraft: 'sometimes' }));
    useApp.getState().startApp({ hash: '' });
    expect(useApp.getState().viewPrefs.showDraft).toBe(true);
    expect(noticeOf(useApp.getState(), 'saved')).toMatchObject({
      kind: 'saved',
      problems: ['The saved "Show the draft" value "sometimes" is neither on nor off; using the default (on).'],
    });
    localStorage.setItem(VIEW_KEY, '{nope');
    useApp.getState().startApp({ hash: '' });
    expect(noticeOf(useApp.getState(), 'saved')?.problems).toEqual([
      'The saved view preferences were not readable; using the defaults.',
    ]);
    useApp.getState().setShowDraft(false);
    useApp.getState().resetSettings();
    expect(useApp.getState().viewPrefs.showDraft).toBe(true);
    expect(JSON.parse(localStorage.getItem(VIEW_KEY)!)).toEqual({ showDraft: true });
  });

  it('a share link leaves it as it is', () => {
    useApp.getState().startApp({ hash: '' });
    useApp.getState().setShowDraft(false);
    useApp.getState().openLink('#prompt=x&length=2&model=unmask-small');
    expect(useApp.getState().viewPrefs.showDraft).toBe(false);
  });
});

describe("the way back from a share link's form", () => {
  let removeStorage = () => {};
  beforeEach(() => {
    removeStorage = installMemoryStorage();
  });
  afterEach(() => removeStorage());
  const reload = () => {
    resetApp();
    useApp.getState().startApp({ hash: '' });
  };

  it('outlives a reload until it is used, then is forgotten', () => {
    useApp.getState().startApp({ hash: '' });
    useApp.getState().setForm({ mode: 'prompt', prompt: 'typed before the link', length: 5 });
    useApp.getState().openLink('#prompt=the%20link&length=3');
    expect(localStorage.getItem(BEFORE_LINK_KEY)).toContain('typed before the link');
    reload();
    expect(useApp.getState().form.prompt).toBe('the link'); // the link's form was saved as it came
    const notice = noticeOf(useApp.getState(), 'link');
    expect(notice?.message).toMatch(/Earlier, a shared link replaced your text and settings on this page/);
    expect(notice?.before?.prompt).toBe('typed before the link');
    // Unedited since: a second link keeps the way back to the first one's, as without the reload.
    useApp.getState().openLink('#prompt=second%20link&length=4');
    expect(noticeOf(useApp.getState(), 'link')?.before?.prompt).toBe('typed before the link');
    useApp.getState().restoreBeforeLink();
    expect(useApp.getState().form).toMatchObject({ prompt: 'typed before the link', length: 5 });
    reload();
    expect(noticeOf(useApp.getState(), 'link')).toBeUndefined();
    expect(useApp.getState().form.prompt).toBe('typed before the link');
  });

  it('dismissed, it is forgotten; edited after the reload, a second link keeps the edit instead', () => {
    useApp.getState().startApp({ hash: '' });
    useApp.getState().setForm({ mode: 'prompt', prompt: 'mine', length: 5 });
    useApp.getState().openLink('#prompt=the%20link&length=3');
    useApp.getState().setForm({ prompt: 'the link, edited' });
    reload();
    useApp.getState().openLink('#prompt=second%20link&length=4');
    expect(noticeOf(useApp.getState(), 'link')?.before?.prompt).toBe('the link, edited');
    useApp.getState().dismissNotice('link');
    expect(localStorage.getItem(BEFORE_LINK_KEY)).toBeNull();
    reload();
    expect(noticeOf(useApp.getState(), 'link')).toBeUndefined();
  });

  it('an unreadable kept form is no notice', () => {
    localStorage.setItem(BEFORE_LINK_KEY, '{"before": 7}');
    useApp.getState().startApp({ hash: '' });
    expect(noticeOf(useApp.getState(), 'link')).toBeUndefined();
  });
});
