// Added actions (analyst-added-actions-v1) in the per-action approval rules: candidates are the
// alert's own entities, formatted as proposals are; an adder is the action's requester for four
// eyes; an added action keeps the wait open until its quorum; old runs refuse additions.
import { ActionApprovals } from '../../src/domain/action-approvals';
import { parseDecision } from '../../src/domain/decision';
import { extractObservables } from '../../src/domain/observables';
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import { containmentCandidates, describeAction, proposeContainment } from '../../src/domain/response';
import { sampleAlert } from '../helpers/alerts';

const alert = sampleAlert('02-lsass-dump.json');
const observables = extractObservables(alert);
const proposed = proposeContainment(alert, observables, 'suspicious');
const candidates = containmentCandidates(alert, observables);
const approve = (actor: string, extra: { actions?: string[]; addActions?: string[] }) =>
  parseDecision({ action: 'approve', actor, reason: 'r', ...extra });
const book = (policy: TriagePolicy = DEFAULT_POLICY, adds = true) =>
  new ActionApprovals(policy, () => proposed, adds ? () => candidates : undefined);
const user = candidates.find((c) => c.kind === 'disable_user')!;
const userId = describeAction(user);

test('every proposal is a candidate; candidates add each kind on the alert entities, formatted as proposals are', () => {
  const ids = candidates.map(describeAction);
  expect(ids).toEqual(expect.arrayContaining(proposed.map(describeAction)));
  expect(ids).toEqual(expect.arrayContaining([userId, expect.stringMatching(/^revoke_sessions:/), expect.stringMatching(/^block_ip:/)]));
  expect(proposed.map(describeAction)).not.toContain(userId);
  expect(new Set(ids).size).toBe(ids.length);
});

test('an added action without four eyes is approved by its adder; with a quorum of two it waits for a second analyst', () => {
  const one = book();
  one.add('alice', one.check(approve('alice', { addActions: [userId] }), undefined));
  expect(one.complete).toBe(true);
  expect(one.approved()).toEqual([user]); // adding approves only what it adds
  expect(one.added).toEqual([{ id: userId, addedBy: 'alice', connector: 'manual' }]);

  const two = book({
    ...DEFAULT_POLICY,
    approvals: { disable_user: { quorum: 2, fourEyes: false } },
    responseConnectors: { disable_user: 'entra' },
  });
  two.add('alice', two.check(approve('alice', { addActions: [userId] }), undefined));
  expect([two.complete, two.added[0].connector]).toEqual([false, 'entra']);
  expect(() => two.check(approve('alice', { actions: [userId] }), undefined)).toThrow(/alice already approved/);
  two.add('bob', two.check(approve('bob', { actions: [userId] }), undefined));
  expect(two.complete).toBe(true);
  expect(two.approversOf(user)).toEqual(['alice', 'bob']);
});

test('four eyes: the adder may not approve the action, and it keeps the wait open while other actions are approved', () => {
  const b = book({ ...DEFAULT_POLICY, approvals: { disable_user: { quorum: 1, fourEyes: true } } });
  b.add('alice', b.check(approve('alice', { addActions: [userId], actions: [describeAction(proposed[0])] }), undefined));
  expect(b.complete).toBe(false);
  expect(b.approved()).toEqual([proposed[0]]);
  expect(() => b.check(approve('alice', { actions: [userId] }), undefined)).toThrow(/four eyes: alice requested/);
  b.add('bob', b.check(approve('bob', { actions: [userId] }), undefined));
  expect([b.complete, b.approved()]).toEqual([true, [proposed[0], user]]);
});

test('refused: a target that is not an entity of the alert, an action already proposed or added, and any addition in a run from before', () => {
  const b = book();
  expect(() => b.check(approve('alice', { addActions: ['disable_user:CORP\\attacker-chosen'] }), undefined)).toThrow(
    /is not on an entity of this alert \(its disable_user targets: disable_user:/,
  );
  expect(() => b.check(approve('alice', { addActions: [describeAction(proposed[0])] }), undefined)).toThrow(/is already proposed/);
  b.add('alice', b.check(approve('alice', { addActions: [userId] }), undefined));
  expect(() => b.check(approve('bob', { addActions: [userId] }), undefined)).toThrow(/is already proposed/);
  expect(() => book(DEFAULT_POLICY, false).check(approve('alice', { addActions: [userId] }), undefined)).toThrow(/takes no added actions/);
  expect(() => approve('alice', { addActions: ['rm_rf:/'] })).toThrow(/known kind/);
});
