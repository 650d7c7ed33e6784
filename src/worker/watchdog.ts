// Notices an engine worker that has died or hung. Browsers do kill workers (out of memory on a phone, a
// crashed GPU process, a tab put to sleep), and a worker closed that way sends nothing at all: without a
// clock the page would wait for its reply forever. So while a request is waiting for its answer, the
// engine must say something at least every SILENCE_LIMIT_MS (frames and progress count; a load posts
// progress, a run posts a frame per step); a crash the client can see (an error event, a message it
// cannot read) counts at once.
// Two silences are not deaths: a load may say nothing for longer (opening a session and its warm-up
// post no progress, and take long on a slow phone), and a tab the browser hid or froze runs no timers
// and gets no frames, so a clock that fires while the page is hidden, or fires late, starts again.
import { realTimers, silenceClock, type Timers } from '../runtime/timeLimit';
import type { EngineClient } from './engineClient';
import type { WorkerIn, WorkerOut } from './protocol';

export const SILENCE_LIMIT_MS = 30_000;
/** A load's silence may last this many times the limit (session creation and warm-up are one step). */
export const LOAD_SILENCE_FACTOR = 2;

/** Requests that owe an answer, and the replies that end each kind. */
type Waiting = 'load' | 'generate' | 'inspect' | 'denoise';
const ENDS: Record<Waiting, ReadonlySet<WorkerOut['type']>> = {
  load: new Set(['ready', 'error', 'cancelled']),
  generate: new Set(['done', 'cancelled', 'error']),
  inspect: new Set(['inspected', 'error']),
  denoise: new Set(['denoised', 'error']),
};

function waitsForReply(m: WorkerIn): Waiting | null {
  return m.type === 'load' || m.type === 'generate' || m.type === 'inspect' || m.type === 'denoise' ? m.type : null;
}

/** `client`, watched: `onDead` is called once, with the cause in plain words, when the engine is gone. */
export function watchEngine(
  client: EngineClient,
  onDead: (cause: string) => void,
  limitMs = SILENCE_LIMIT_MS,
  timers: Timers = realTimers,
): EngineClient {
  const waiting = new Map<number, Waiting>();
  let dead = false;
  const clock = silenceClock((ms) => die(`it sent nothing for ${Math.round(ms / 1000)} s while working`), timers);

  const die = (cause: string) => {
    if (dead) return;
    dead = true;
    clock.stop();
    onDead(cause);
  };
  // Every message restarts the clock while something is owed; nothing owed, no clock.
  const rearm = () => {
    if (waiting.size === 0 || dead) return clock.stop();
    clock.heard([...waiting.values()].includes('load') ? limitMs * LOAD_SILENCE_FACTOR : limitMs);
  };

  const stopListening = client.subscribe((m) => {
    const kind = waiting.get(m.id);
    if (kind && ENDS[kind].has(m.type)) waiting.delete(m.id);
    rearm();
  });
  const stopCrashes = client.onCrash?.(die);

  return {
    send(msg) {
      const kind = waitsForReply(msg);
      if (kind) {
        waiting.set(msg.id, kind);
        // A load may be silent longer than what was owed before it: its own limit starts now.
        if (!clock.armed() || kind === 'load') rearm();
      }
      client.send(msg);
    },
    subscribe: (cb) => client.subscribe(cb),
    onCrash: (cb) => client.onCrash?.(cb) ?? (() => undefined),
    terminate() {
      dead = true;
      clock.stop();
      stopListening();
      stopCrashes?.();
      client.terminate();
    },
  };
}
