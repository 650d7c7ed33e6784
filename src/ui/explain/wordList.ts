// The training books' words (models/unmask-small/words.txt, written by `python -m pipeline words`):
// emitted by the build under a hashed name (`no-inline`: CSP forbids a data: URL), precached by the
// service worker (vite.config.ts), fetched once, when a sweep runs.
import wordsUrl from '../../../models/unmask-small/words.txt?url&no-inline';
import { fetchOnce } from './fetchOnce';
import { parseWordList } from './quality';

export const loadWordList = fetchOnce(wordsUrl, 'the word list', parseWordList);
