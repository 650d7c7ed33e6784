// @vitest-environment happy-dom
// A share link's step and inspected slot belong to the link's own run: if that run is stopped or cannot
// start, they are let go (and the link's notice says so) instead of landing on the next run the user makes.
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../engine';
import { installMemoryStorage } from '../../store/memoryStorage';
import { startRun } from '../../store/run';
import { resetApp, useApp } from '../../store/store';
import { useInspector } from './inspectorState';
import { LinkedView } from './LinkedView';

beforeEach(() => {
  installMemoryStorage();
  resetApp();
  useInspector.getState().setOpen(false);
});
afterEach(cleanup);

const explain = { step: 2, slot: 1, noise: null };
const linkNotice = { kind: 'link' as const, message: 'Opened a shared link.', problems: [] as string[] };
const runOf = (runId: number) =>
  startRun(runId, Int32Array.from([3, 1, 1]), Uint8Array.from([1, 0, 0]), 2, DEFAULT_SETTINGS, null, 0);

describe("a link's step and slot", () => {
  it('are let go, and said so, when the link run is stopped', () => {
    act(() => useApp.setState({ linkedExplain: { explain, after: null }, notices: [linkNotice], run: runOf(4) }));
    render(<LinkedView />);
    expect(useApp.getState().linkedExplain).not.toBeNull(); // running: it waits
    act(() => useApp.setState({ run: { ...useApp.getState().run!, status: 'cancelled' } }));
    expect(useApp.getState().linkedExplain).toBeNull();
    expect(useApp.getState().notices[0].problems).toEqual([
      "The link's run did not finish, so its step and inspected slot are not shown.",
    ]);
    // The next run the user makes ends as it would without the link: no inspector opens.
    act(() => useApp.setState({ run: { ...runOf(5), status: 'done' } }));
    expect(useInspector.getState().open).toBe(false);
  });

  it('are let go when the link run cannot start (a problem in the form)', () => {
    act(() =>
      useApp.setState({
        linkedExplain: { explain, after: 3 },
        notices: [linkNotice],
        run: { ...runOf(3), status: 'done' },
      }),
    );
    render(<LinkedView />);
    expect(useApp.getState().linkedExplain).not.toBeNull();
    act(() => useApp.setState({ runError: 'The length must be at least 1.' }));
    expect(useApp.getState().linkedExplain).toBeNull();
    expect(useApp.getState().notices[0].problems[0]).toMatch(/could not start/);
  });

  it("are shown once the link's own run is done", () => {
    const slotOnly = { ...explain, step: null };
    act(() =>
      useApp.setState({ linkedExplain: { explain: slotOnly, after: null }, notices: [linkNotice], run: runOf(4) }),
    );
    render(<LinkedView />);
    act(() => useApp.setState({ run: { ...useApp.getState().run!, status: 'done' } }));
    expect(useApp.getState().linkedExplain).toBeNull();
    expect(useApp.getState().notices[0].problems).toEqual([]);
    expect(useInspector.getState().open).toBe(true);
  });
});
