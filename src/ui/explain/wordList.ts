// The training books' words (models/unmask-small/words.txt, written by `python -m pipeline words`):
// emitted by the build under a hashed name (`no-inline`: CSP forbids a data: URL), never precached by
// the service worker (its globs take js, css, html and images only), fetched once, when a sweep runs.
import wordsUrl from '../../../models/unmask-small/words.txt?url&no-inline';
import { parseWordList } from './quality';

let list: Promise<Set<string>> | null = null;

export function loadWordList(): Promise<Set<string>> {
  list ??= fetch(wordsUrl)
    .then((r) => {
      if (!r.ok) throw new Error(`the word list answered ${r.status}`);
      return r.text();
    })
    .then(parseWordList)
    .catch((e: unknown) => {
      list = null; // a later sweep tries again
      throw e;
    });
  return list;
}
