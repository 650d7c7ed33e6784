// A promise that may never settle (a browser API that does not answer), given a time limit.

/** `promise`, or a rejection with `message` once `ms` have passed without an answer; the timer is
 * cleared either way, so nothing is left running after the answer. */
export function withTimeLimit<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
