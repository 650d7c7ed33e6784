// Debian's Firefox ESR over WebDriver BiDi with puppeteer-core (Playwright's moz-firefox channel
// does not work with this Firefox; see the stack notes).
import puppeteer from 'puppeteer-core';
import type { BrowserAdapter, Driver } from './driver';

const FIREFOX = process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr';

export const firefox: BrowserAdapter = {
  name: 'firefox',
  async launch(): Promise<Driver> {
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(120_000);
      page.setDefaultNavigationTimeout(120_000);
      return {
        async goto(url) {
          await page.goto(url, { waitUntil: 'load' });
        },
        async reload() {
          await page.reload({ waitUntil: 'load' });
        },
        async evaluate<T>(body: string) {
          // A string, so both adapters take the same script; the page's CSP does not apply here.
          return (await page.evaluate(`(async () => { ${body} })()`)) as T;
        },
        async click(selector) {
          await page.click(selector);
        },
        async press(key) {
          await page.keyboard.press(key);
        },
        async fill(selector, value) {
          // Select what is there and type over it: React sees real input events.
          await page.click(selector);
          await page.keyboard.down('Control');
          await page.keyboard.press('a');
          await page.keyboard.up('Control');
          await page.keyboard.press('Backspace');
          await page.type(selector, value);
        },
        async close() {
          await browser.close();
        },
      };
    } catch (err) {
      await browser.close();
      throw err;
    }
  },
};
