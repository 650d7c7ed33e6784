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

  useEffect(() => {
    if (!linked) return;
    const { step, slot, noise } = linked.explain;
    if (noise !== null) {
      useNoiseView.getState().setNoise(noise);
      useNoiseView.getState().setOpen(true);
    }
    // The step and the slot belong to the link's run: wait for it to end.
    if ((step !== null || slot !== null) && (!run || run.runId === linked.after || run.status !== 'done' || pending))
      return;
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
  }, [linked, run, pending]);

  return null;
}
