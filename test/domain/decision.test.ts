import { DECISION_ACTIONS, DecisionRejected, parseDecision } from '../../src/domain/decision';
import { DecisionBook } from '../../src/domain/decision-book';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { approvedActions, type ResponseAction } from '../../src/domain/response';

/** The message parseDecision throws for an input, or a failure if it accepts it. */
function rejection(input: unknown): string {
  try {
    parseDecision(input);
  } catch (err) {
    expect(err).toBeInstanceOf(DecisionRejected);
    expect((err as Error).name).toBe('DecisionRejected');
    return (err as Error).message;
  }
  throw new Error(`parseDecision accepted ${JSON.stringify(input)}`);
}

describe('parseDecision', () => {
  it.each(DECISION_ACTIONS.filter((a) => a !== 'assign'))('accepts %s with an actor and a reason, trimming both', (action) => {
    expect(parseDecision({ action, actor: '  alice@soc ', reason: ' confirmed with the user \n' })).toEqual({
      action,
      actor: 'alice@soc',
      reason: 'confirmed with the user',
    });
  });

  it('assign needs an assignee, not a reason', () => {
    expect(parseDecision({ action: 'assign', actor: 'lead@soc', assignee: ' bob@soc ' })).toEqual({
      action: 'assign',
      actor: 'lead@soc',
      assignee: 'bob@soc',
    });
    expect(rejection({ action: 'assign', actor: 'lead@soc', reason: 'take it' })).toBe('assignee: assignee is required');
  });

  it('keeps the roles and the false-positive flag, rejecting unknown roles', () => {
    expect(parseDecision({ action: 'close', actor: 'a', reason: 'r', falsePositive: true, roles: ['analyst'] })).toEqual({
      action: 'close',
      actor: 'a',
      reason: 'r',
      falsePositive: true,
      roles: ['analyst'],
    });
    expect(rejection({ action: 'close', actor: 'a', reason: 'r', roles: ['root'] })).toMatch(/^roles\.0: /);
  });

  it('offers approve, close, escalate, assign and comment', () => {
    expect([...DECISION_ACTIONS].sort()).toEqual(['approve', 'assign', 'close', 'comment', 'escalate']);
  });

  it('drops unknown keys', () => {
    expect(parseDecision({ action: 'close', actor: 'a', reason: 'r', extra: 1 })).toEqual({ action: 'close', actor: 'a', reason: 'r' });
  });

  it.each(['delete', 'APPROVE', '', 42, undefined])('rejects action %j, listing the valid ones', (action) => {
    expect(rejection({ action, actor: 'alice', reason: 'because' })).toBe(
      'action: unknown action; expected one of approve, close, escalate, assign, comment',
    );
  });

  it.each(['', '   ', '\n\t'])('rejects an empty reason %j', (reason) => {
    expect(rejection({ action: 'approve', actor: 'alice', reason })).toBe('reason: reason is required');
  });

  it('rejects a missing reason, naming the field', () => {
    expect(rejection({ action: 'approve', actor: 'alice' })).toMatch(/^reason: /);
  });

  it.each([undefined, null, 7])('rejects a missing or non-string actor (%j), naming the field', (actor) => {
    expect(rejection({ action: 'approve', actor, reason: 'ok' })).toMatch(/^actor: /);
  });

  it('rejects a blank actor', () => {
    expect(rejection({ action: 'close', actor: '  ', reason: 'ok' })).toBe('actor: actor is required');
  });

  it('rejects over-long fields', () => {
    expect(rejection({ action: 'close', actor: 'a'.repeat(257), reason: 'ok' })).toMatch(/^actor: /);
    expect(rejection({ action: 'close', actor: 'a', reason: 'r'.repeat(4097) })).toMatch(/^reason: /);
    expect(parseDecision({ action: 'close', actor: 'a'.repeat(256), reason: 'r'.repeat(4096) }).actor).toHaveLength(256);
  });

  it.each([null, 'approve', 42, []])('rejects a non-object (%j) as a whole', (input) => {
    expect(rejection(input)).toMatch(/^decision: /);
  });
});

describe('approving selected actions', () => {
  const proposed: ResponseAction[] = [
    { kind: 'isolate_host', target: 'ws-1' },
    { kind: 'block_ip', target: '203.0.113.7' },
    { kind: 'block_hash', target: 'ab'.repeat(32) },
  ];

  it('an approval may name the actions it covers; nothing else may, and never an empty selection', () => {
    expect(parseDecision({ action: 'approve', actor: 'a', reason: 'r', actions: ['block_ip:203.0.113.7'] }).actions).toEqual([
      'block_ip:203.0.113.7',
    ]);
    expect(rejection({ action: 'close', actor: 'a', reason: 'r', actions: ['block_ip:203.0.113.7'] })).toBe(
      'actions: only an approval selects actions',
    );
    expect(rejection({ action: 'approve', actor: 'a', reason: 'r', actions: [] })).toBe('actions: select at least one action to approve');
  });

  it('runs what every approver of the quorum selected; an approval without a selection covers all', () => {
    expect(approvedActions(proposed, [{}])).toEqual(proposed);
    expect(approvedActions(proposed, [{ actions: ['block_ip:203.0.113.7', 'isolate_host:ws-1'] }])).toEqual(proposed.slice(0, 2));
    expect(
      approvedActions(proposed, [{ actions: ['block_ip:203.0.113.7', 'isolate_host:ws-1'] }, { actions: ['block_ip:203.0.113.7'] }, {}]),
    ).toEqual([proposed[1]]);
    expect(approvedActions(proposed, [{ actions: ['isolate_host:ws-1'] }, { actions: ['block_ip:203.0.113.7'] }])).toEqual([]);
  });

  it("the decision book keeps each approver's selection", () => {
    const book = new DecisionBook(DEFAULT_POLICY, { quorum: 2, fourEyes: false });
    book.apply(book.check({ action: 'approve', actor: 'a', reason: 'r', actions: ['isolate_host:ws-1'], roles: ['analyst'] }, true));
    book.apply(book.check({ action: 'approve', actor: 'b', reason: 'r', roles: ['analyst'] }, true));
    expect(book.state.approvals).toEqual([
      { actor: 'a', reason: 'r', actions: ['isolate_host:ws-1'] },
      { actor: 'b', reason: 'r' },
    ]);
    expect(approvedActions(proposed, book.state.approvals)).toEqual([proposed[0]]);
  });
});
