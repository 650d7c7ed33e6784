// Shared fixture: every test fails if any request leaves the page's origin (the app must work
// with nothing but its own files), if the page throws an uncaught error, or if the CSP blocks
// something.
import { test as base, expect } from '@playwright/test';

export const test = base.extend<{ guard: void }>({
  guard: [
    async ({ context, baseURL }, use) => {
      const origin = new URL(baseURL ?? 'http://localhost:4173').origin;
      const foreign: string[] = [];
      const errors: string[] = [];
      // Context-wide, so requests from workers and the service worker count too.
      context.on('request', (req) => {
        const url = req.url();
        if (url.startsWith('data:') || url.startsWith('blob:')) return;
        if (new URL(url).origin !== origin) foreign.push(url);
      });
      context.on('weberror', (e) => errors.push(e.error().message));
      // The production CSP must not block anything the app does.
      context.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
      });
      await use();
      expect(foreign, 'requests that left the origin').toEqual([]);
      expect(errors, 'uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
