// The assessment through the real openai SDK against a local server that speaks the OpenAI
// API: a structured answer, invented citations, malformed content, a slow server, a bad key.
import type { Finding } from '../../src/domain/finding';
import { deterministicAssessment } from '../../src/assessment/deterministic';
import { llmAssessment, writeAssessment, type LlmSettings } from '../../src/assessment/llm';
import type { AssessmentInput } from '../../src/assessment/assessment';
import { OpenAiServer, strictSchemaProblem } from '../servers/openai-server';

const findings: Finding[] = [
  {
    analyzer: 'command-line',
    verdict: 'malicious',
    score: 85,
    confidence: 0.7,
    summary: 'PowerShell download-and-execute cradle',
    evidence: [],
    attack: ['T1059.001'],
  },
  {
    analyzer: 'threat-intel',
    verdict: 'unknown',
    score: 0,
    confidence: 0.3,
    summary: '3 indicators checked, 0 known',
    evidence: [],
    attack: [],
  },
  {
    analyzer: 'yara',
    verdict: 'unknown',
    score: 0,
    confidence: 0,
    summary: 'analyzer failed',
    evidence: [],
    attack: [],
    error: 'timed out after 30000 ms',
  },
];
const input: AssessmentInput = {
  title: 'Word spawned PowerShell',
  severity: 'high',
  observables: {
    hosts: ['fin-ws-042'],
    users: ['corp\\j.doe'],
    hashes: [],
    domains: ['evil.top'],
    ips: [],
    urls: [],
    emails: [],
    commandLines: ['powershell -enc ...'],
  },
  findings,
  triage: { score: 90, verdict: 'malicious', disposition: 'escalate', reasons: ['severity high sets the base score 65'], confidence: 0.5 },
};
const good = {
  summary: 'Word launched an encoded PowerShell download cradle on fin-ws-042.',
  narrative: ['A document spawned PowerShell.'],
  citedFindings: ['command-line', 'sandbox'],
  recommendedActions: ['Isolate fin-ws-042.'],
  openQuestions: [],
};

let server: OpenAiServer;
let settings: LlmSettings;
beforeAll(async () => {
  server = new OpenAiServer();
  settings = { apiKey: 'sk-test', baseURL: await server.start(), model: 'local-model', timeoutMs: 5_000 };
});
afterAll(() => server.stop());

test('without a key the deterministic summarizer writes it, naming the strongest evidence and the failed analyzer', async () => {
  const a = await writeAssessment(undefined, input);
  expect(a.author).toBe('deterministic');
  expect(a.assessment.summary).toContain('PowerShell download-and-execute cradle');
  expect(a.assessment.summary).toMatch(/1 analyzer\(s\) failed \(yara\)/);
  expect(a.assessment.citedFindings).toEqual(['command-line']);
  expect(a.assessment.recommendedActions.join(' ')).toContain('fin-ws-042');
  expect(deterministicAssessment(input)).toEqual(a.assessment); // deterministic: same input, same text
});

test('the model answers with structured output; citations of findings that do not exist are dropped', async () => {
  server.reply = { kind: 'json', content: good };
  const a = await llmAssessment(settings, input);
  expect(a).toMatchObject({ author: 'llm:local-model', assessment: { summary: good.summary, citedFindings: ['command-line'] } });
  const sent = server.requests.at(-1)!.body as {
    response_format: { type: string; json_schema: { name: string } };
    messages: { content: string }[];
  };
  expect(sent.response_format.type).toBe('json_schema');
  expect(sent.response_format.json_schema.name).toBe('assessment');
  expect(sent.messages[1].content).toContain('PowerShell download-and-execute cradle');
});

test.each([
  ['malformed JSON content', { kind: 'raw', content: '{"summary": "unterminated' } as const],
  ['content that breaks the schema', { kind: 'json', content: { summary: '', narrative: 'not a list' } } as const],
  ['a server error', { kind: 'status', status: 500 } as const],
  ['a server that never answers', { kind: 'hang' } as const],
])('%s falls back to the deterministic assessment with the reason', async (_what, reply) => {
  server.reply = reply;
  const a = await llmAssessment(settings, input);
  expect(a.author).toBe('deterministic');
  expect(a.note).toMatch(/^LLM assessment failed, fell back: ./);
  const fallback = deterministicAssessment(input);
  expect(a.assessment).toEqual({ ...fallback, openQuestions: [`llm: failed (${a.llmFailure})`, ...fallback.openQuestions] });
});

test('the schema sent stays inside the strict structured-outputs subset; lengths are enforced after parsing', async () => {
  const long = { ...good, summary: 'x'.repeat(5000), narrative: Array.from({ length: 30 }, () => 'y'.repeat(1200)) };
  server.reply = { kind: 'json', content: long };
  const a = await llmAssessment(settings, input);
  expect(a.llmFailure).toBeUndefined();
  expect(a.author).toBe('llm:local-model');
  expect(a.assessment.summary).toHaveLength(4000);
  expect(a.assessment.narrative).toHaveLength(20);
  expect(a.assessment.narrative.every((l) => l.length === 1000)).toBe(true);
  const schema = JSON.stringify((server.requests.at(-1)!.body.response_format as { json_schema: unknown }).json_schema);
  expect(schema).not.toMatch(/minLength|maxLength/);
});

test('the local server refuses what the real API refuses: length keywords in a strict schema', () => {
  expect(
    strictSchemaProblem({
      type: 'object',
      properties: { s: { type: 'string', minLength: 1 } },
      required: ['s'],
      additionalProperties: false,
    }),
  ).toBe("In context=('properties', 's'), 'minLength' is not permitted.");
  expect(strictSchemaProblem({ type: 'object', properties: { s: { type: 'string' } }, required: [], additionalProperties: false })).toMatch(
    /Missing 's'/,
  );
  expect(strictSchemaProblem({ type: 'object', properties: {}, required: [] })).toMatch(/'additionalProperties' is required/);
});

test('no temperature is sent unless configured, so reasoning models work; a configured 0 fails on them, visibly', async () => {
  server.reply = { kind: 'json', content: good };
  const ok = await llmAssessment({ ...settings, model: 'o3-mini' }, input);
  expect(ok.author).toBe('llm:o3-mini');
  expect(server.requests.at(-1)!.body).not.toHaveProperty('temperature');

  const refused = await llmAssessment({ ...settings, model: 'gpt-5-mini', temperature: 0 }, input);
  expect(refused.author).toBe('deterministic');
  expect(refused.llmFailure).toMatch(/400 Unsupported value: 'temperature' does not support 0 with this model/);
  expect(refused.assessment.openQuestions[0]).toBe(`llm: failed (${refused.llmFailure})`);
  expect(server.requests.at(-1)!.body.temperature).toBe(0);
});

test('a wrong key is an error the fallback reports', async () => {
  server.reply = { kind: 'json', content: good };
  const a = await llmAssessment({ ...settings, apiKey: 'sk-wrong' }, input);
  expect(a.author).toBe('deterministic');
  expect(a.note).toMatch(/401|Incorrect API key/);
});
