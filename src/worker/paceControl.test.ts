import { describe, expect, it } from 'vitest';
import type { EngineClient } from './engineClient';
import { withPace } from './paceControl';
import type { WorkerIn } from './protocol';

function recordingFactory() {
  const sent: WorkerIn[][] = [];
  const factory = (): EngineClient => {
    const mine: WorkerIn[] = [];
    sent.push(mine);
    return { send: (m) => mine.push(m), subscribe: () => () => true, terminate: () => undefined };
  };
  return { factory, sent };
}

describe('withPace', () => {
  it('is the factory itself, and installs nothing, without ?pace=manual', () => {
    const { factory } = recordingFactory();
    const target = {} as Window;
    expect(withPace(factory, '?backend=wasm&pace=fast', target)).toBe(factory);
    expect(target.__unmaskPace).toBeUndefined();
  });

  it('puts every new worker on the current pace first, and sends steps with ids below zero', () => {
    const { factory, sent } = recordingFactory();
    const target = {} as Window;
    const paced = withPace(factory, '?pace=manual', target);
    paced().send({ type: 'load', id: 1, backend: 'wasm' });
    target.__unmaskPace!.step();
    target.__unmaskPace!.step(3);
    target.__unmaskPace!.resume();
    expect(sent[0]).toEqual([
      { type: 'pace', id: -1, mode: 'manual' },
      { type: 'load', id: 1, backend: 'wasm' },
      { type: 'step', id: -2, count: 1 },
      { type: 'step', id: -3, count: 3 },
      { type: 'pace', id: -4, mode: 'free' },
    ]);
    // A Retry starts a new worker: it keeps the pace the test last set.
    paced();
    target.__unmaskPace!.hold();
    expect(sent[1]).toEqual([
      { type: 'pace', id: -5, mode: 'free' },
      { type: 'pace', id: -6, mode: 'manual' },
    ]);
  });
});
