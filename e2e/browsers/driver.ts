// The little a scenario needs from a browser. Each adapter (firefox.ts, webkit.ts) implements it
// with its own protocol; everything else (waiting, reading text, the scenarios) is written once
// in steps.ts on top of it.

/** The keys the scenarios press, by their DOM `key` names. */
export type Key = 'Escape' | 'Enter' | 'Home' | 'End' | 'ArrowRight' | 'ArrowLeft' | 'i';

export interface Driver {
  /** Loads a URL and waits for the document to load. */
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /**
   * Runs `body` (a function body: `return ...;`, may `await`) in the page and gives back its
   * JSON-serialisable result.
   */
  evaluate<T>(body: string): Promise<T>;
  /** A real click (pointer down and up) on the first element matching a CSS selector. */
  click(selector: string): Promise<void>;
  /** Presses one key on the element that has the focus, as a person would. */
  press(key: Key): Promise<void>;
  /** Replaces the value of an input or textarea by typing, as a person would. */
  fill(selector: string, value: string): Promise<void>;
  close(): Promise<void>;
}

export interface BrowserAdapter {
  name: string;
  launch(): Promise<Driver>;
}
