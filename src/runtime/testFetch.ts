// For tests: a server that never answers. Like the browser's fetch, the request then ends only when
// its signal aborts, with an AbortError; `aborted` lists the URLs whose requests were aborted.
export function unansweredFetch() {
  const aborted: string[] = [];
  const fetch = ((url: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((_, reject) => {
      const abort = () => {
        aborted.push(String(url));
        reject(new DOMException('The operation was aborted.', 'AbortError'));
      };
      if (init?.signal?.aborted) abort();
      else init?.signal?.addEventListener('abort', abort);
    })) as typeof globalThis.fetch;
  return { fetch, aborted };
}
