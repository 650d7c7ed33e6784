// The noise panel's passages (models/unmask-small/passages.json, written by `python -m pipeline
// passages` from the validation books the model never trained on), with the model card's bound for
// the same model. Emitted and precached like the word list; fetched when the panel opens.
import passagesUrl from '../../../models/unmask-small/passages.json?url&no-inline';
import type { Passage } from '../../engine/objective';
import { fetchOnce } from './fetchOnce';

export interface Passages {
  cardBitsPerByte: number | null;
  passages: Passage[];
}

export function parsePassages(text: string): Passages {
  const raw = JSON.parse(text) as { card_bits_per_byte?: number | null; passages?: Passage[] };
  const passages = raw.passages ?? [];
  const named = (v: unknown) => v === undefined || typeof v === 'string';
  if (
    !passages.length ||
    passages.some((p) => !Array.isArray(p.ids) || typeof p.text !== 'string' || !named(p.title) || !named(p.author))
  )
    throw new Error('the passages file holds no passages');
  return { cardBitsPerByte: raw.card_bits_per_byte ?? null, passages };
}

/** How the picker names a passage's book: "Great Expectations, by Charles Dickens"; a tale without an
 * author by its collection ("The Masterthief (Grimm)"); an older file without titles by its path. */
export function passageLabel(p: Passage): string {
  const folder = p.book.split('/')[0];
  if (!p.title) return p.book.split('/').reverse().join(' · ');
  return p.author ? `${p.title}, by ${p.author}` : `${p.title} (${folder})`;
}

export const loadPassages = fetchOnce(passagesUrl, 'the passages file', parsePassages);
