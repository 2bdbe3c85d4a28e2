// Console sessions on PostgreSQL: a session stands for the token it was made from, ends when
// idle past the timeout, when older than its maximum age, at sign-out, or when the token is
// revoked; the cookie header parsing accepts only ids we issue.
import { randomBytes } from 'node:crypto';
import { readCookie } from '../../src/console/cookies';
import { ConsoleSessions, SESSION_COOKIE, SignInRefused } from '../../src/console/sessions';
import { createApiToken, revokeApiToken, tokenSha256 } from '../../src/store/api-tokens';
import { SecretBox } from '../../src/store/secret-box';
import { openTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
let sessions: ConsoleSessions;
const adminToken = `bootstrap-${randomBytes(16).toString('hex')}`;
const IDLE_MS = 30 * 60_000;
const suffix = randomBytes(4).toString('hex');

beforeAll(async () => {
  db = await openTestDatabase();
  sessions = new ConsoleSessions({ db: db.pool, adminToken, idleMs: IDLE_MS });
});
afterAll(() => db?.close());

const cookieOf = (id: string) => `other=1; ${SESSION_COOKIE}=${id}`;
/** Moves a session's clocks back, as if that much time had passed. */
const age = (id: string, column: 'last_seen_at' | 'created_at', minutes: number) =>
  db.pool.query(`UPDATE console_sessions SET ${column} = ${column} - ($2 || ' minutes')::interval WHERE id_sha256 = $1`, [
    tokenSha256(id),
    minutes,
  ]);

test("a session carries its token's principal and a CSRF token; signing out ends it", async () => {
  const token = await createApiToken(db.pool, { name: `ana-${suffix}`, roles: ['analyst'] });
  const { cookieId } = await sessions.signIn(token);
  const session = await sessions.resolve(cookieOf(cookieId));
  expect(session?.principal).toMatchObject({ name: `ana-${suffix}`, roles: ['analyst'] });
  expect(session?.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await sessions.signOut(cookieOf(cookieId));
  expect(await sessions.resolve(cookieOf(cookieId))).toBeUndefined();
});

test('idle past the timeout, or older than the maximum age, the session is gone; use restarts the idle clock', async () => {
  const token = await createApiToken(db.pool, { name: `idle-${suffix}`, roles: ['analyst'] });
  const idle = (await sessions.signIn(token)).cookieId;
  await age(idle, 'last_seen_at', 29);
  expect(await sessions.resolve(cookieOf(idle))).toBeDefined(); // 29 minutes idle: still live, and now fresh again
  await age(idle, 'last_seen_at', 29);
  expect(await sessions.resolve(cookieOf(idle))).toBeDefined();
  await age(idle, 'last_seen_at', 31);
  expect(await sessions.resolve(cookieOf(idle))).toBeUndefined();
  expect((await db.pool.query('SELECT 1 FROM console_sessions WHERE id_sha256 = $1', [tokenSha256(idle)])).rowCount).toBe(0);

  const old = (await sessions.signIn(token)).cookieId;
  await age(old, 'created_at', 12 * 60 + 1);
  expect(await sessions.resolve(cookieOf(old))).toBeUndefined();
});

test('revoking the token ends its sessions at once; unknown, signed and malformed tokens open none', async () => {
  const token = await createApiToken(db.pool, { name: `rev-${suffix}`, roles: ['analyst'] });
  const { cookieId } = await sessions.signIn(token);
  await revokeApiToken(db.pool, `rev-${suffix}`);
  expect(await sessions.resolve(cookieOf(cookieId))).toBeUndefined();

  await expect(sessions.signIn(token)).rejects.toThrow(SignInRefused);
  await expect(sessions.signIn('asoc_nope')).rejects.toThrow('unknown or revoked token');
  const signed = await createApiToken(db.pool, {
    name: `hmac-${suffix}`,
    roles: ['analyst'],
    hmacSecret: 's3cret',
    box: new SecretBox(randomBytes(32)),
  });
  await expect(sessions.signIn(signed)).rejects.toThrow(/signs its requests/);

  const admin = await sessions.signIn(adminToken);
  expect(admin.principal.name).toBe('bootstrap-admin');
  expect((await sessions.resolve(cookieOf(admin.cookieId)))?.principal.roles).toEqual(['admin']);
  // A rotated admin token no longer stands behind the old session.
  const rotated = new ConsoleSessions({ db: db.pool, adminToken: `${adminToken}-rotated`, idleMs: IDLE_MS });
  expect(await rotated.resolve(cookieOf(admin.cookieId))).toBeUndefined();

  expect(await sessions.resolve(cookieOf('short'))).toBeUndefined();
  expect(await sessions.resolve(undefined)).toBeUndefined();
  expect(readCookie(`a=1;  ${SESSION_COOKIE}=x ; b=2`, SESSION_COOKIE)).toBe('x');
});
