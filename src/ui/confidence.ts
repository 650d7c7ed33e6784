// The confidence colour scale: five steps of viridis, which stays ordered in lightness for
// colour-blind readers and in greyscale. Text on each step uses whichever of black or white
// contrasts more.
export interface ConfidenceStep {
  from: number;
  to: number;
  background: string;
  text: string;
}

export const CONFIDENCE_STEPS: readonly ConfidenceStep[] = [
  { from: 0, to: 0.2, background: '#440154', text: '#ffffff' },
  { from: 0.2, to: 0.4, background: '#3b528b', text: '#ffffff' },
  { from: 0.4, to: 0.6, background: '#21918c', text: '#000000' },
  { from: 0.6, to: 0.8, background: '#5ec962', text: '#000000' },
  { from: 0.8, to: 1.0001, background: '#fde725', text: '#000000' },
];

export function confidenceStep(p: number): number {
  const i = CONFIDENCE_STEPS.findIndex((s) => p >= s.from && p < s.to);
  return i < 0 ? (p < 0 ? 0 : CONFIDENCE_STEPS.length - 1) : i;
}

export function percent(p: number): string {
  return `${Math.round(p * 100)}%`;
}
