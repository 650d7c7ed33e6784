import { afterEach, describe, expect, it, vi } from 'vitest';
import { manualTimers } from './testTimers';
import { silenceClock, withTimeLimit } from './timeLimit';

afterEach(() => vi.useRealTimers());

describe('withTimeLimit', () => {
  it('rejects with the message once the limit passes without an answer', async () => {
    vi.useFakeTimers();
    const limited = withTimeLimit(new Promise(() => undefined), 1_000, 'no answer');
    const seen = limited.catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await seen).toBe('no answer');
  });

  it('passes an answer (or a rejection) through and leaves no timer running', async () => {
    vi.useFakeTimers();
    expect(await withTimeLimit(Promise.resolve(7), 1_000, 'late')).toBe(7);
    expect(vi.getTimerCount()).toBe(0);
    await expect(withTimeLimit(Promise.reject(new Error('own')), 1_000, 'late')).rejects.toThrow('own');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('silenceClock', () => {
  it('calls onSilent once a whole limit passes with nothing heard, and not while things keep arriving', () => {
    const t = manualTimers();
    const silent: number[] = [];
    const clock = silenceClock((ms) => silent.push(ms), t.timers);
    clock.heard(100);
    for (let i = 0; i < 5; i++) {
      t.advance(99);
      clock.heard(100);
    }
    expect(silent).toEqual([]);
    t.advance(100);
    expect(silent).toEqual([100]);
    expect(clock.armed()).toBe(false);
  });

  it('waits again when its timer fires more than half a limit late (a frozen page) or while the page is hidden', () => {
    const t = manualTimers();
    const silent: number[] = [];
    const clock = silenceClock((ms) => silent.push(ms), t.timers);
    clock.heard(100);
    t.sleep(151); // frozen: the timer is due but did not run
    t.advance(0);
    expect(silent).toEqual([]);
    expect(clock.armed()).toBe(true);
    t.hide(true);
    t.advance(100);
    expect(silent).toEqual([]);
    t.hide(false);
    t.advance(100);
    expect(silent).toEqual([100]);
  });

  it('a timer at most half a limit late still counts, and stop() ends the clock', () => {
    const t = manualTimers();
    const silent: number[] = [];
    const clock = silenceClock((ms) => silent.push(ms), t.timers);
    clock.heard(100);
    t.sleep(150);
    t.advance(0);
    expect(silent).toEqual([100]);
    clock.heard(100);
    clock.stop();
    t.advance(1000);
    expect(silent).toEqual([100]);
  });
});
