// Routing: which playbook runs for which alert, from the policy's `playbooks` section.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAlert } from '../../src/domain/alert';
import { extractObservables } from '../../src/domain/observables';
import { choosePlaybook, PlaybookRouting } from '../../src/domain/playbook-routing';
import { checkRoutedPlaybooks, registeredWorkflows } from '../../src/ingest/start-alert';
import { loadPolicy, PolicyError } from '../../src/policy/load-policy';
import { sampleAlert } from '../helpers/alerts';

const routing = PlaybookRouting.parse({
  routes: [
    { name: 'user-reported', playbook: 'reportedPhishing', match: { source: ['m365-*'], rule: ['*reported*'] } },
    { name: 'identity', playbook: 'identityCompromise', match: { technique: ['T1621', 'T1078*'], observable: ['user'] } },
    { name: 'eml-anything', playbook: 'reportedPhishing', match: { format: ['eml'] } },
  ],
});

const facts = (over: Record<string, unknown>, format?: string) => {
  const alert = parseAlert({ source: 'edr', sourceId: 'r-1', time: '2026-12-01T10:00:00Z', title: 't', severity: 'high', ...over });
  return { alert, format, observables: extractObservables(alert) };
};

describe('choosePlaybook', () => {
  it('takes the first route whose every condition holds, and says which', () => {
    const choice = choosePlaybook(
      routing,
      facts({ source: 'm365-defender', rule: { name: 'Email reported by user as malware or phish' } }),
    );
    expect(choice).toEqual({
      playbook: 'reportedPhishing',
      route: 'user-reported',
      reason: 'playbook reportedPhishing chosen by route "user-reported"',
    });
  });

  it('needs all conditions: the right source with another rule name falls through', () => {
    expect(choosePlaybook(routing, facts({ source: 'm365-defender', rule: { name: 'Impossible travel' } })).route).toBeUndefined();
  });

  it('matches a rule glob against the rule id as well as its name', () => {
    expect(choosePlaybook(routing, facts({ source: 'm365-mail', rule: { id: 'user-reported-42' } })).route).toBe('user-reported');
  });

  it('matches sub-techniques by glob and needs the observable kind to be present', () => {
    const withUser = facts({ attackTechniques: ['T1078.004'], observables: { users: [{ name: 'kim@corp.example' }] } });
    expect(choosePlaybook(routing, withUser).playbook).toBe('identityCompromise');
    const noUser = facts({ attackTechniques: ['T1078.004'] });
    expect(choosePlaybook(routing, noUser).playbook).toBe('alertWorkflow');
    // T1621 exactly: "T1621" is not a glob for T1621x.
    expect(
      choosePlaybook(routing, facts({ attackTechniques: ['T1622'], observables: { users: [{ name: 'kim' }] } })).route,
    ).toBeUndefined();
  });

  it('routes by the format the alert arrived in', () => {
    expect(choosePlaybook(routing, facts({}, 'eml')).route).toBe('eml-anything');
    expect(choosePlaybook(routing, facts({}, 'ecs')).route).toBeUndefined();
  });

  it("runs the built-in pipeline, or the policy's default, when nothing matches", () => {
    expect(choosePlaybook(undefined, facts({}))).toEqual({
      playbook: 'alertWorkflow',
      reason: 'playbook alertWorkflow: no route matched (default)',
    });
    expect(choosePlaybook({ default: 'identityCompromise', routes: [] }, facts({})).playbook).toBe('identityCompromise');
  });

  it('matches a many-star glob over a long rule name (globMatch, never a RegExp from the policy)', () => {
    const stars = PlaybookRouting.parse({ routes: [{ name: 'stars', playbook: 'x', match: { rule: ['*a*a*a*a*a*a*a*a*a*a*b'] } }] });
    expect(choosePlaybook(stars, facts({ rule: { name: 'a'.repeat(512) } })).route).toBeUndefined();
    expect(choosePlaybook(stars, facts({ rule: { name: `${'a'.repeat(500)}b` } })).route).toBe('stars');
  });
});

describe('routing in a policy file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'autosoc-routing-'));
  const policyFile = (text: string) => {
    const file = join(dir, `p-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    return file;
  };

  it('loads routes from YAML', () => {
    const policy = loadPolicy([
      policyFile('playbooks:\n  routes:\n    - name: phish\n      playbook: reportedPhishing\n      match:\n        rule: ["*phish*"]\n'),
    ]);
    expect(policy.playbooks?.routes.map((r) => r.playbook)).toEqual(['reportedPhishing']);
  });

  it.each([
    [
      'an unknown match key',
      'playbooks:\n  routes:\n    - name: phish\n      playbook: p\n      match:\n        rulename: ["*"]\n',
      'unknown key "playbooks.routes.0.match.rulename"',
    ],
    [
      'an unknown route key',
      'playbooks:\n  routes:\n    - name: phish\n      playbook: p\n      when: {}\n      match: {rule: ["*"]}\n',
      'unknown key "playbooks.routes.0.when"',
    ],
    [
      'an empty match',
      'playbooks:\n  routes:\n    - name: phish\n      playbook: p\n      match: {}\n',
      'a route needs at least one condition',
    ],
    [
      'an unknown format',
      'playbooks:\n  routes:\n    - name: phish\n      playbook: p\n      match: {format: [msg]}\n',
      'playbooks.routes.0.match.format.0',
    ],
    [
      'a playbook that is no identifier',
      'playbooks:\n  routes:\n    - name: phish\n      playbook: "require(\'x\')"\n      match: {rule: ["*"]}\n',
      'a playbook is the name of an exported workflow function',
    ],
  ])('refuses %s, naming it', (_what, text, message) => {
    const file = policyFile(text);
    expect(() => loadPolicy([file])).toThrow(PolicyError);
    expect(() => loadPolicy([file])).toThrow(message);
  });
});

describe('routed playbooks must be registered workflows', () => {
  it('lists the workflows the bundle exports, the built-in among them', () => {
    expect(registeredWorkflows()).toEqual(expect.arrayContaining(['alertWorkflow', 'incidentWorkflow', 'pollerWorkflow']));
  });

  it('refuses a route to a playbook the worker does not register, naming it', () => {
    expect(() =>
      checkRoutedPlaybooks(PlaybookRouting.parse({ routes: [{ name: 'x', playbook: 'phishng', match: { rule: ['*'] } }] })),
    ).toThrow('policy playbooks: "phishng" is not a registered workflow');
    expect(() => checkRoutedPlaybooks(undefined)).not.toThrow();
  });
});

test('sample alerts still route to the built-in pipeline under the default policy', () => {
  const alert = parseAlert(sampleAlert('01-encoded-powershell.json'));
  expect(choosePlaybook(undefined, { alert, observables: extractObservables(alert) }).playbook).toBe('alertWorkflow');
});
