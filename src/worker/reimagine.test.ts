// The re-imagine request on the real model in the real host: fixed positions stay, every other
// one is masked and filled; a canvas the model cannot keep is refused with a sentence.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../engine';
import { config, readyHost } from './testHost';

const settings = { ...DEFAULT_SETTINGS, steps: 4, temperature: 1, seed: 3, refineRounds: 0 };

describe('re-imagine requests', () => {
  it('fills only the slots that are not fixed, keeps the others, and sends each id its bytes', async () => {
    const { host, out, model } = await readyHost();
    expect(model.bytes?.offsets).toHaveLength(config.vocab_size + 1);
    // A finished passage: "Once upon a time" then a run of generated ids.
    host.handle({
      type: 'generate',
      id: 2,
      request: {
        segments: [
          { kind: 'text', text: 'Once upon a time' },
          { kind: 'blank', length: 12 },
        ],
        settings,
      },
    });
    await host.idle();
    const first = out.find((m) => m.type === 'done');
    if (first?.type !== 'done')
      throw new Error(`first run did not finish: ${JSON.stringify(out.filter((m) => m.type !== 'frame'))}`);
    const fixed = Uint8Array.from(first.ids, (_, i) => (i >= 6 && i < 10 ? 0 : 1));
    out.length = 0;
    host.handle({ type: 'generate', id: 3, request: { ids: first.ids, fixed, settings } });
    await host.idle();
    const started = out.find((m) => m.type === 'started');
    const done = out.find((m) => m.type === 'done');
    if (started?.type !== 'started' || done?.type !== 'done')
      throw new Error(`re-imagine did not run: ${JSON.stringify(out.map((m) => m.type))}`);
    expect(started.totalSteps).toBe(4);
    for (let i = 0; i < first.ids.length; i++) {
      if (fixed[i]) expect(done.ids[i]).toBe(first.ids[i]);
      else {
        expect(started.ids[i]).toBe(config.special_ids.mask);
        expect(done.ids[i]).not.toBe(config.special_ids.mask);
      }
    }
    expect(done.stats.generatedTokens).toBe(4);
  });

  it('refuses a canvas with an id the model cannot keep, or longer than its context', async () => {
    const { host, out } = await readyHost();
    const ids = Int32Array.from([5, 6, config.special_ids.mask, 7]);
    host.handle({ type: 'generate', id: 4, request: { ids, fixed: Uint8Array.from([1, 0, 1, 1]), settings } });
    host.handle({
      type: 'generate',
      id: 5,
      request: { ids: new Int32Array(config.context + 1), fixed: new Uint8Array(config.context + 1), settings },
    });
    await host.idle();
    expect(out).toEqual([
      expect.objectContaining({
        type: 'error',
        id: 4,
        code: 'bad-request',
        message: expect.stringContaining('Token 3 of the canvas'),
      }),
      expect.objectContaining({
        type: 'error',
        id: 5,
        code: 'bad-request',
        message: expect.stringContaining(`at most ${config.context}`),
      }),
    ]);
  });
});
