import { describe, expect, test } from '@jest/globals';
import { mapOutputs, parseMappings } from './mapping.ts';

// What `terraform output -json` prints for an environment root (terraform/examples/ad-hoc).
const ROOT = {
  cluster_name: { sensitive: false, type: 'string', value: 'feature-a' },
  url: { sensitive: false, type: 'string', value: 'https://feature-a.example.com' },
  task_families: {
    sensitive: false,
    type: ['object', {}],
    value: { web: 'feature-a-web', migrate: 'feature-a-migrate', celery: 'feature-a-celery' },
  },
  backend_task_families: {
    sensitive: false,
    type: ['list', 'string'],
    value: ['feature-a-web', 'feature-a-celery'],
  },
  db_admin_task_definition: { sensitive: false, type: 'string', value: null },
  replicas: { sensitive: false, type: 'number', value: 2 },
  redis_password: { sensitive: true, type: 'string', value: 'hunter2' },
};

const map = (lines: string, json: unknown = ROOT) => mapOutputs(json, parseMappings('outputs', lines));

describe('mapOutputs: each path shape gives the step output a workflow reads', () => {
  test.each([
    ['a string output', 'cluster=cluster_name', { cluster: 'feature-a' }],
    ['a number as text', 'n=replicas', { n: '2' }],
    ['a key of a map', 'migrate-family=task_families.migrate', { 'migrate-family': 'feature-a-migrate' }],
    [
      'a list, one value a line',
      'families=backend_task_families',
      { families: 'feature-a-web\nfeature-a-celery' },
    ],
    [
      'every value of a map, in key order',
      'all=task_families.*',
      { all: 'feature-a-celery\nfeature-a-migrate\nfeature-a-web' },
    ],
    [
      'several paths, one a line',
      'two=task_families.web task_families.celery',
      { two: 'feature-a-web\nfeature-a-celery' },
    ],
    [
      'every element of a list with .*',
      'families=backend_task_families.*',
      { families: 'feature-a-web\nfeature-a-celery' },
    ],
    ['an optional null value is empty', 'db-admin=db_admin_task_definition?', { 'db-admin': '' }],
    ['an optional missing output is empty', 'x=nope?', { x: '' }],
    ['an optional missing key is empty', 'x=task_families.frontend?', { x: '' }],
  ] as const)('%s', (_why, lines, expected) => {
    expect(map(lines)).toEqual(expected);
  });

  test('an empty state (a half-created environment) answers every optional path', () => {
    expect(map('cluster=cluster_name?\nfamilies=task_families.*?', {})).toEqual({
      cluster: '',
      families: '',
    });
  });
});

describe('mapOutputs: one error naming every path the root cannot answer, with its outputs', () => {
  test.each([
    ['a missing output', 'x=cluster', 'x=cluster: no output cluster'],
    [
      'a missing key',
      'x=task_families.frontend',
      'x=task_families.frontend: no key frontend in task_families',
    ],
    [
      'a null value',
      'x=db_admin_task_definition',
      'x=db_admin_task_definition: db_admin_task_definition is null',
    ],
    [
      'a map where a value is expected',
      'x=task_families',
      'x=task_families: task_families is a map: name a key, or .* for its values',
    ],
    ['a map is a mistake even when optional', 'x=task_families?', 'task_families is a map'],
    ['a key into a string', 'x=cluster_name.a', 'x=cluster_name.a: cluster_name is not a map at .a'],
    [
      'a sensitive output, never a step output',
      'x=redis_password',
      'x=redis_password: output redis_password is sensitive',
    ],
    ['an inherited property is no output', 'x=constructor', 'x=constructor: no output constructor'],
    [
      'an inherited property is no key',
      'x=task_families.toString',
      'x=task_families.toString: no key toString in task_families',
    ],
    ['a sensitive output even when optional', 'x=redis_password?', 'output redis_password is sensitive'],
  ] as const)('%s', (_why, lines, message) => {
    expect(() => map(lines)).toThrow(message);
  });

  test('every problem in one error, with the outputs the root has', () => {
    expect(() => map('a=nope\nb=task_families.frontend\nc=cluster_name')).toThrow(
      "The root's outputs do not answer a=nope: no output nope; b=task_families.frontend: no key frontend in task_families " +
        '(its outputs: backend_task_families, cluster_name, db_admin_task_definition, redis_password, replicas, task_families, url).',
    );
  });

  test('no sensitive value reaches the error', () => {
    expect(() => map('x=redis_password')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  test('terraform printing something other than an object of outputs', () => {
    expect(() => map('x=a', [])).toThrow('terraform output -json did not print an object of outputs.');
  });
});

describe('parseMappings: a bad list is refused before terraform runs, naming the line', () => {
  test.each([
    ['no =', 'cluster', `Input "outputs": "cluster" is not \`step-output=output.key\``],
    ['no path', 'cluster=', `Input "outputs": "cluster=" is not`],
    ['a bad step output name', '1x=url', `Input "outputs": "1x=url" is not`],
    ['a bad path', 'x=a..b', `Input "outputs": "a..b" (for x) is not an output name`],
    ['a jq path', 'x=.cluster_name.value', `".cluster_name.value" (for x) is not an output name`],
    ['a step output twice', 'x=a\nx=b', 'Input "outputs" names step output x twice.'],
    ['nothing', '\n  \n', 'Input "outputs" maps no output.'],
  ] as const)('%s', (_why, lines, message) => {
    expect(() => parseMappings('outputs', lines)).toThrow(message);
  });
});
