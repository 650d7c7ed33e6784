// Selecting words of a finished run for re-imagining: click a word, shift-click to extend, ctrl or
// cmd-click to add or remove one, drag across words; by keyboard, Space or Enter on a focused
// token toggles its word and Shift+arrows extend. Works on positions; whole words at a time.
import { useEffect, useMemo, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import type { Slot } from './passage';
import { useCanvasView } from './canvasView';

const tokenOf = (t: EventTarget | null) =>
  t instanceof Element ? t.closest<HTMLElement>('[data-testid="token"]') : null;

export function useWordSelection(slots: readonly Slot[], editable: boolean) {
  const { selection, anchor, select } = useCanvasView();
  const dragging = useRef(false);

  // Position → its word's selectable (resolved) positions, and the order of positions.
  const { wordOf, order } = useMemo(() => {
    const wordOf = new Map<number, number[]>();
    const byWord = new Map<number, number[]>();
    const order: number[] = [];
    for (const s of slots) {
      if (s.state !== 'resolved') continue;
      const w = byWord.get(s.word) ?? [];
      w.push(s.index);
      byWord.set(s.word, w);
      wordOf.set(s.index, w);
      order.push(s.index);
    }
    return { wordOf, order };
  }, [slots]);

  const range = (a: number, b: number): number[] => {
    const wa = wordOf.get(a) ?? [a];
    const wb = wordOf.get(b) ?? [b];
    const lo = Math.min(wa[0], wb[0]);
    const hi = Math.max(wa[wa.length - 1], wb[wb.length - 1]);
    return order.filter((p) => p >= lo && p <= hi);
  };
  const toggle = (pos: number) => {
    const word = wordOf.get(pos) ?? [];
    const on = word.every((p) => selection.includes(p));
    select(on ? selection.filter((p) => !word.includes(p)) : [...selection, ...word], pos);
  };

  useEffect(() => {
    const up = () => (dragging.current = false);
    window.addEventListener('mouseup', up);
    return () => window.removeEventListener('mouseup', up);
  }, []);

  const onMouseDown = (e: MouseEvent) => {
    const el = tokenOf(e.target);
    if (!editable || !el || el.dataset.state !== 'resolved' || e.button !== 0) return;
    e.preventDefault(); // no text selection while choosing words
    el.focus();
    const pos = Number(el.dataset.index);
    const word = wordOf.get(pos) ?? [];
    if (e.shiftKey && anchor !== null) select(range(anchor, pos));
    else if (e.ctrlKey || e.metaKey) toggle(pos);
    else {
      const alone = selection.length === word.length && word.every((p) => selection.includes(p));
      select(alone ? [] : word, pos);
      dragging.current = !alone;
    }
  };
  const onMouseOver = (e: MouseEvent) => {
    const el = tokenOf(e.target);
    if (!dragging.current || !el || el.dataset.state !== 'resolved' || anchor === null || (e.buttons & 1) === 0) return;
    select(range(anchor, Number(el.dataset.index)));
  };

  /** Handles selection keys on a focused token; returns true when it did. `next` is where the
   * arrow key moves focus (computed by the canvas). */
  const onKey = (e: KeyboardEvent, current: HTMLElement | null, next: HTMLElement | null): boolean => {
    if (!editable || !current || current.dataset.state !== 'resolved') return false;
    const pos = Number(current.dataset.index);
    if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      toggle(pos);
      return true;
    }
    if (e.shiftKey && next && next.dataset.state === 'resolved') {
      const from = anchor ?? pos;
      select(range(from, Number(next.dataset.index)), from);
      return false; // the canvas still moves focus
    }
    return false;
  };

  return { selection, onMouseDown, onMouseOver, onKey };
}
