// How the canvas is viewed, apart from the run itself: whether drafts show, and which words are
// selected for re-imagining (positions, plus the anchor a shift-click or Shift+arrow extends from).
import { create } from 'zustand';

interface CanvasView {
  showDraft: boolean;
  selection: number[];
  anchor: number | null;
  setShowDraft(on: boolean): void;
  select(positions: number[], anchor?: number | null): void;
  clear(): void;
}

export const useCanvasView = create<CanvasView>()((set, get) => ({
  showDraft: true,
  selection: [],
  anchor: null,
  setShowDraft: (on) => set({ showDraft: on }),
  select: (positions, anchor) =>
    set({ selection: [...new Set(positions)].sort((a, b) => a - b), anchor: anchor === undefined ? get().anchor : anchor }),
  clear: () => set({ selection: [], anchor: null }),
}));
