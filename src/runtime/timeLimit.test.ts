import { afterEach, describe, expect, it, vi } from 'vitest';
import { withTimeLimit } from './timeLimit';

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
