// Whether the inspector is open and which slot it looks inside (the step is the timeline's). Small and
// loaded with the page: the canvas routes clicks to it while it is open, and Escape closes it before
// it would stop a run.
import { create } from 'zustand';

interface InspectorState {
  open: boolean;
  /** The canvas position looked inside, or null before a token is chosen. */
  slot: number | null;
  setOpen(open: boolean): void;
  /** Opens the inspector on `slot`. */
  inspect(slot: number): void;
}

export const useInspector = create<InspectorState>()((set) => ({
  open: false,
  slot: null,
  setOpen: (open) => set({ open }),
  inspect: (slot) => set({ open: true, slot }),
}));
