// `autosoc slack map|unmap|list`: which Slack users may decide from Slack, as whom and with
// which roles. Written to the database directly, like tokens: the mapping is an admin's act.
import type { Command } from 'commander';
import { listSlackIdentities, mapSlackUser, unmapSlackUser } from '../store/slack';
import { CliError, type CliIo, type GlobalOptions, printJson } from './io';
import { parseRoles, withDatabase } from './token-commands';

// Slack ids: team T…/E…, user U…/W… (upper-case letters and digits).
const SLACK_ID = /^[A-Z][A-Z0-9]{1,63}$/;
const ACTOR = /^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}$/;

function slackId(value: string, what: string): string {
  if (!SLACK_ID.test(value)) throw new CliError(`--${what}: a Slack id such as ${what === 'team' ? 'T0123ABCD' : 'U0123ABCD'}`);
  return value;
}

export function registerSlackCommands(program: Command, io: CliIo): void {
  const slack = program
    .command('slack')
    .description('Slack approvals: map Slack users to autosoc identities (admin; database of DATABASE_URL)');

  slack
    .command('map')
    .description('let a Slack user decide from Slack as an autosoc actor with roles (replaces an existing mapping)')
    .requiredOption('--team <id>', 'Slack workspace id (T…)')
    .requiredOption('--user <id>', 'Slack user id (U… or W…)')
    .requiredOption('--actor <name>', 'the autosoc identity named in the audit trail')
    .requiredOption('--roles <roles>', 'comma-separated roles, e.g. analyst')
    .action(async (o: { team: string; user: string; actor: string; roles: string }, cmd: Command) => {
      if (!ACTOR.test(o.actor)) throw new CliError('--actor: letters, digits and _ . @ : - (at most 128, starting with a letter or digit)');
      const identity = { teamId: slackId(o.team, 'team'), userId: slackId(o.user, 'user'), actor: o.actor, roles: parseRoles(o.roles) };
      await withDatabase(io, (db) => mapSlackUser(db, identity));
      if (cmd.optsWithGlobals<GlobalOptions>().json) return printJson(io, identity);
      io.stdout(`Slack ${identity.teamId}/${identity.userId} decides as "${identity.actor}" (${identity.roles.join(', ')})\n`);
    });

  slack
    .command('unmap')
    .description('stop a Slack user deciding from Slack')
    .requiredOption('--team <id>', 'Slack workspace id (T…)')
    .requiredOption('--user <id>', 'Slack user id (U… or W…)')
    .action(async (o: { team: string; user: string }, cmd: Command) => {
      const removed = await withDatabase(io, (db) => unmapSlackUser(db, slackId(o.team, 'team'), slackId(o.user, 'user')));
      if (!removed) throw new CliError(`Slack ${o.team}/${o.user} is not mapped`);
      if (cmd.optsWithGlobals<GlobalOptions>().json) return printJson(io, { team: o.team, user: o.user, removed: true });
      io.stdout(`Slack ${o.team}/${o.user} unmapped\n`);
    });

  slack
    .command('list')
    .description('the mapped Slack users')
    .action(async (_o: unknown, cmd: Command) => {
      const rows = await withDatabase(io, (db) => listSlackIdentities(db));
      if (cmd.optsWithGlobals<GlobalOptions>().json) return printJson(io, rows);
      for (const r of rows) io.stdout(`${r.teamId}/${r.userId}\t${r.actor}\t${r.roles.join(',')}\n`);
    });
}
