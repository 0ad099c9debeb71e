import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { ConfigurationError, DeploymentFailure } from './errors.ts';
import { runAction } from './run.ts';

let written: string[];

beforeEach(() => {
  written = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  process.exitCode = undefined;
});

test('a user mistake is one error line and exit code 1, no stack', async () => {
  await runAction(async () => {
    throw new ConfigurationError('Input "x" is required.');
  });
  expect(written.join('')).toBe('::error::Input "x" is required.\n');
  expect(process.exitCode).toBe(1);
});

test('an AWS "not found" is a user mistake, with its type', async () => {
  const error = Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' });
  await runAction(() => Promise.reject(error));
  expect(written.join('')).toBe('::error::ClusterNotFoundException: Cluster not found.\n');
});

test('a bug keeps its stack in debug output', async () => {
  await runAction(async () => {
    throw new TypeError('boom');
  });
  const output = written.join('');
  expect(output).toMatch(/^::debug::TypeError: boom%0A\s+at /);
  expect(output).toMatch(/::error::boom\n$/);
});

test('success writes nothing and leaves the exit code alone', async () => {
  await runAction(async () => {});
  expect(written).toEqual([]);
  expect(process.exitCode).toBeUndefined();
});

test('a deployment failure is one line too', async () => {
  await runAction(() => Promise.reject(new DeploymentFailure('Task abc failed with exit code 3.')));
  expect(written.join('')).toBe('::error::Task abc failed with exit code 3.\n');
});
