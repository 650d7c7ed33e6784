// A series of forward passes a view runs on demand (what a token leaned on, what its step-mates
// change): progress, Cancel, the result, or why it stopped. Unmounting stops it, so a view keyed by
// run, step and slot forgets the old token's passes.
import { useEffect, useRef, useState } from 'react';
import { sentenceOf } from '../format';

export type PassesState<T> =
  | { phase: 'idle' }
  | { phase: 'running'; done: number; total: number }
  | { phase: 'done'; result: T }
  | { phase: 'stopped'; why: string };

export type PassesRun<T> = (signal: AbortSignal, onProgress: (done: number, total: number) => void) => Promise<T>;

export function usePasses<T>() {
  const [state, setState] = useState<PassesState<T>>({ phase: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  function start(total: number, run: PassesRun<T>) {
    const ctl = new AbortController();
    abort.current?.abort();
    abort.current = ctl;
    setState({ phase: 'running', done: 0, total });
    run(ctl.signal, (done, all) => !ctl.signal.aborted && setState({ phase: 'running', done, total: all })).then(
      (result) => !ctl.signal.aborted && setState({ phase: 'done', result }),
      (e: unknown) => {
        if (abort.current === ctl)
          setState({ phase: 'stopped', why: ctl.signal.aborted ? 'Cancelled.' : `${sentenceOf(e)} Run it again.` });
      },
    );
  }

  return { state, start, cancel: () => abort.current?.abort() };
}
