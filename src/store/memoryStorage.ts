// A localStorage stand-in for store tests in Node (which has none): a Map behind the Storage API.
export function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: (i) => [...m.keys()][i] ?? null,
    get length() {
      return m.size;
    },
  };
}

/** Installs a fresh one as the global localStorage; returns the function that removes it. */
export function installMemoryStorage(): () => void {
  Object.defineProperty(globalThis, 'localStorage', { value: memoryStorage(), configurable: true });
  return () => void delete (globalThis as { localStorage?: Storage }).localStorage;
}
