// End to end: the demo page in Debian's chromium (headless, no network beyond the local
// server). Draws an MNIST test digit with the mouse, checks the prediction, trains a few steps
// and checks the loss falls, checks the autoencoder's output, saves a screenshot.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildSlice } from '../../web/mnist-slice.js';
import { startWebServer, type WebServer } from '../../web/serve.js';

const CHROMIUM = '/usr/bin/chromium';
const HERE = dirname(fileURLToPath(import.meta.url));
const SCREENSHOT = join(HERE, 'screenshot.png');
/** t10k digit #0, a 7 drawn plainly (the trained CNN gives it > 99%, also when traced by hand as below). */
const DIGIT = 0;
const TRAIN_STEPS = 30;

/** Chromium flags that work on a closed network: no first-run, sync, component or QUIC traffic. */
const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface PageState {
  ready: boolean;
  error: string | null;
  target: string;
  prediction: { label: number; probs: number[] } | null;
  reconstruction: { ink: number; codeSize: number } | null;
  train: { running: boolean; done: boolean; step: number; losses: number[]; samplesPerSec: number; testAccuracy: number | null };
}

const pageState = (page: Page) => page.evaluate(() => (window as unknown as { netspec: PageState }).netspec);

/** Traces a 28×28 digit onto the pad with the mouse: one stroke per run of dark pixels in each row. */
async function traceDigit(page: Page, pixels: Uint8Array) {
  const box = (await page.locator('#pad').boundingBox())!;
  const cell = box.width / 28;
  const at = (col: number, row: number) => [box.x + (col + 0.5) * cell, box.y + (row + 0.5) * cell] as const;
  for (let row = 0; row < 28; row++) {
    for (let col = 0; col < 28; col++) {
      if (pixels[row * 28 + col]! < 128) continue;
      let end = col;
      while (end + 1 < 28 && pixels[row * 28 + end + 1]! >= 128) end++;
      await page.mouse.move(...at(col, row));
      await page.mouse.down();
      await page.mouse.move(...at(end, row), { steps: Math.max(1, end - col) });
      await page.mouse.up();
      col = end;
    }
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe.skipIf(!existsSync(CHROMIUM))(`web page in chromium${existsSync(CHROMIUM) ? '' : ` (skipped: ${CHROMIUM} is missing; apt-get install chromium)`}`, () => {
  let server: WebServer;
  let context: BrowserContext;
  let profile: string;
  const offsite: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startWebServer({ port: 0 });
    profile = mkdtempSync(join(tmpdir(), 'netspec-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 } });
    // Offline: anything not served by the local server is refused and recorded.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url)) return route.continue();
      offsite.push(url);
      return route.abort();
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('classifies a drawn digit, reconstructs it, trains with a falling loss', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as { netspec?: PageState }).netspec?.ready || (window as unknown as { netspec?: PageState }).netspec?.error, null, { timeout: 20_000 });
    expect((await pageState(page)).error).toBeNull();

    const slice = buildSlice(0, DIGIT + 1);
    const label = slice[16 + (DIGIT + 1) * 784 + DIGIT]!;
    const pixels = slice.subarray(16 + DIGIT * 784, 16 + (DIGIT + 1) * 784);
    await traceDigit(page, pixels);
    await page.waitForFunction((want) => (window as unknown as { netspec: PageState }).netspec.prediction?.label === want, label, { timeout: 5_000 }).catch(() => undefined);
    const drawn = await pageState(page);
    expect(await page.locator('#predicted').textContent()).toBe(String(label));
    expect(drawn.prediction!.probs[label]).toBeGreaterThan(0.5);

    // The autoencoder's reconstruction is drawn: its canvas has light pixels.
    expect(drawn.reconstruction!.ink).toBeGreaterThan(20);
    const lit = await page.evaluate(() => {
      const c = document.getElementById('recon') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i]! > 64) n++;
      return n;
    });
    expect(lit).toBeGreaterThan(30);

    // Train from fresh weights: the loss of the last steps is well below that of the first.
    await page.selectOption('#from', 'fresh');
    await page.fill('#steps', String(TRAIN_STEPS));
    await page.fill('#batch', '16');
    await page.fill('#lr', '0.03');
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as { netspec: PageState }).netspec.train.done, null, { timeout: 50_000, polling: 250 });
    const trained = await pageState(page);
    const losses = trained.train.losses;
    expect(losses).toHaveLength(TRAIN_STEPS);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.1);
    expect(trained.train.samplesPerSec).toBeGreaterThan(0);
    expect(trained.train.testAccuracy).not.toBeNull();
    expect(await page.locator('#stat-step').textContent()).toBe(`${TRAIN_STEPS}/${TRAIN_STEPS}`);
    console.log(
      `web page: target ${trained.target}; drew t10k #${DIGIT} (${label}) → ${(100 * drawn.prediction!.probs[label]).toFixed(1)}%; ` +
        `${TRAIN_STEPS} steps in the browser at ${trained.train.samplesPerSec.toFixed(1)} samples/s, loss ${losses[0]!.toFixed(3)} → ${losses.at(-1)!.toFixed(3)}`,
    );

    // Back to the trained weights: the drawing is classified as before (and the screenshot shows it beside the run's plot).
    await page.click('#restore');
    await page.waitForFunction((want) => (window as unknown as { netspec: PageState }).netspec.prediction?.label === want, label, { timeout: 5_000 });
    expect(await page.locator('#predicted').textContent()).toBe(String(label));

    mkdirSync(HERE, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);
});
