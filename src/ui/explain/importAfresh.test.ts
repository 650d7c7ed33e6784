// A chunk the browser keeps failed is asked for under a new URL, and only a chunk of ours.
import { describe, expect, it, vi } from 'vitest';
import { failedChunkUrl, importAfresh } from './importAfresh';

const origin = 'http://localhost:4173';
const chunk = `${origin}/assets/OrderMap-t4H-mC53.js`;
const chromium = new TypeError(`Failed to fetch dynamically imported module: ${chunk}`);

describe('the chunk a failed import names', () => {
  it("is read from Chromium's and Firefox's messages", () => {
    expect(failedChunkUrl(chromium, origin)?.href).toBe(chunk);
    const firefox = new TypeError(`error loading dynamically imported module: ${chunk}`);
    expect(failedChunkUrl(firefox, origin)?.href).toBe(chunk);
  });

  it('is none where the message names no script of this origin', () => {
    expect(failedChunkUrl(new TypeError('Importing a module script failed.'), origin)).toBeNull();
    const elsewhere = new TypeError('Failed to fetch dynamically imported module: https://cdn.example/x.js');
    expect(failedChunkUrl(elsewhere, origin)).toBeNull();
    const notScript = new TypeError(`Failed to fetch dynamically imported module: ${origin}/assets/a.css`);
    expect(failedChunkUrl(notScript, origin)).toBeNull();
  });
});

describe('an import asked afresh', () => {
  it('is not asked while the first import works', async () => {
    const asked: string[] = [];
    const got = await importAfresh(
      () => Promise.resolve('module'),
      (url) => (asked.push(url), Promise.resolve('other')),
      origin,
    );
    expect(got).toBe('module');
    expect(asked).toEqual([]);
  });

  it('asks for the named chunk under a new URL once; a view opened again gets what that gave', async () => {
    const asked: string[] = [];
    const importUrl = (url: string) => (asked.push(url), Promise.resolve('fresh'));
    expect(await importAfresh(() => Promise.reject(chromium), importUrl, origin)).toBe('fresh');
    expect(await importAfresh(() => Promise.reject(chromium), importUrl, origin)).toBe('fresh');
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/\/assets\/OrderMap-t4H-mC53\.js\?afresh=\d+$/);
  });

  it('that fails too leaves the first error, and the next try asks under another new URL', async () => {
    const failed = new TypeError(`Failed to fetch dynamically imported module: ${origin}/assets/Tour-Yw9x.js`);
    const asked: string[] = [];
    const failing = (url: string) => (asked.push(url), Promise.reject(new TypeError('second')));
    await expect(importAfresh(() => Promise.reject(failed), failing, origin)).rejects.toBe(failed);
    const working = (url: string) => (asked.push(url), Promise.resolve('fresh'));
    expect(await importAfresh(() => Promise.reject(failed), working, origin)).toBe('fresh');
    expect(asked).toHaveLength(2);
    expect(asked[0]).not.toBe(asked[1]);
  });

  it('that hangs does not hold up the next try', async () => {
    const failed = new TypeError(`Failed to fetch dynamically imported module: ${origin}/assets/Slot-ab1.js`);
    const asked: string[] = [];
    void importAfresh(
      () => Promise.reject(failed),
      (url) => (asked.push(url), new Promise<string>(() => {})),
      origin,
    );
    await vi.waitFor(() => expect(asked).toHaveLength(1)); // the first try now waits for good
    const working = (url: string) => (asked.push(url), Promise.resolve('fresh'));
    expect(await importAfresh(() => Promise.reject(failed), working, origin)).toBe('fresh');
    expect(asked).toHaveLength(2);
  });

  it('is not asked where the error names no chunk', async () => {
    const asked: string[] = [];
    const safari = new TypeError('Importing a module script failed.');
    const importUrl = (url: string) => (asked.push(url), Promise.resolve('fresh'));
    await expect(importAfresh(() => Promise.reject(safari), importUrl, origin)).rejects.toBe(safari);
    expect(asked).toEqual([]);
  });
});
