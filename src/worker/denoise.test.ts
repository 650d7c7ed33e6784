// The denoise request (the noise panel) on the real model in the real host: the same numbers as the
// engine's scoring of the same pass, refused during a run and for a canvas that does not fit.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { noiseMask, noisyCanvas, scoreRows, type Passage } from '../engine/objective';
import { nodeWasmSession } from '../runtime/nodeOrt';
import { MODEL_DIR } from '../runtime/testModel';
import { config, readyHost } from './testHost';

const passages = (JSON.parse(readFileSync(`${MODEL_DIR}/passages.json`, 'utf8')) as { passages: Passage[] }).passages;
const mask = config.special_ids.mask;

describe('denoise requests', () => {
  it('score one pass on the masked passage as the engine does', async () => {
    const { host, out } = await readyHost();
    const ids = Int32Array.from(passages[0].ids);
    const { ids: noisy, positions } = noisyCanvas(ids, noiseMask(ids.length, 0.4, 3), mask);
    host.handle({ type: 'denoise', id: 2, ids: noisy, targets: ids });
    await host.idle();
    const reply = out.find((m) => m.id === 2);
    if (reply?.type !== 'denoised') throw new Error(`no denoised reply: ${JSON.stringify(reply)}`);
    expect(Array.from(reply.positions)).toEqual(Array.from(positions));
    const session = await nodeWasmSession();
    const want = scoreRows(await session.logits(noisy, positions), config.vocab_size, positions, ids);
    reply.nll.forEach((x, j) => expect(Math.abs(x - want.nll[j])).toBeLessThan(1e-4));
    expect(Array.from(reply.guess)).toEqual(Array.from(want.guess));
    // Nothing masked: no pass, nothing to score.
    host.handle({ type: 'denoise', id: 3, ids, targets: ids });
    await host.idle();
    expect(out.find((m) => m.id === 3)).toMatchObject({ type: 'denoised', positions: new Int32Array(0) });
  });

  it('is refused during a run, and for a canvas the model cannot read', async () => {
    const { host, out } = await readyHost();
    const ids = Int32Array.from(passages[1].ids);
    const noisy = Int32Array.from(ids).fill(mask, 0, 10);
    host.handle({
      type: 'generate',
      id: 2,
      request: { segments: [{ kind: 'blank', length: 12 }], settings: { steps: 3 } },
    });
    host.handle({ type: 'denoise', id: 3, ids: noisy, targets: ids });
    await host.idle();
    expect(out.find((m) => m.id === 3)).toMatchObject({ type: 'error', code: 'busy' });
    expect(out.some((m) => m.type === 'done' && m.id === 2)).toBe(true);
    host.handle({ type: 'denoise', id: 4, ids: noisy, targets: Int32Array.from(ids).fill(config.vocab_size, 3, 4) });
    host.handle({ type: 'denoise', id: 5, ids: noisy, targets: ids.slice(1) });
    await host.idle();
    expect(out.find((m) => m.id === 4)).toMatchObject({ type: 'error', code: 'bad-request' });
    expect(out.find((m) => m.id === 5)).toMatchObject({ type: 'error', code: 'bad-request', message: /same length/ });
  });

  it('skips a queued pass the page gave up, and a run asked for meanwhile does not wait behind the queue', async () => {
    const { host, out } = await readyHost();
    const ids = Int32Array.from(passages[0].ids);
    const { ids: noisy } = noisyCanvas(ids, noiseMask(ids.length, 0.4, 3), mask);
    for (const id of [2, 3, 4]) host.handle({ type: 'denoise', id, ids: noisy, targets: ids });
    host.handle({ type: 'cancel', id: 5, runId: 3 });
    await host.idle();
    expect(out.filter((m) => [2, 3, 4].includes(m.id)).map((m) => [m.id, m.type])).toEqual([
      [2, 'denoised'],
      [3, 'error'],
      [4, 'denoised'],
    ]);
    expect(out.find((m) => m.id === 3)).toMatchObject({ code: 'busy', message: /no longer wanted/ });

    // Passes queued (a scrubbed timeline), then Generate: none of them runs before it.
    for (const id of [6, 7, 8]) host.handle({ type: 'denoise', id, ids: noisy, targets: ids });
    host.handle({
      type: 'generate',
      id: 9,
      request: { segments: [{ kind: 'blank', length: 8 }], settings: { steps: 2 } },
    });
    await host.idle();
    const seen = out.filter((m) => m.id >= 6).map((m) => `${m.id}:${m.type}`);
    expect(seen.slice(0, 4)).toEqual(['6:error', '7:error', '8:error', '9:started']);
    expect(out.find((m) => m.id === 6)).toMatchObject({ code: 'busy', message: /A run is going on/ });
    expect(seen).toContain('9:done');
  });
});
