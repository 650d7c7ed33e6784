// What happened to the form without the user doing it: a share link set some values, or saved
// settings could not be read. It names every change and value replaced, and offers the way back.
import { useApp, type FormNotice as FormNoticeState } from '../store/store';

export function FormNotice() {
  const notices = useApp((s) => s.notices);
  return (
    <>
      {notices.map((n) => (
        <OneNotice key={n.kind} notice={n} />
      ))}
    </>
  );
}

function OneNotice({ notice }: { notice: FormNoticeState }) {
  const dismiss = useApp((s) => s.dismissNotice);
  const reset = useApp((s) => s.resetSettings);
  const restore = useApp((s) => s.restoreBeforeLink);
  return (
    <div className={`panel notice form-notice ${notice.kind}`} role="status" data-testid={`${notice.kind}-notice`}>
      <p>{notice.message}</p>
      {notice.problems.length > 0 && (
        <ul className="warnings" data-testid="notice-problems">
          {notice.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <p className="actions">
        {notice.kind === 'saved' && (
          <button type="button" data-testid="reset-settings" onClick={reset}>
            Reset saved settings (keeps your text)
          </button>
        )}
        {notice.before && (
          <button type="button" data-testid="restore-before-link" onClick={restore}>
            Put back my text and settings
          </button>
        )}{' '}
        <button type="button" data-testid="dismiss-notice" onClick={() => dismiss(notice.kind)}>
          OK
        </button>
      </p>
    </div>
  );
}
