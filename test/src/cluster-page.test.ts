import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSharedCluster } from './harness/cluster-fixture.js';
import { expectStatus } from './harness/expect-response.js';
import { putKey } from './harness/kv-api.js';

const SHARDS = 4;
/** Debian's Chromium; playwright's own browser download cannot run here (no network but the registries). */
const CHROMIUM_PATH = '/usr/bin/chromium';
/** Where the screenshot goes, for a person to look at; ignored by git. */
const SCREENSHOT_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-output', 'cluster-page.png');

describe('the cluster page, in a real headless Chromium', () => {
  const cluster = useSharedCluster({ shards: SHARDS });
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the node's shards and the three members, and its request rate after a write burst", async () => {
    const url = cluster().url(1);
    const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
    await page.goto(`${url}/ui`);
    await expect.poll(() => page.locator('#node').textContent()).toBe('1');
    await expect.poll(() => page.locator('#shards tbody tr').count()).toBe(SHARDS);
    const members = await page.locator('#members tbody tr td:first-child').allTextContents();
    expect(members).toEqual(['1 (this node)', '2', '3']);
    const roles = await page.locator('#shards tbody tr td:nth-child(3)').allTextContents();
    expect(roles.every((role) => role === 'leader' || role === 'follower')).toBe(true);
    await expect.poll(() => page.locator('#readiness').textContent()).toBe('Ready.');

    // A burst of writes through this node: the rate it shows must rise above zero.
    await Promise.all(Array.from({ length: 200 }, (_, i) => putKey(url, `ui/burst/${i}`, 'x').then((outcome) => expectStatus(outcome, 200, `put ${i}`))));
    const shownRate = async (): Promise<number> => Number(((await page.locator('#rate').textContent()) ?? '0').replaceAll(',', ''));
    await expect.poll(shownRate, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#p99').textContent(), { timeout: 10_000 }).toMatch(/^≤/);
    mkdirSync(dirname(SCREENSHOT_PATH), { recursive: true });
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
  });
});
