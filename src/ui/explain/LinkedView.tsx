// A share link's explainer state (src/store/share.ts: a step, an inspected slot, a noise level), shown
// once the link's run has ended: the timeline moves to the step, the inspector opens on the slot, the
// noise panel opens at the level. What does not fit the run is left out and said in the link's notice.
import { useEffect } from 'react';
import { useApp } from '../../store/store';
import { useInspector } from './inspectorState';
import { useNoiseView } from './noiseView';

export function LinkedView() {
  const linked = useApp((s) => s.linkedExplain);
  // Only while a link waits to be shown: otherwise a run's every frame would re-render this.
  const run = useApp((s) => (s.linkedExplain ? s.run : null));
  const pending = useApp((s) => (s.linkedExplain ? s.pending : false));
  const runError = useApp((s) => (s.linkedExplain ? s.runError : null));

  useEffect(() => {
    if (!linked) return;
    const { step, slot, noise } = linked.explain;
    if (noise !== null) {
      useNoiseView.getState().setNoise(noise);
      useNoiseView.getState().setOpen(true);
    }
    if (step !== null || slot !== null) {
      // The step and the slot belong to the link's run. One that was stopped, failed or could not
      // start lets them go (said in the link's notice), or they would land on whatever run came next.
      const ownRun = run && run.runId !== linked.after ? run : null;
      if (pending || ownRun?.status === 'running') return;
      const why = ownRun ? (ownRun.status === 'done' ? null : 'did not finish') : runError ? 'could not start' : null;
      if (why) {
        useApp.getState().clearLinkedExplain([`The link's run ${why}, so its step and inspected slot are not shown.`]);
        return;
      }
      if (!ownRun) return;
    }
    const problems: string[] = [];
    if (step !== null && run) {
      const last = run.frames.length;
      if (step > last) problems.push(`The link's step ${step} is past this run's ${last} steps; showing the last.`);
      useApp.getState().setView(Math.min(step, last));
    }
    if (slot !== null && run) {
      if (slot < run.ids.length && !run.given[slot]) useInspector.getState().inspect(slot);
      else problems.push(`The link's inspected slot ${slot} is not a generated token of this run; left out.`);
    }
    useApp.getState().clearLinkedExplain(problems);
  }, [linked, run, pending, runError]);

  return null;
}
