// The tokenizer glue: tokenizer.json (byte-level BPE) through @huggingface/tokenizers. Ids are
// never given special tokens here: the canvas builder places [MASK] itself.
import { Tokenizer } from '@huggingface/tokenizers';

export interface TextTokenizer {
  encode(text: string): number[];
  /** Text of the ids; special tokens are left out. */
  decode(ids: ArrayLike<number>): string;
  /** Display string of every id 0..vocabSize-1, each decoded on its own (specials by name). */
  pieces(): string[];
}

/** `json` is the parsed tokenizer.json (or its text); `vocabSize` from config.json. */
export function loadTokenizer(json: unknown, vocabSize: number): TextTokenizer {
  const parsed = typeof json === 'string' ? JSON.parse(json) : json;
  // Our tokenizer.json carries everything; the library only needs an (empty) tokenizer_config.
  const tok = new Tokenizer(parsed as object, {});
  let cachedPieces: string[] | null = null;
  return {
    encode: (text) => tok.encode(text, { add_special_tokens: false }).ids,
    // The library rejects an empty id list; the empty text is the honest answer.
    decode: (ids) => (ids.length === 0 ? '' : tok.decode(Array.from(ids), { skip_special_tokens: true })),
    pieces() {
      if (!cachedPieces) {
        cachedPieces = new Array<string>(vocabSize);
        for (let id = 0; id < vocabSize; id++) {
          cachedPieces[id] = tok.decode([id], { skip_special_tokens: false });
        }
      }
      return cachedPieces;
    },
  };
}
