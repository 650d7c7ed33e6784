// @vitest-environment happy-dom
// A view whose code cannot load breaks only itself: it says so beside the rest of the page, and Try
// again asks for the code afresh (React.lazy alone would throw the first failure forever).
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LazyView } from './LazyView';

afterEach(cleanup);

describe('a lazily loaded view', () => {
  it('that fails to load shows its error and Try again, which loads it afresh', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let calls = 0;
    const load = () => {
      calls++;
      return calls === 1
        ? Promise.reject(new TypeError('Failed to fetch dynamically imported module'))
        : Promise.resolve({ default: () => <p>the view itself</p> });
    };
    render(
      <>
        <p>the rest of the page</p>
        <LazyView load={load} name="the order map" fallback={<p>loading…</p>} />
      </>,
    );
    const failed = await screen.findByTestId('view-failed');
    expect(failed.textContent).toMatch(
      /^The order map could not be shown \(Failed to fetch dynamically imported module\)\. Its code did not arrive/,
    );
    expect(screen.getByText('the rest of the page')).toBeTruthy();
    fireEvent.click(screen.getByTestId('view-retry'));
    expect(await screen.findByText('the view itself')).toBeTruthy();
    expect(calls).toBe(2);
    expect(screen.queryByTestId('view-failed')).toBeNull();
  });

  it('that fails again after Try again says to reload, as a browser may keep the failure', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const load = () => Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
    render(<LazyView load={load} name="the cost of steps" fallback={null} />);
    expect((await screen.findByTestId('view-failed')).textContent).not.toMatch(/reload/);
    fireEvent.click(screen.getByTestId('view-retry'));
    await vi.waitFor(() =>
      expect(screen.getByTestId('view-failed').textContent).toMatch(
        /If it fails again while connected, reload the page: this browser may keep a failed download until then\./,
      ),
    );
  });

  it('whose code neither arrives nor fails is given up after its limit, and Try again asks again', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let calls = 0;
    const load = () =>
      ++calls === 1 ? new Promise<never>(() => {}) : Promise.resolve({ default: () => <p>arrived at last</p> });
    render(<LazyView load={load} name="the sweep" fallback={<p>loading…</p>} limitMs={20} />);
    const failed = await screen.findByTestId('view-failed');
    expect(failed.textContent).toMatch(/^The sweep could not be shown \(its code did not arrive within \d+ s\)/);
    fireEvent.click(screen.getByTestId('view-retry'));
    expect(await screen.findByText('arrived at last')).toBeTruthy();
  });

  it('that throws while it renders says so without blaming the connection', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const Broken = () => {
      throw new Error('no rows');
    };
    render(<LazyView load={() => Promise.resolve({ default: Broken })} name="the inspector" fallback={null} />);
    const failed = await screen.findByTestId('view-failed');
    expect(failed.textContent).toMatch(/^The inspector could not be shown \(no rows\)\. Try again, or reload/);
  });
});
