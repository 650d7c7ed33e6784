// What the page and the service worker (src/pwa/sw.ts) agree on.

/** A query parameter the precache ignores: a view's chunk asked for again under a new URL
 * (src/ui/explain/importAfresh.ts) is the same file. */
export const AFRESH_PARAM = 'afresh';

/** What the service worker answers to CHECK_PRECACHE, read by src/pwa/offline.ts. */
export interface PrecacheReport {
  /** Files the precache should hold. */
  total: number;
  /** Absolute URLs that were not in the precache when asked. */
  missing: string[];
  /** How many of the missing ones were fetched and stored again (only when repair was asked). */
  repaired: number;
  /** Missing ones that could not be fetched again. */
  failed: string[];
}
