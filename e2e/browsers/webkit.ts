// WebKitGTK's MiniBrowser (the engine of Safari) through WebKitWebDriver, a W3C WebDriver server,
// under a virtual X display. Playwright's own WebKit build cannot be downloaded here.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Builder, By, Capabilities, Key, type WebDriver } from 'selenium-webdriver';
import type { BrowserAdapter, Driver, Key as DriverKey } from './driver';

const MINIBROWSER = process.env.MINIBROWSER_BIN ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** A port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Signals xvfb-run, Xvfb, the driver and MiniBrowser together: they share the process group. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Ends the whole group and waits for xvfb-run to exit; what ignores SIGTERM for 5 s gets SIGKILL. */
async function killGroup(child: ChildProcess) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    signalGroup(child, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  }
  // Xvfb or a web process can outlive xvfb-run itself.
  signalGroup(child, 'SIGKILL');
}

async function waitForDriver(url: string, child: ChildProcess, log: () => string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited (${child.exitCode}): ${log()}`);
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`WebKitWebDriver did not answer at ${url}: ${log()}`);
}

/** WebDriver's key codes for the DOM key names the scenarios press. */
const WEBDRIVER_KEYS: Record<DriverKey, string> = {
  Escape: Key.ESCAPE,
  Enter: Key.ENTER,
  Home: Key.HOME,
  End: Key.END,
  ArrowRight: Key.ARROW_RIGHT,
  ArrowLeft: Key.ARROW_LEFT,
  i: 'i',
};

export const webkit: BrowserAdapter = {
  name: 'webkit',
  async launch(): Promise<Driver> {
    const port = await freePort();
    const child = spawn('xvfb-run', ['-a', 'WebKitWebDriver', `--port=${port}`], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    // If the runner dies, the driver and its X server must not outlive it.
    const onExit = () => signalGroup(child, 'SIGKILL');
    process.once('exit', onExit);
    let driver: WebDriver | null = null;
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitForDriver(url, child, () => output.slice(-2000));
      const caps = new Capabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      });
      driver = await new Builder().usingServer(url).withCapabilities(caps).build();
      await driver.manage().setTimeouts({ script: 120_000, pageLoad: 120_000 });
      const d = driver;
      return {
        async goto(target) {
          await d.get(target);
        },
        async reload() {
          await d.navigate().refresh();
        },
        async evaluate<T>(body: string) {
          // Asynchronous script: the page's promise settles the WebDriver call, errors included.
          const result = (await d.executeAsyncScript(
            `const done = arguments[arguments.length - 1];
             (async () => { ${body} })().then((value) => done({ value }), (e) => done({ error: String(e) }));`,
          )) as { value?: T; error?: string };
          if (result.error !== undefined) throw new Error(result.error);
          return result.value as T;
        },
        async click(selector) {
          await d.findElement(By.css(selector)).click();
        },
        async press(key) {
          // To the focused element, as a keyboard would send it.
          await d.switchTo().activeElement().sendKeys(WEBDRIVER_KEYS[key]);
        },
        async fill(selector, value) {
          const el = await d.findElement(By.css(selector));
          await el.click();
          // Select what is there and type over it: React sees real input events. Three calls: in
          // one, WebKitGTK dropped whatever was typed after the Backspace.
          await el.sendKeys(Key.chord(Key.CONTROL, 'a'));
          await el.sendKeys(Key.BACK_SPACE);
          await el.sendKeys(value);
        },
        async close() {
          try {
            await d.quit();
          } finally {
            await killGroup(child);
            process.off('exit', onExit);
          }
        },
      };
    } catch (err) {
      await driver?.quit().catch(() => {});
      await killGroup(child);
      process.off('exit', onExit);
      throw err;
    }
  },
};
