/**
 * Playwright helpers for driving the workbench like a person: status bar items,
 * notifications (read in the notification center: the smoke-test driver the
 * harness enables turns toasts off), quick picks opened by a command.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 100 ms until it gives something truthy, which it returns; the error names `what`. */
export async function waitUntil<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  for (const until = Date.now() + timeoutMs; ; await sleep(100)) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
  }
}

/** A status bar item of Voxnote by its item id (VS Code makes it "<extension id>.<item id>"). */
export const voxnoteStatusItem = (page: Page, id: string): Locator => page.locator(`[id="voxnote.voxnote.${id}"]`);

/** The item's text, or '' when it is hidden or absent. */
export async function itemText(item: Locator): Promise<string> {
  if (!(await item.isVisible().catch(() => false))) return '';
  return (await item.innerText({ timeout: 1000 }).catch(() => '')).trim();
}

/** Waits until the item's text matches (use /^$/ for hidden); the error says what it last showed. */
export async function waitForItem(item: Locator, match: RegExp, timeoutMs = 20_000): Promise<string> {
  let last = '';
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(50)) {
    last = await itemText(item);
    if (match.test(last)) return last;
  }
  throw new Error(`the status bar item never matched ${match}; last: "${last}"`);
}

/** Opens the notification center (if closed) and waits for a notification holding `text`. */
export async function notification(page: Page, text: string, timeoutMs = 20_000): Promise<Locator> {
  const bell = page.locator('[id="status.notifications"]');
  const center = page.locator('.notifications-center');
  const item = center.locator('.notification-list-item', { hasText: text }).first();
  for (const until = Date.now() + timeoutMs; !(await item.count()); await sleep(100)) {
    if (!(await center.isVisible())) await bell.click();
    if (Date.now() > until) throw new Error(`no notification "${text}" within ${timeoutMs} ms; center: ${await center.innerText().catch(() => '')}`);
  }
  // Away from the bell, whose hover would cover the notification's buttons.
  await page.mouse.move(1, 1);
  return item;
}

/** Waits for a notification, then closes the center again. */
export async function notified(page: Page, text: string, timeoutMs = 20_000): Promise<void> {
  await notification(page, text, timeoutMs);
  await closeNotifications(page);
}

export async function closeNotifications(page: Page): Promise<void> {
  if (await page.locator('.notifications-center').isVisible()) await page.locator('[id="status.notifications"]').click();
}

/**
 * Picks the entry of an open (or opening) quick pick by typing until it is the
 * first row, then Enter. Waits for the pick to close, or, with `next`, for the
 * quick pick the choice opens (its title holds `next`): VS Code reuses the widget.
 */
export async function choose(page: Page, text: string, options: { next?: string; timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await page.keyboard.type(text);
  const first = page.locator('.quick-input-widget .monaco-list-row').first();
  const wanted = text.toLowerCase();
  for (const until = Date.now() + timeoutMs; ; await sleep(50)) {
    const label = await first.getAttribute('aria-label', { timeout: 1000 }).catch(() => null);
    if (label?.toLowerCase().includes(wanted)) break;
    if (Date.now() > until) throw new Error(`the quick pick never offered "${text}" first (top: ${label})`);
  }
  await page.keyboard.press('Enter');
  if (options.next) await page.locator('.quick-input-widget .quick-input-title', { hasText: options.next }).waitFor({ timeout: timeoutMs });
  else await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** F1 and a command that opens a quick pick (titled `next`), which the caller then answers with choose(). */
export async function runPickCommand(page: Page, title: string, next: string): Promise<void> {
  await page.keyboard.press('F1');
  await choose(page, title, { next });
}

/** Waits up to 10 s for a file on disk to hold exactly `expected` (the editor saves asynchronously). */
export async function fileIs(file: string, expected: string): Promise<void> {
  for (const until = Date.now() + 10_000; fs.readFileSync(file, 'utf8') !== expected && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(fs.readFileSync(file, 'utf8'), expected);
}

/** Every file under `dir`. */
const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)])) : [];

/** What the extension host wrote to the Voxnote output channel (its log files under the run's user data). */
export const voxnoteLog = (userDataDir: string): string =>
  filesUnder(path.join(userDataDir, 'logs'))
    .filter((f) => /Voxnote\.log$/.test(f))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');

/** The contents of the ghost text decorations in the focused editor (their `::after` text). */
export async function ghostTexts(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('.monaco-editor.focused .view-lines span')]
    .map((el) => getComputedStyle(el, '::after').content)
    .filter((c) => c && c !== 'none' && c !== 'normal')
    .map((c) => JSON.parse(c))`);
}
