// Checks on what crosses the worker boundary, one per direction, with the protocol's own schemas.
// postMessage delivers whatever the other side (or a stale build of it) sent, so neither side trusts
// the TypeScript types: a message of the wrong shape becomes a clear error instead of a crash further down.
import * as v from 'valibot';
import { workerInSchema, workerOutSchema, type WorkerIn, type WorkerOut } from './protocol';

export type ParsedIn = { ok: true; msg: WorkerIn } | { ok: false; id: number; problem: string };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The most telling issue: the deepest one, so a bad field is named rather than the union around it. */
function problemOf(issues: readonly v.BaseIssue<unknown>[]): string {
  let best = issues[0];
  for (const i of issues) if ((i.path?.length ?? 0) > (best.path?.length ?? 0)) best = i;
  const where = best.path?.map((p) => String(p.key)).join('.');
  // The protocol's own messages are sentences; valibot's defaults ("Invalid type: …") need the field named.
  return best.message.startsWith('Invalid') && where ? `${where}: ${best.message}` : best.message;
}

/** A request as the host may act on it, or why it cannot (naming the request's id if it had one). */
export function parseWorkerIn(raw: unknown): ParsedIn {
  const id = isRecord(raw) && typeof raw.id === 'number' && Number.isSafeInteger(raw.id) ? raw.id : 0;
  if (!isRecord(raw)) return { ok: false, id, problem: 'A request to the engine was not an object.' };
  if (!(typeof raw.id === 'number' && Number.isSafeInteger(raw.id))) {
    return { ok: false, id, problem: 'A request to the engine had no id.' };
  }
  const parsed = v.safeParse(workerInSchema, raw);
  return parsed.success ? { ok: true, msg: parsed.output } : { ok: false, id, problem: problemOf(parsed.issues) };
}

/** A reply the store may act on, or null when it is not one the protocol allows. */
export function parseWorkerOut(raw: unknown): WorkerOut | null {
  const parsed = v.safeParse(workerOutSchema, raw);
  return parsed.success ? parsed.output : null;
}
