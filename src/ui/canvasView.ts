// Which words of the canvas are selected for re-imagining (positions, plus the anchor a shift-click
// or Shift+arrow extends from). Whether drafts show is a saved preference in the app store.
import { create } from 'zustand';

interface CanvasView {
  selection: number[];
  anchor: number | null;
  select(positions: number[], anchor?: number | null): void;
  clear(): void;
}

export const useCanvasView = create<CanvasView>()((set, get) => ({
  selection: [],
  anchor: null,
  select: (positions, anchor) =>
    set({
      selection: [...new Set(positions)].sort((a, b) => a - b),
      anchor: anchor === undefined ? get().anchor : anchor,
    }),
  clear: () => set({ selection: [], anchor: null }),
}));
