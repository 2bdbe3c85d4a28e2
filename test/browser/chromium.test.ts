import { ChromiumMissingError, launchChromium } from '../../src/browser/chromium';

describe('launchChromium', () => {
  it("drives Debian's Chromium: a page renders and runs its script", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setContent('<p id="p">x</p><script>document.getElementById("p").textContent = String(6 * 7)</script>');
      expect(await page.textContent('#p')).toBe('42');
    } finally {
      await browser.close();
    }
  });

  it('names the missing executable and how to install it', async () => {
    await expect(launchChromium({ env: { AUTOSOC_CHROMIUM: '/nonexistent/chromium' } })).rejects.toThrow(ChromiumMissingError);
    await expect(launchChromium({ env: { AUTOSOC_CHROMIUM: '/nonexistent/chromium' } })).rejects.toThrow(/apt-get install chromium/);
  });
});
