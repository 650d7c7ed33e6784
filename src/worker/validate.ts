// Checks on what crosses the worker boundary, one per direction. postMessage delivers whatever
// the other side (or a stale build of it) sent, so neither side trusts the TypeScript types: a
// message of the wrong shape becomes a clear error instead of a crash further down.
import { BACKEND_CHOICES, ERROR_CODES, type BackendChoice } from '../runtime/types';
import type { WorkerIn, WorkerOut } from './protocol';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

function isSegment(v: unknown): boolean {
  if (!isObj(v)) return false;
  if (v.kind === 'text') return isStr(v.text);
  if (v.kind === 'blank') return isNum(v.length);
  return false;
}

export type ParsedIn = { ok: true; msg: WorkerIn } | { ok: false; id: number; problem: string };

/** A request as the host may act on it, or why it cannot (naming the request's id if it had one). */
export function parseWorkerIn(raw: unknown): ParsedIn {
  const m = isObj(raw) ? raw : {};
  const id = isId(m.id) ? m.id : 0;
  const bad = (problem: string): ParsedIn => ({ ok: false, id, problem });
  if (!isObj(raw)) return bad('A request to the engine was not an object.');
  if (!isId(m.id)) return bad('A request to the engine had no id.');
  switch (m.type) {
    case 'load':
      if (!isStr(m.backend) || !(BACKEND_CHOICES as readonly string[]).includes(m.backend)) {
        return bad(`Unknown backend ${JSON.stringify(m.backend)}.`);
      }
      if (m.model !== undefined && m.model !== null && !isStr(m.model))
        return bad('The model to load was not named by a string.');
      return {
        ok: true,
        msg: { type: 'load', id, backend: m.backend as BackendChoice, ...(isStr(m.model) ? { model: m.model } : {}) },
      };
    case 'generate': {
      const r = m.request;
      // Settings are normalized (defaults, clamps, sentences) by the engine when the run starts.
      const settings = isObj(r) && isObj(r.settings) ? r.settings : {};
      if (isObj(r) && r.ids !== undefined) {
        // Re-imagine: ids and which of them stay (the host checks them against the model).
        if (!(r.ids instanceof Int32Array) || !(r.fixed instanceof Uint8Array) || r.ids.length !== r.fixed.length) {
          return bad('The re-imagine request needs ids and fixed flags of the same length.');
        }
        return { ok: true, msg: { type: 'generate', id, request: { ids: r.ids, fixed: r.fixed, settings } as never } };
      }
      if (!isObj(r) || !Array.isArray(r.segments) || !r.segments.every(isSegment))
        return bad('The request has no valid segments.');
      return { ok: true, msg: { type: 'generate', id, request: { segments: r.segments, settings } as never } };
    }
    case 'cancel':
      if (!isId(m.runId)) return bad('A cancel request named no run.');
      return { ok: true, msg: { type: 'cancel', id, runId: m.runId } };
    case 'pace':
      if (m.mode !== 'manual' && m.mode !== 'free') return bad(`Unknown pace ${JSON.stringify(m.mode)}.`);
      return { ok: true, msg: { type: 'pace', id, mode: m.mode } };
    case 'step':
      if (!isId(m.count) || m.count < 1) return bad('A step request needs a count of 1 or more.');
      return { ok: true, msg: { type: 'step', id, count: m.count } };
    default:
      return bad(`Unknown message type ${JSON.stringify(m.type)}`);
  }
}

const OUT_FIELDS: Record<WorkerOut['type'], (m: Obj) => boolean> = {
  progress: (m) =>
    ['download', 'cache', 'session'].includes(m.phase as string) &&
    isNum(m.loaded) &&
    isNum(m.total) &&
    (m.model === undefined || isStr(m.model)),
  ready: (m) =>
    (m.backend === 'webgpu' || m.backend === 'wasm') &&
    isStr(m.reason) &&
    isObj(m.model) &&
    isStr(m.model.name) &&
    isNum(m.model.context) &&
    isNum(m.model.params) &&
    Array.isArray(m.model.pieces),
  started: (m) => m.ids instanceof Int32Array && m.fixed instanceof Uint8Array && isNum(m.totalSteps),
  frame: (m) =>
    isObj(m.frame) &&
    m.frame.ids instanceof Int32Array &&
    Array.isArray(m.frame.resolved) &&
    Array.isArray(m.frame.confidences) &&
    isNum(m.frame.step) &&
    isNum(m.frame.totalSteps),
  done: (m) => isStr(m.text) && m.ids instanceof Int32Array && isObj(m.stats) && isNum(m.stats.steps),
  cancelled: () => true,
  notice: (m) => isStr(m.message),
  error: (m) => (ERROR_CODES as readonly unknown[]).includes(m.code) && isStr(m.message) && isStr(m.action),
};

/** A reply the store may act on, or null when it is not one the protocol allows. */
export function parseWorkerOut(raw: unknown): WorkerOut | null {
  if (!isObj(raw) || !isId(raw.id) || !isStr(raw.type) || !Object.hasOwn(OUT_FIELDS, raw.type)) return null;
  return OUT_FIELDS[raw.type as WorkerOut['type']](raw) ? (raw as unknown as WorkerOut) : null;
}
