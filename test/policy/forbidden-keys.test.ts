// A policy file can pollute Object.prototype through merge() if it carries __proto__,
// constructor or prototype keys: such a file is refused, naming the key and the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy, PolicyError } from '../../src/policy/load-policy';

const dir = mkdtempSync(join(tmpdir(), 'autosoc-policy-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('policy keys that reach Object.prototype', () => {
  it.each([
    ['top.yaml', '__proto__:\n  autoCloseBelow: 0\n', '__proto__', '__proto__'],
    ['nested.yaml', 'approvals:\n  isolate_host:\n    __proto__:\n      quorum: 1\n', '__proto__', 'approvals.isolate_host.__proto__'],
    [
      'json.json',
      '{"slaTiers": [{"name": "t1", "constructor": {"prototype": {"polluted": true}}}]}',
      'constructor',
      'slaTiers.0.constructor',
    ],
    ['proto.yaml', 'approvals:\n  prototype:\n    x: 1\n', 'prototype', 'approvals.prototype'],
    ['explicit-key.yaml', '? __proto__\n: {autoCloseBelow: 0}\n', '__proto__', '__proto__'],
  ])('%s is refused naming the key, its path and the file', (name, text, key, path) => {
    const file = write(name, text);
    expect(() => loadPolicy([file])).toThrow(PolicyError);
    expect(() => loadPolicy([file])).toThrow(`${file}: key "${key}" (at ${path}) is not allowed in a policy file`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).autoCloseBelow).toBeUndefined();
  });

  it('names the offending file when it is layered after a sound one', () => {
    const good = write('good.yaml', 'autoCloseBelow: 10\n');
    const bad = write('layer.yaml', 'approvals:\n  constructor: {}\n');
    expect(() => loadPolicy([good, bad])).toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: key "constructor"`));
  });

  it('still accepts the same words as values', () => {
    const file = write('values.yaml', 'autoCloseBelow: 10\nslaTiers:\n  - name: constructor\n    respondWithin: 15m\n');
    expect(loadPolicy([file]).slaTiers[0].name).toBe('constructor');
  });
});
