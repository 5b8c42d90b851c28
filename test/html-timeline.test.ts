/**
 * The timeline page in a real browser (Debian's chromium driven by playwright-core): it loads
 * with no console error, draws one lane per task and one bar per lock acquisition of the
 * replayed trial, and clicking a racing access shows its call site. Screenshots go to
 * test/.artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { replay, shutdown } from '../src/index.ts';
import { F_CPU, F_TID, Op } from '../src/machine/events.ts';
import { cli, ROOT, siteOf } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test', '.artifacts');
const ABBA = 'exercises/abba.ts';
const ABBA_TOKEN = 'v2:random:1:c2:t0n5:10101:sccqfco';
const RACE = 'exercises/lost-update/buggy.ts';
const RACE_TOKEN = 'v2:random:1:c2:t0n9:101010101:saawl1g';

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await shutdown();
});

/** Open a page file, collecting console errors, page errors and any request that leaves it. */
async function open(file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 800 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => !r.url().startsWith('file:') && errors.push(`network: ${r.url()}`));
  await page.goto(pathToFileURL(file).href);
  return { page, errors };
}

/** Lanes (task × CPU) and lock acquisitions of the token's last trial, from the events. */
async function expected(path: string, token: string): Promise<{ lanes: number; bars: number }> {
  const r = await replay(path, token);
  const t = r.trials[r.trials.length - 1]!;
  const lanes = new Set<string>();
  let bars = 0;
  for (let i = 0; i < t.events.length; i++) {
    lanes.add(`${t.events.field(i, F_CPU)}:${t.events.field(i, F_TID)}`);
    if (t.events.op(i) === Op.LOCK_ACQUIRE) bars++;
  }
  return { lanes: lanes.size, bars };
}

describe('smpsim replay --html', () => {
  it('ABBA: lanes and lock bars match the replayed trial; the wait-for cycle is drawn', async () => {
    const file = join(ARTIFACTS, 'abba-deadlock.html');
    const r = cli(['replay', ABBA, ABBA_TOKEN, '--html', file]);
    expect(r.status).toBe(1);
    const want = await expected(ABBA, ABBA_TOKEN);
    expect(want).toEqual({ lanes: 2, bars: 2 });
    const { page, errors } = await open(file);
    expect(await page.locator('svg g.lane').count()).toBe(want.lanes);
    expect(await page.locator('svg rect.lockbar').count()).toBe(want.bars);
    expect(await page.locator('svg rect.lockbar[data-lock="a"]').count()).toBe(1);
    // each CPU waits for the lock the other holds: two wait arrows, two waits highlighted
    expect(await page.locator('svg path.wait-edge').count()).toBe(2);
    expect(await page.locator('svg circle.ev.hl').count()).toBe(4);
    expect(await page.locator('#report').textContent()).toContain('*** DEADLOCK ***');
    // the arrow keys step through the events
    await page.locator('circle.ev[data-seq="0"]').click();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('dd.v-event').textContent()).toMatch(/^#1 /);
    await page.screenshot({ path: join(ARTIFACTS, 'abba-deadlock.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('data race: clicking a racing access shows its file:line and context', async () => {
    const file = join(ARTIFACTS, 'data-race.html');
    const r = cli(['replay', RACE, RACE_TOKEN, '--html', file]);
    expect(r.status).toBe(1);
    const { page, errors } = await open(file);
    const want = await expected(RACE, RACE_TOKEN);
    expect(await page.locator('svg g.lane').count()).toBe(want.lanes);
    // the two accesses of the race, one on each CPU
    const racing = page.locator('svg circle.ev.hl');
    expect(await racing.count()).toBe(2);
    await racing.first().click();
    expect(await page.locator('dd.v-site').textContent()).toContain(siteOf(RACE, 's.packets.value++'));
    expect(await page.locator('dd.v-preempt-count').textContent()).toBe('0x00000000');
    expect(await page.locator('#report').textContent()).toContain('BUG: KCSAN: data-race');
    await page.screenshot({ path: join(ARTIFACTS, 'data-race.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('smpsim run --html', () => {
  it('draws the first finding of each kind, each in its own view', async () => {
    const file = join(ARTIFACTS, 'abba-run.html');
    const r = cli(['run', ABBA, '--trials', '200', '--html', file]);
    expect(r.status).toBe(1);
    const { page, errors } = await open(file);
    const tabs = await page.locator('#tabs button').allTextContents();
    expect(tabs.sort()).toEqual(['circular-dependency', 'deadlock']);
    await page.locator('#tabs button', { hasText: 'circular-dependency' }).click();
    expect(await page.locator('#report').textContent()).toContain(
      'WARNING: possible circular locking dependency detected',
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
