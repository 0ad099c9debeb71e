import { afterEach, expect, test } from '@jest/globals';
import {
  booleanInput,
  checkOverridesSize,
  choiceInput,
  clusterInput,
  containerInput,
  exclusiveInputs,
  multilineInput,
  numberInput,
  quote,
  requiredInput,
  startedByInput,
  taskDefinitionInput,
} from './inputs.ts';

const set = (name: string, value: string) => (process.env[`INPUT_${name.toUpperCase()}`] = value);
afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
});

test('requiredInput names the input', () => {
  expect(() => requiredInput('cluster')).toThrow('Input "cluster" is required.');
  set('cluster', ' app ');
  expect(requiredInput('cluster')).toBe('app');
});

test('booleanInput accepts the usual spellings and names the input otherwise', () => {
  expect(booleanInput('wait', true)).toBe(true);
  set('wait', 'False');
  expect(booleanInput('wait', true)).toBe(false);
  set('wait', 'maybe');
  expect(() => booleanInput('wait', true)).toThrow('Input "wait" must be true or false, got "maybe".');
});

test('numberInput checks the range', () => {
  set('timeout-minutes', '0.5');
  expect(numberInput('timeout-minutes', 15, { min: 0.1 })).toBe(0.5);
  set('timeout-minutes', '-1');
  expect(() => numberInput('timeout-minutes', 15, { min: 0.1, max: 360 })).toThrow(
    'Input "timeout-minutes" must be a number from 0.1 to 360, got "-1".',
  );
});

test('choiceInput lists the choices', () => {
  set('action', 'delete');
  expect(() => choiceInput('action', ['create', 'drop'], 'create')).toThrow(
    'Input "action" must be one of create, drop, got "delete".',
  );
});

test('multilineInput drops blank lines and comments', () => {
  set('services', 'web\n\n  # a comment\n worker \r\n');
  expect(multilineInput('services')).toEqual(['web', 'worker']);
});

test('exclusiveInputs names both', () => {
  set('a', '1');
  exclusiveInputs(['a', 'b']);
  set('b', '2');
  expect(() => exclusiveInputs(['a', 'b'])).toThrow('Inputs "a" and "b" cannot be used together.');
});

test('quote: one line, escaped, cut after 80 characters with the length said', () => {
  expect(quote('a\nb"c')).toBe('"a\\nb\\"c"');
  const long = quote('x'.repeat(100_000));
  expect(long).toBe(`"${'x'.repeat(80)}…" (100000 characters)`);
  expect(long).not.toContain('\n');
});

test('started-by: RunTask allows up to 128 letters, digits, hyphens, slashes and underscores', () => {
  expect(startedByInput('adhoc-actions/run-migration-task')).toBe('adhoc-actions/run-migration-task');
  set('started-by', 's'.repeat(128));
  expect(startedByInput('d')).toHaveLength(128);
  for (const bad of ['s'.repeat(129), 'a b', 'a;b', 'déploiement', 'a\nb']) {
    set('started-by', bad);
    expect(() => startedByInput('d')).toThrow(
      /^Input "started-by": ".*"( \(\d+ characters\))? is not 1-128 letters/,
    );
  }
});

test('RunTask overrides: 8192 characters of JSON at most, naming the input', () => {
  const command = (n: number) => [{ name: 'web', command: ['x'.repeat(n)] }];
  // {"containerOverrides":[{"name":"web","command":["…"]}]} is 54 characters around the text.
  expect(() => checkOverridesSize('command', command(8192 - 54))).not.toThrow();
  expect(() => checkOverridesSize('command', command(8192 - 53))).toThrow(
    'Input "command" makes the task\'s overrides 8193 characters long; RunTask allows 8192.',
  );
});

test('ECS names: cluster by name or ARN, container, task definition ref', () => {
  set('cluster', 'feature-abc');
  expect(clusterInput()).toBe('feature-abc');
  set('cluster', 'arn:aws:ecs:us-east-1:123456789012:cluster/feature-abc');
  expect(clusterInput()).toBe('arn:aws:ecs:us-east-1:123456789012:cluster/feature-abc');
  for (const bad of ['a b', 'n'.repeat(256), 'arn:aws:ecs:us-east-1:12:cluster/x', 'a/b']) {
    set('cluster', bad);
    expect(() => clusterInput()).toThrow(
      /^Input "cluster": ".*"( \(\d+ characters\))? is not a cluster name/,
    );
  }
  set('container', 'web app');
  expect(() => containerInput()).toThrow(/^Input "container": "web app" is not a container name/);
  set('task-definition', 'migrate:7');
  expect(taskDefinitionInput()).toBe('migrate:7');
  set('task-definition', 'arn:aws:ecs:us-east-1:1:task-definition/we b:1');
  expect(() => taskDefinitionInput()).toThrow(/^Input "task-definition"/);
});
