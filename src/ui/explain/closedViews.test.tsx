// @vitest-environment happy-dom
// Closed views cost a run nothing: with every explainer view closed, the frames of a run make none of
// them render again (React's Profiler counts their commits), while a component that does read the run
// renders once per frame. The bench (bench/frames.mjs) measures the same in a browser, in milliseconds.
import { act, cleanup, render } from '@testing-library/react';
import { Profiler, type ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Frame } from '../../engine';
import { applyFrame, startRun } from '../../store/run';
import { useApp } from '../../store/store';
import { InspectorPanel } from './InspectorPanel';
import { LinkedView } from './LinkedView';
import { ObjectivePanel } from './ObjectivePanel';
import { OrderMapPanel } from './OrderMapPanel';
import { SweepPanel } from './SweepPanel';
import { TourLauncher } from './TourLauncher';

afterEach(cleanup);

const M = 1;
const N = 8;

function RunReader() {
  const run = useApp((s) => s.run);
  return <span>{run?.frames.length ?? 0}</span>;
}

describe('closed explainer views', () => {
  it('do not render again while a run streams its frames', () => {
    const commits = new Map<string, number>();
    const counted = (id: string, node: ReactNode) => (
      <Profiler id={id} onRender={() => commits.set(id, (commits.get(id) ?? 0) + 1)}>
        {node}
      </Profiler>
    );
    const ids = Int32Array.from([7, ...Array<number>(N).fill(M)]);
    const fixed = Uint8Array.from([1, ...Array<number>(N).fill(0)]);
    let run = startRun(1, ids, fixed, N, DEFAULT_SETTINGS, null, 0);
    act(() => useApp.setState({ run, view: null }));
    render(
      <>
        {counted('tour', <TourLauncher />)}
        {counted('inspector', <InspectorPanel />)}
        {counted('order map', <OrderMapPanel />)}
        {counted('objective', <ObjectivePanel />)}
        {counted('link', <LinkedView />)}
        {counted('sweep', <SweepPanel />)}
        {counted('reader', <RunReader />)}
      </>,
    );
    const before = new Map(commits);
    for (let k = 1; k <= N; k++) {
      const now = Int32Array.from(run.ids);
      now[k] = 10 + k;
      const frame: Frame = { step: k, totalSteps: N, ids: now, resolved: [k], confidences: [0.5], forwardMs: 1 };
      run = applyFrame(run, frame, k);
      act(() => useApp.setState({ run }));
    }
    // The control: the frames did reach a component that reads the run, once each.
    expect(commits.get('reader')! - before.get('reader')!).toBe(N);
    for (const id of ['tour', 'inspector', 'order map', 'objective', 'link', 'sweep'])
      expect(commits.get(id), `${id} rendered again during the run`).toBe(before.get(id));
  });
});
