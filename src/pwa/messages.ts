// What the service worker answers to CHECK_PRECACHE (src/pwa/sw.ts), read by src/pwa/offline.ts.
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
