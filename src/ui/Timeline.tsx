// Scrubs through every step of the last run, also while it goes on. At the right end it follows
// the live run; anywhere else it stays where it was put. Play watches a finished run again, a step
// at a time at the chosen speed, from the start (or from where it was paused).
import { useEffect, useState } from 'react';
import { useApp } from '../store/store';

const SPEEDS = [1, 2, 4, 8]; // steps per second

export function Timeline() {
  const run = useApp((s) => s.run);
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const steps = run?.frames.length ?? 0;
  const shown = view === null ? steps : Math.min(view, steps);
  const live = view === null;
  // Which pass the shown step belongs to: unmasking, or a refinement round.
  const frame = run && shown > 0 ? run.frames[shown - 1] : null;
  const rounds = run?.settings.refineRounds ?? 0;
  const phase0 =
    frame?.phase === 'refine' ? `refinement round ${frame.round} of ${rounds}` : rounds > 0 && frame ? 'unmasking' : '';
  // An adaptive run's steps differ in size: say how many slots the shown one committed.
  const adaptive = run?.settings.schedule === 'adaptive' && run.settings.strategy !== 'left-to-right';
  const committed = adaptive && frame ? `committed ${frame.resolved.length}` : '';
  const phase = [phase0, committed].filter(Boolean).join(' · ');
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(2);
  const finished = !!run && run.status !== 'running' && steps > 0;
  useEffect(() => {
    if (!playing) return;
    if (!finished || shown >= steps) {
      setPlaying(false);
      return;
    }
    const t = setTimeout(() => setView(shown + 1 >= steps ? null : shown + 1), 1000 / speed);
    return () => clearTimeout(t);
  }, [playing, finished, shown, steps, speed, setView]);
  const play = () => {
    if (shown >= steps) setView(0); // from the start when at the end
    setPlaying(true);
  };
  return (
    <div className="timeline">
      <label htmlFor="timeline">
        Timeline: step <output data-testid="timeline-step">{shown}</output> of {run?.totalSteps ?? 0}
        {phase && (
          <span className="phase" data-testid="timeline-phase">
            {' '}
            · {phase}
          </span>
        )}
      </label>
      <div className="field-row">
        <input
          id="timeline"
          type="range"
          data-testid="timeline"
          min={0}
          max={steps}
          step={1}
          value={shown}
          disabled={!run}
          aria-valuetext={`step ${shown} of ${run?.totalSteps ?? 0}${phase ? `, ${phase}` : ''}`}
          onChange={(e) => {
            const v = Number(e.target.value);
            // Moving to the newest step of a running run means "follow it again" (but step 0 of
            // a run with no frame yet is a place to stay).
            setView(run?.status === 'running' && v >= steps && v > 0 ? null : v);
          }}
        />
        <button
          type="button"
          disabled={!finished}
          onClick={() => (playing ? setPlaying(false) : play())}
          data-testid="timeline-play"
          aria-pressed={playing}
        >
          {playing ? 'Pause' : 'Play'}
        </button>
        <label className="speed">
          <span className="sr-only">Playback speed</span>
          <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} data-testid="timeline-speed">
            {SPEEDS.map((v) => (
              <option key={v} value={v}>
                {v} steps/s
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={live} onClick={() => setView(null)} data-testid="timeline-live">
          {run?.status === 'running' ? 'Follow live' : 'Show last'}
        </button>
      </div>
    </div>
  );
}
