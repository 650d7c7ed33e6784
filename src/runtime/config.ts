// The shape of models/<name>/config.json and its validation: the app reads the model's vocabulary
// size, context, special ids and the expected file hashes from it, so a missing field must fail
// early with a message naming the field, not later as a wrong shape inside ORT.
import type { SpecialIds } from '../engine';
import { RuntimeError, ACTIONS } from './errors';

export interface FileFacts {
  sha256: string;
  bytes: number;
}

export interface ModelConfig {
  name: string;
  vocab_size: number;
  context: number;
  special_ids: { pad: number; mask: number; eos: number };
  /** Ids whose bytes alone are not whole UTF-8 characters: never emitted (SAMPLING.md 2a). Absent in
   * models shipped before the rule, which then sample as before. */
  byte_pieces?: number[];
  newline_id: number;
  params: number;
  variant: string;
  files: { 'model.onnx': FileFacts; 'tokenizer.json': FileFacts };
  /** Architecture facts (free-form; d_model etc. when the pipeline writes them). */
  model?: Record<string, unknown>;
  training?: Record<string, unknown>;
}

const isInt = (v: unknown, min = 0): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isSha = (v: unknown): boolean => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

/** Checks every field the runtime relies on; throws a RuntimeError listing all that are wrong. */
export function parseModelConfig(raw: unknown): ModelConfig {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON, read only to check it field by field
  const c = (raw ?? {}) as Record<string, any>;
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  need(typeof c.name === 'string' && c.name.length > 0, 'name (string)');
  need(isInt(c.vocab_size, 4), 'vocab_size (integer ≥ 4)');
  need(isInt(c.context, 1), 'context (integer ≥ 1)');
  need(isInt(c.params, 1), 'params (integer ≥ 1)');
  need(typeof c.variant === 'string', 'variant (string)');
  need(isInt(c.newline_id), 'newline_id (integer)');
  const sp = c.special_ids ?? {};
  for (const k of ['pad', 'mask', 'eos']) {
    need(isInt(sp[k]) && (!isInt(c.vocab_size) || sp[k] < c.vocab_size), `special_ids.${k} (id below vocab_size)`);
  }
  if (c.byte_pieces !== undefined) {
    const ok = (v: unknown) =>
      isInt(v) && (!isInt(c.vocab_size) || (v as number) < c.vocab_size) && !Object.values(sp).includes(v);
    need(Array.isArray(c.byte_pieces) && c.byte_pieces.every(ok), 'byte_pieces (ids below vocab_size, not special)');
  }
  for (const f of ['model.onnx', 'tokenizer.json']) {
    const facts = c.files?.[f] ?? {};
    need(isSha(facts.sha256), `files["${f}"].sha256 (64 lowercase hex digits)`);
    need(isInt(facts.bytes, 1), `files["${f}"].bytes (integer ≥ 1)`);
  }
  if (problems.length > 0) {
    throw new RuntimeError(
      'internal',
      `The model's config.json is missing or has wrong fields: ${problems.join('; ')}`,
      ACTIONS.reload,
    );
  }
  return c as ModelConfig;
}

/** What the sampler leaves out (SAMPLING.md 2a): the special ids and the model's byte pieces. */
export function samplerIds(c: ModelConfig): SpecialIds {
  return { ...c.special_ids, never: c.byte_pieces ?? [] };
}
