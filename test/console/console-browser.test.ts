// The analyst console in Debian's Chromium, through the real stack: alerts enter through the
// API, escalate on the real worker, and an analyst signs in, reads the queue, opens an alert,
// approves one of its proposed actions and closes another alert as a false positive. The
// screenshots README.md shows (docs/images/console-*.png) are written by this test.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../src/browser/chromium';
import { listAudit } from '../../src/store/decisions';
import type { AlertStatus } from '../../src/domain/alert-status';
import { waitFor } from '../helpers/wait';
import { startConsoleStack, TEMPORAL_UI, type ConsoleStack } from './console-stack';

const IMAGES = join(__dirname, '..', '..', 'docs', 'images');
let stack: ConsoleStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startConsoleStack('console', { alice: ['analyst'], erin: ['engineer'] }), launchChromium()]);
  mkdirSync(IMAGES, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signIn(page: Page, who: string): Promise<void> {
  await page.goto(`${stack.baseUrl}/`);
  expect(new URL(page.url()).pathname).toBe('/sign-in'); // no session: the queue sends us to sign in
  await page.fill('#token', stack.tokens[who]);
  await page.click('button[type=submit]');
  await page.waitForURL(`${stack.baseUrl}/`);
}

const row = (page: Page, workflowId: string) => page.locator(`tr[data-workflow-id="${workflowId}"]`);
const resultOf = async (workflowId: string) => (await stack.h.client.workflow.getHandle(workflowId).result()) as AlertStatus;

test('sign in, queue, alert page, approve one selected action, close another as a false positive', async () => {
  const run = stack.h.run;
  const approveId = await stack.escalate('01-encoded-powershell.json', { sourceId: `ps-${run}` });
  // Its own rule id: the suppression accepted below must not silence other test files' LSASS samples in a shared database.
  const closeId = await stack.escalate('02-lsass-dump.json', {
    sourceId: `lsass-${run}`,
    rule: { id: `lsass-minidump-${run}`, name: 'LSASS dumped with comsvcs MiniDump' },
  });

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signIn(page, 'alice');

  // The session cookie is HttpOnly and SameSite=Strict (not Secure: this server speaks plain HTTP).
  const [cookie] = (await context.cookies()).filter((c) => c.name === 'autosoc_session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false });

  // The queue lists both, with severity, score, verdict, source, host/user, tier and time left.
  await expect(row(page, approveId).textContent()).resolves.toContain('Word spawned PowerShell');
  const closeRow = await row(page, closeId).textContent();
  expect(closeRow).toMatch(/edr-sample/);
  expect(closeRow).toMatch(/left|overdue/);
  await page.screenshot({ path: join(IMAGES, 'console-queue.png'), fullPage: false });

  // The alert page: findings with evidence, observables linking to search, the Temporal link.
  await row(page, approveId).locator('a').click();
  await page.waitForURL(/\/alerts\//);
  expect(await page.textContent('h1')).toBe('Word spawned PowerShell with an encoded command');
  expect(await page.locator('.finding').count()).toBeGreaterThan(0);
  expect(await page.locator('.evidence li').count()).toBeGreaterThan(0);
  expect(await page.getAttribute('a[href="/search?observable=fin-ws-042"]', 'href')).toBe('/search?observable=fin-ws-042');
  expect(await page.getAttribute(`a[href^="${TEMPORAL_UI}"]`, 'href')).toBe(
    `${TEMPORAL_UI}/namespaces/default/workflows/${encodeURIComponent(approveId)}`,
  );
  const proposed = await page
    .locator('.proposed input[type=checkbox]')
    .evaluateAll((boxes) => boxes.map((b) => (b as unknown as { value: string }).value));
  expect(proposed.length).toBeGreaterThan(1);
  await page.screenshot({ path: join(IMAGES, 'console-alert.png'), fullPage: true });

  // Approve only the first proposed action.
  for (const value of proposed.slice(1)) await page.uncheck(`.proposed input[value="${value}"]`);
  await page.fill('#approve-reason', 'encoded PowerShell from Word: contain the host');
  await page.click('form[data-action=approve] button');
  await page.waitForSelector('#outcome');
  // No response connector is configured here: the action is recorded for a person to carry out.
  expect(await page.textContent('#outcome')).toContain('recorded_for_manual_action');
  const approved = await resultOf(approveId);
  expect(approved.responseActions).toEqual([expect.stringMatching(new RegExp(`^${proposed[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=`))]);
  expect(approved.decision).toMatchObject({ action: 'approve', actor: stack.names.alice, actions: [proposed[0]] });

  // The search page lists every alert sharing the host.
  await page.click('a[href="/search?observable=fin-ws-042"]');
  expect(await page.locator(`a[href="/alerts/${encodeURIComponent(approveId)}"]`).count()).toBe(1);

  // Close the other as a false positive, by keyboard only.
  await page.goto(`${stack.baseUrl}/alerts/${encodeURIComponent(closeId)}`);
  await page.focus('#close-reason');
  await page.keyboard.type('admin procdump run by IT, ticket 4711');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space'); // the false-positive checkbox
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#outcome');
  expect(await page.textContent('#outcome')).toContain('closed_by_analyst');
  expect((await resultOf(closeId)).decision).toMatchObject({ action: 'close', actor: stack.names.alice, falsePositive: true });
  const audit = await listAudit(stack.h.db.pool, closeId);
  expect(audit.some((a) => a.action === 'close' && a.actor === stack.names.alice)).toBe(true);

  // The false positive suggested a suppression; an engineer accepts it for 7 days.
  const { suppression_id: suggestion } = await waitFor(
    async () =>
      (
        await stack.h.db.pool.query<{ suppression_id: string }>('SELECT suppression_id::text FROM tuning_events WHERE workflow_id = $1', [
          closeId,
        ])
      ).rows[0],
    (r) => r !== undefined,
    'the false positive to suggest a suppression',
  );
  const engineer = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await signIn(engineer, 'erin');
  await engineer.click('nav a[href="/tuning"]');
  const accept = engineer.locator(`form[data-accept-url="/v1/tuning/suggestions/${suggestion}/accept"]`);
  await accept.locator('input[name=ttlDays]').fill('7');
  await accept.locator('button').click();
  await engineer.waitForSelector('#tuning-result.ok');
  const {
    rows: [accepted],
  } = await stack.h.db.pool.query<{ status: string; accepted_by: string; ttl_days: number }>(
    'SELECT status, accepted_by, extract(day FROM expires_at - accepted_at)::int AS ttl_days FROM suppressions WHERE id = $1',
    [suggestion],
  );
  expect(accepted).toEqual({ status: 'active', accepted_by: stack.names.erin, ttl_days: 7 });
  await engineer.context().close();

  // Sign-out ends the session server-side: the old cookie no longer opens the queue.
  await page.goto(`${stack.baseUrl}/`);
  await page.click('.signout button');
  await page.waitForURL(/\/sign-in/);
  const replay = await fetch(`${stack.baseUrl}/`, { headers: { cookie: `autosoc_session=${cookie.value}` }, redirect: 'manual' });
  expect(replay.status).toBe(303);
  await context.close();
});

test("a refused decision shows the workflow's own message; a cookie without the CSRF token changes nothing", async () => {
  const workflowId = await stack.escalate('01-encoded-powershell.json', { sourceId: `ps-refused-${stack.h.run}` });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await context.newPage();
  await signIn(page, 'erin'); // an engineer: may read, may not approve
  await page.goto(`${stack.baseUrl}/alerts/${encodeURIComponent(workflowId)}`);
  // Readable on a phone: nothing is wider than the viewport.
  expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  await page.fill('#approve-reason', 'contain');
  await page.click('form[data-action=approve] button');
  await page.waitForSelector('#decision-result.error');
  expect(await page.textContent('#decision-result')).toBe(
    `Refused: role: approve needs one of analyst, admin; ${stack.names.erin} has engineer`,
  );

  // The same session's cookie, sent by a page that lacks the CSRF token, is refused before the workflow sees it.
  const [cookie] = (await context.cookies()).filter((c) => c.name === 'autosoc_session');
  const forged = await fetch(`${stack.baseUrl}/v1/alerts/${encodeURIComponent(workflowId)}/decide`, {
    method: 'POST',
    headers: { cookie: `autosoc_session=${cookie.value}`, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'comment', reason: 'forged' }),
  });
  expect(forged.status).toBe(403);
  expect(((await forged.json()) as { error: string }).error).toMatch(/CSRF/);
  expect((await listAudit(stack.h.db.pool, workflowId)).some((a) => a.reason === 'forged')).toBe(false);
  await context.close();
});
