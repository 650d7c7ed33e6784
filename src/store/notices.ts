// What the page says about the form: what a share link did to it (and the way back), saved settings
// that could not be read, and storage that keeps nothing. Pure: the store decides when to show them.
import type { FormState } from './form';
import type { BeforeLink } from './persist';
import { isBusy, type SessionState } from './reducer';
import { cloneForm } from './schema';
import type { ExplainLink, SharedLink } from './share';

/** What a share link did to the form, or what was wrong with the saved one, or that nothing is saved. */
export interface FormNotice {
  kind: 'link' | 'saved' | 'storage';
  message: string;
  problems: string[];
  /** The form a link replaced, for the way back (a link may overwrite text the user typed), and the
   * form it set (a second link over an unedited first one keeps the first one's way back). */
  before?: FormState;
  setByLink?: FormState;
}

export const STORAGE_NOTICE: FormNotice = {
  kind: 'storage',
  message:
    'This browser is not keeping your text and settings (its storage is full or turned off for this site), so a reload will lose them. Copy anything you want to keep.',
  problems: [],
};

export function savedNotices(problems: string[]): FormNotice[] {
  if (problems.length === 0) return [];
  return [{ kind: 'saved', message: 'Some saved settings could not be read and were replaced by defaults.', problems }];
}

/** After a reload, the way back a share link left (persist.ts keeps it): `current` is the form the page
 * started with; where it is still the link's, a second link keeps this way back, as before the reload. */
export function keptLinkNotice(kept: BeforeLink, current: FormState): FormNotice {
  const unedited = kept.setByLink !== undefined && JSON.stringify(kept.setByLink) === JSON.stringify(current);
  return {
    kind: 'link',
    message:
      'Earlier, a shared link replaced your text and settings on this page. Put them back, or press OK to keep these.',
    problems: [],
    before: kept.before,
    ...(unedited ? { setByLink: current } : {}),
  };
}

/** A link's explainer state, waiting for the link's run to end (src/ui/explain/LinkedView.tsx shows it). */
export type LinkedExplain = { explain: ExplainLink; after: number | null } | null;

export interface LinkArrival {
  /** What the link set, in words (the announcement starts with it). */
  what: string;
  notice: FormNotice;
  linkedExplain: LinkedExplain;
}

/** What opening `link` says and keeps, given the page as it is: whether its run waits for the one going
 * on or for the model, the way back to the user's own form, and the explainer state it carries. */
export function linkArrival(
  s: Pick<SessionState, 'engine' | 'pending' | 'run'> & { form: FormState; notices: FormNotice[] },
  link: SharedLink,
  current: string | null,
): LinkArrival {
  const what =
    link.changed.length > 0
      ? `Opened a shared link: it set ${link.changed.join(', ')}.`
      : 'Opened a shared link: it matched your current settings.';
  // During a run the link's run waits for it to end (or be stopped), and says so.
  const sameModel = link.model === null || link.model === current;
  // A link opened while the model is not there yet says what starts its run.
  const blocked = !sameModel
    ? ''
    : s.engine.status === 'cancelled'
      ? ' It runs once the model is downloaded: press Download the model.'
      : s.engine.status === 'error'
        ? ` It runs once the engine has started (${s.engine.error?.action ?? 'press Retry'}).`
        : '';
  const message = sameModel && isBusy(s) ? `${what} It runs when the current run ends.` : `${what}${blocked}`;
  // The way back is to the user's own form: a second link keeps the first one's, unless the form was
  // edited since; a link that changes only the model has nothing to put back.
  const earlier = s.notices.find((n) => n.kind === 'link');
  const formChanged = link.changed.some((c) => !c.startsWith('model '));
  const before = earlier?.before && earlier.setByLink === s.form ? earlier.before : cloneForm(s.form);
  const notice: FormNotice = {
    kind: 'link',
    message,
    problems: link.problems,
    ...(formChanged ? { before, setByLink: link.form } : {}),
  };
  const { step, slot, noise } = link.explain;
  // Shown once a run that is not the current one has ended: the link's own.
  const linkedExplain =
    step === null && slot === null && noise === null
      ? null
      : { explain: link.explain, after: s.pending?.runId ?? s.run?.runId ?? null };
  return { what, notice, linkedExplain };
}
