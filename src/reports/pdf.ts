// HTML report → PDF with Debian's Chromium (launchChromium). The page is our own escaped HTML;
// still, JavaScript is off and every network request is refused, so nothing in a report can
// run or fetch anything while it prints.
import type { Browser } from 'playwright-core';
import { launchChromium } from '../browser/chromium';

/** Renders one self-contained HTML page to an A4 PDF. Pass a browser to reuse it across reports. */
export async function htmlToPdf(html: string, options: { browser?: Browser; env?: NodeJS.ProcessEnv } = {}): Promise<Buffer> {
  const browser = options.browser ?? (await launchChromium({ env: options.env }));
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    try {
      await context.route('**/*', (route) => route.abort('blockedbyclient'));
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' } });
    } finally {
      await context.close();
    }
  } finally {
    if (!options.browser) await browser.close();
  }
}
