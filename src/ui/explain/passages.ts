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
  if (!passages.length || passages.some((p) => !Array.isArray(p.ids) || typeof p.text !== 'string'))
    throw new Error('the passages file holds no passages');
  return { cardBitsPerByte: raw.card_bits_per_byte ?? null, passages };
}

export const loadPassages = fetchOnce(passagesUrl, 'the passages file', parsePassages);
