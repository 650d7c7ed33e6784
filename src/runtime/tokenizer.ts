// The tokenizer glue: tokenizer.json (byte-level BPE) through @huggingface/tokenizers. Ids are
// never given special tokens here: the canvas builder places [MASK] itself.
import { Tokenizer } from '@huggingface/tokenizers';

export interface TextTokenizer {
  encode(text: string): number[];
  /** Text of the ids; special tokens are left out. */
  decode(ids: ArrayLike<number>): string;
  /** Display string of every id 0..vocabSize-1, each decoded on its own (specials by name). */
  pieces(): string[];
  /** UTF-8 bytes of every id (specials: none), so the page can decode runs of ids the way the
   * tokenizer's byte-level decoder does (text split across tokens included) without the tokenizer. */
  bytes(): TokenBytes;
}

/** Bytes of id i are data[offsets[i] .. offsets[i + 1]). */
export interface TokenBytes {
  data: Uint8Array;
  offsets: Uint32Array;
}

/** The byte-level alphabet (GPT-2's): printable bytes stand for themselves, the others are moved
 * to code points from 256 up, in byte order. Inverted here to turn a vocabulary entry into bytes. */
function byteOfChar(): Map<string, number> {
  const map = new Map<string, number>();
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    map.set(String.fromCharCode(printable ? b : 256 + shifted++), b);
  }
  return map;
}

/** `json` is the parsed tokenizer.json (or its text); `vocabSize` from config.json. */
export function loadTokenizer(json: unknown, vocabSize: number): TextTokenizer {
  const parsed = typeof json === 'string' ? JSON.parse(json) : json;
  // Our tokenizer.json carries everything; the library only needs an (empty) tokenizer_config.
  const tok = new Tokenizer(parsed as object, {});
  let cachedPieces: string[] | null = null;
  let cachedBytes: TokenBytes | null = null;
  const special = new Set<number>(
    ((parsed as { added_tokens?: Array<{ id: number; special?: boolean }> }).added_tokens ?? [])
      .filter((t) => t.special)
      .map((t) => t.id),
  );
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
    bytes() {
      if (!cachedBytes) {
        const table = byteOfChar();
        const parts: number[][] = [];
        let total = 0;
        for (let id = 0; id < vocabSize; id++) {
          const raw = special.has(id) ? '' : (tok.id_to_token(id) ?? '');
          const b = Array.from(raw, (ch) => table.get(ch) ?? 0x3f);
          parts.push(b);
          total += b.length;
        }
        const data = new Uint8Array(total);
        const offsets = new Uint32Array(vocabSize + 1);
        parts.forEach((b, id) => {
          data.set(b, offsets[id]);
          offsets[id + 1] = offsets[id] + b.length;
        });
        cachedBytes = { data, offsets };
      }
      return cachedBytes;
    },
  };
}
