// @vitest-environment happy-dom
// The panel shows the rulebook's numbers (src/engine/SAMPLING.md 2c and 2d), within 1e-6: each candidate's
// p (specials out, temperature 1) and q (at the run's temperature, after top-p; or at a what-if one),
// computed here from the pass's logits by the rule as written, not by the engine's code.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Frame } from '../../engine';
import { applyFrame, startRun } from '../../store/run';
import { useApp } from '../../store/store';
import type { Inspected } from '../../worker/protocol';
import { useInspector } from './inspectorState';
import SlotInspector from './SlotInspector';

afterEach(cleanup);

const PIECES = ['[PAD]', '[MASK]', '[EOS]', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];
const V = PIECES.length;
const SPECIAL = { pad: 0, mask: 1, eos: 2 };
// The logits the pass gave the inspected slot: the specials are high, so leaving them in would show.
const ROW = Float32Array.from([3, 4, 2.5, 2.1, 1.7, 1.65, 0.9, 0.3, -0.2, -1, -1.5, 0.1, 1.2, -3]);

/** softmax over the non-special ids at temperature T; then the smallest top set holding topP, renormalised. */
function rule(T: number, topP: number): Map<number, number> {
  const ids = [...Array(V).keys()].filter((v) => v > 2);
  const z = ids.reduce((s, v) => s + Math.exp(ROW[v] / T), 0);
  const byP = ids.map((v) => [v, Math.exp(ROW[v] / T) / z] as const).sort((a, b) => b[1] - a[1]);
  const kept: (readonly [number, number])[] = [];
  let mass = 0;
  for (const e of byP) {
    if (mass >= topP) break;
    kept.push(e);
    mass += e[1];
  }
  return new Map(kept.map(([v, q]) => [v, q / mass]));
}

function setUp() {
  const settings = { ...DEFAULT_SETTINGS, temperature: 0.8, topP: 0.9, steps: 2, refineRounds: 0 };
  let run = startRun(1, Int32Array.of(5, 1, 1), Uint8Array.of(1, 0, 0), 2, settings, null, 0);
  const frame: Frame = {
    step: 1,
    totalSteps: 2,
    ids: Int32Array.of(5, 4, 1),
    resolved: [1],
    confidences: [0.3],
    forwardMs: 1,
  };
  run = applyFrame(run, frame, 1);
  run = applyFrame(run, { ...frame, step: 2, ids: Int32Array.of(5, 4, 6), resolved: [2] }, 2);
  run = { ...run, status: 'done' }; // the inspector recomputes passes only once a run has ended
  const reply = (slot: number): Inspected => ({
    type: 'inspected',
    id: 1,
    slot,
    row: ROW,
    report: {
      masked: Int32Array.of(1, 2),
      token: Int32Array.of(4, 6),
      confidence: Float64Array.of(0.3, 0.2),
      score: Float64Array.of(0.2, 0.1),
      top: Float64Array.of(0.3, 0.2),
      order: Int32Array.of(0, 1),
      draftIds: Int32Array.of(-1, 3, 3),
      draftProbs: Float32Array.of(0, 0.3, 0.2),
    },
    special: SPECIAL,
  });
  useApp.setState({
    run,
    view: 1,
    engine: {
      ...useApp.getState().engine,
      status: 'ready',
      model: { ...useApp.getState().engine.model!, pieces: PIECES },
    },
    inspect: (request, onReply) => {
      onReply(reply(request.slot));
      return () => {};
    },
  });
  useInspector.setState({ open: true, slot: 1 });
}

const rows = () =>
  screen.getAllByTestId('candidate').map((r) => ({
    id: Number(r.getAttribute('data-id')),
    p: Number(r.getAttribute('data-prob')),
    q: Number(r.getAttribute('data-prob-sampled')),
    drawn: r.getAttribute('data-drawn') === 'true',
  }));

