// The one way autosoc starts a browser: Debian's Chromium (apt `chromium`), driven by
// playwright-core. Never a downloaded browser. Used to render reports to PDF and by the
// console's browser tests.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Where Chromium is: AUTOSOC_CHROMIUM, else Debian's /usr/bin/chromium. Read here, not in
 * config.ts: reports, the CLI and the console's browser tests start a browser without a Config.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.AUTOSOC_CHROMIUM || '/usr/bin/chromium';
}

export class ChromiumMissingError extends Error {
  constructor(path: string) {
    super(`Chromium not found at ${path}: install Debian's chromium (apt-get install chromium) or set AUTOSOC_CHROMIUM`);
    this.name = 'ChromiumMissingError';
  }
}

/**
 * Launches headless Chromium. Sandboxing needs user namespaces, which containers and root
 * often lack; pages we open are our own rendered reports or console, never untrusted sites,
 * and JavaScript from untrusted text never reaches them (everything is escaped, CSP forbids
 * inline script).
 */
export async function launchChromium(options: { env?: NodeJS.ProcessEnv } = {}): Promise<Browser> {
  const executablePath = chromiumPath(options.env);
  if (!existsSync(executablePath)) throw new ChromiumMissingError(executablePath);
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check'],
  });
}
