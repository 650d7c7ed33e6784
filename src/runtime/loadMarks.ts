// Marks on the performance timeline along the way to "ready" (User Timing: DevTools shows them,
// and the bench reads them from the worker to break "ready from cache" down into phases). A few
// marks per load: they are never cleared.

/** Records `phase` (e.g. 'model.onnx read') at the current time as the mark 'unmask:<phase>'. */
export function markLoad(phase: string): void {
  globalThis.performance?.mark?.(`unmask:${phase}`);
}