describe('the inspector panel', () => {
  it("shows each candidate's p and q as the rulebook defines them, and the what-if redraws q alone", () => {
    setUp();
    render(<SlotInspector />);
    const p = rule(1, 1);
    const q = rule(0.8, 0.9);
    const shown = rows();
    expect(shown.length).toBeGreaterThanOrEqual(8);
    expect(shown.map((r) => r.id)).not.toContain(0); // no special among the candidates
    expect(shown.find((r) => r.drawn)?.id).toBe(4); // the token the run wrote at step 1
    for (let k = 1; k < shown.length; k++) expect(shown[k].p).toBeLessThanOrEqual(shown[k - 1].p);
    for (const r of shown) {
      expect(Math.abs(r.p - p.get(r.id)!)).toBeLessThan(1e-6);
      expect(Math.abs(r.q - (q.get(r.id) ?? 0))).toBeLessThan(1e-6);
    }
    expect(shown.some((r) => r.q === 0 && r.p > 0)).toBe(true); // top-p cut some candidates

    act(() => {
      fireEvent.change(screen.getByTestId('inspector-temperature'), { target: { value: '1.5' } });
    });
    const what = rule(1.5, 0.9);
    for (const r of rows()) {
      expect(Math.abs(r.p - p.get(r.id)!)).toBeLessThan(1e-6);
      expect(Math.abs(r.q - (what.get(r.id) ?? 0))).toBeLessThan(1e-6);
    }
    expect(screen.getByTestId('inspector-whatif-label').textContent).toMatch(/What-if: q at temperature 1.5/);
  });
});

describe('a slot its step drew again (SAMPLING.md 4)', () => {
  it('says what the pass drew, that the step had written it beside the slot, and what it wrote instead', () => {
    setUp();
    // One step wrote both slots: the pass drew 4 for each; slot 2 (surer) kept it, slot 1 took 6.
    const settings = { ...DEFAULT_SETTINGS, steps: 1, refineRounds: 0 };
    const start = startRun(1, Int32Array.of(5, 1, 1), Uint8Array.of(1, 0, 0), 2, settings, null, 0);
    const frame: Frame = {
      step: 1,
      totalSteps: 1,
      ids: Int32Array.of(5, 6, 4),
      resolved: [1, 2],
      confidences: [0.3, 0.6],
      forwardMs: 1,
    };
    const answer = useApp.getState().inspect;
    useApp.setState({
      run: { ...applyFrame(start, frame, 1), status: 'done' },
      inspect: (request, onReply) =>
        answer(request, (m) => {
          // Slot 2 ranked first (written first), slot 1 second.
          if (m.type === 'inspected')
            m = { ...m, report: { ...m.report, token: Int32Array.of(4, 4), order: Int32Array.of(1, 0) } };
          onReply(m);
        }),
    });
    render(<SlotInspector />);
    expect(screen.getByTestId('inspector-state').textContent).toMatch(
      /Step 1 drew “b”, then wrote “d” \(p \S+ once “b” was taken away: see below\)/,
    );
    const hint = screen.getByTestId('inspector-redrawn');
    expect(hint.getAttribute('data-why')).toBe('doubled');
    expect(hint.textContent).toMatch(
      /The pass drew “b”, but another slot of this step had already written “b” beside it/,
    );
    expect(hint.textContent).toMatch(/which gave “d”/);
    // The numbers are the row slot 1 was drawn from again: without 4, which the hint below names.
    expect(rows().find((r) => r.drawn)?.id).toBe(6); // the token the run wrote
    expect(rows().map((r) => r.id)).not.toContain(4);
    expect(screen.getByTestId('inspector-banned').textContent).toMatch(
      /^Not allowed here once the slots before it in this step were written: “b”\. .*or double a token written beside it/,
    );
    act(() => useInspector.setState({ slot: 2 }));
    expect(screen.queryByTestId('inspector-redrawn')).toBeNull();
  });
});

describe('the inspector without an engine', () => {
  it('says what brings the numbers (Retry, the download, the load) instead of "Recomputing…", and asks once ready', () => {
    setUp();
    let asked = 0;
    const answer = useApp.getState().inspect;
    useApp.setState({
      inspect: (request, onReply) => {
        asked++;
        return answer(request, onReply);
      },
    });
    const engineIs = (status: 'error' | 'cancelled' | 'loading' | 'ready') =>
      act(() => useApp.setState({ engine: { ...useApp.getState().engine, status } }));
    engineIs('error');
    render(<SlotInspector />);
    expect(screen.getByTestId('inspector-not-ready').textContent).toMatch(
      /not loaded \(the error at the top of the page says why\): press Retry there/,
    );
    expect(screen.queryByText(/Recomputing/)).toBeNull();
    engineIs('cancelled');
    expect(screen.getByTestId('inspector-not-ready').textContent).toMatch(/not downloaded: .*Download the model/);
    engineIs('loading');
    expect(screen.getByTestId('inspector-not-ready').textContent).toMatch(
      /loading: step 1's forward pass is recomputed once it has loaded/,
    );
    expect(asked).toBe(0);
    engineIs('ready');
    expect(asked).toBe(1);
    expect(screen.queryByTestId('inspector-not-ready')).toBeNull();
    expect(screen.getAllByTestId('candidate').length).toBeGreaterThan(0);
  });
});
