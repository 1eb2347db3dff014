// A real browser for the workspace tests: Debian's Chromium driven by playwright-core.
// CHROMIUM_PATH names the binary (default: chromium on the PATH); without one the browser
// tests are skipped locally and fail in CI, where .ci/run installs it.
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** The Chromium binary to drive, or undefined when the machine has none. */
export function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return (
      execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim() ||
      undefined
    );
  } catch {
    return undefined;
  }
}

/** Whether the browser tests run here: always in CI (a missing browser then fails them). */
export const browserAvailable = process.env.CI === 'true' || chromiumPath() !== undefined;

// Playwright gives each launch a new, empty profile. The closed network refuses Chromium's
// background connections; these flags keep it quiet.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath)
    throw new Error('Chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH');
  return chromium.launch({
    executablePath,
    args: FLAGS,
    timeout: 60_000,
  });
}

/** A page that records console errors and failed requests, which a test then expects to be none. */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  return { page, problems };
}
