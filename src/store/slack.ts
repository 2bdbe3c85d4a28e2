// Slack users mapped to autosoc identities, and the messages that announced escalations.
import type { Pool } from 'pg';
import type { Role } from '../domain/roles';

export interface SlackIdentity {
  teamId: string;
  userId: string;
  actor: string;
  roles: Role[];
}

export async function mapSlackUser(db: Pool, id: SlackIdentity): Promise<void> {
  await db.query(
    `INSERT INTO slack_identities (team_id, user_id, actor, roles) VALUES ($1, $2, $3, $4)
     ON CONFLICT (team_id, user_id) DO UPDATE SET actor = EXCLUDED.actor, roles = EXCLUDED.roles`,
    [id.teamId, id.userId, id.actor, id.roles],
  );
}

export async function unmapSlackUser(db: Pool, teamId: string, userId: string): Promise<boolean> {
  return ((await db.query('DELETE FROM slack_identities WHERE team_id = $1 AND user_id = $2', [teamId, userId])).rowCount ?? 0) > 0;
}

export async function findSlackIdentity(db: Pool, teamId: string, userId: string): Promise<SlackIdentity | undefined> {
  const { rows } = await db.query<{ actor: string; roles: Role[] }>(
    'SELECT actor, roles FROM slack_identities WHERE team_id = $1 AND user_id = $2',
    [teamId, userId],
  );
  return rows[0] && { teamId, userId, actor: rows[0].actor, roles: rows[0].roles };
}

export async function listSlackIdentities(db: Pool): Promise<SlackIdentity[]> {
  const { rows } = await db.query<{ team_id: string; user_id: string; actor: string; roles: Role[] }>(
    'SELECT team_id, user_id, actor, roles FROM slack_identities ORDER BY team_id, user_id',
  );
  return rows.map((r) => ({ teamId: r.team_id, userId: r.user_id, actor: r.actor, roles: r.roles }));
}

export async function saveSlackMessage(db: Pool, m: { workflowId: string; eventKey: string; channel: string; ts: string }): Promise<void> {
  await db.query(`INSERT INTO slack_messages (workflow_id, event_key, channel, ts) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
    m.workflowId,
    m.eventKey,
    m.channel,
    m.ts,
  ]);
}
