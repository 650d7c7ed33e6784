// fetchOnce against a stubbed fetch: a hung request is given up and forgotten, a good one is kept.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchOnce } from './fetchOnce';

afterEach(() => vi.unstubAllGlobals());

describe('fetchOnce', () => {
  it('gives up a fetch that never answers (and aborts it), fetches again on the next call, then keeps the result', async () => {
    const signals: AbortSignal[] = [];
    let hang = true;
    vi.stubGlobal('fetch', (_url: string, init: RequestInit) => {
      signals.push(init.signal!);
      return hang ? new Promise(() => {}) : Promise.resolve(new Response('a\nb'));
    });
    const load = fetchOnce('/words.txt', 'the word list', (t) => t.split('\n'), 20);
    await expect(load()).rejects.toThrow(/^the word list did not arrive within \d+ s$/);
    expect(signals).toHaveLength(1);
    expect(signals[0].aborted).toBe(true);
    hang = false;
    await expect(load()).resolves.toEqual(['a', 'b']);
    await expect(load()).resolves.toEqual(['a', 'b']);
    expect(signals).toHaveLength(2); // the second answer was kept
    expect(signals[1].aborted).toBe(false);
  });

  it('forgets a failed status too', async () => {
    let status = 503;
    vi.stubGlobal('fetch', () => Promise.resolve(new Response('x', { status })));
    const load = fetchOnce('/p.json', 'the passages file', (t) => t);
    await expect(load()).rejects.toThrow('the passages file answered 503');
    status = 200;
    await expect(load()).resolves.toBe('x');
  });
});
