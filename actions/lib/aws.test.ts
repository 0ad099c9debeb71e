import { afterEach, expect, test } from '@jest/globals';
import { ecsClient, regionInput } from './aws.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

test('region comes from the input, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
  delete process.env['AWS_REGION'];
  delete process.env['AWS_DEFAULT_REGION'];
  expect(() => regionInput()).toThrow(/^Input "aws-region" is required/);
  process.env['AWS_DEFAULT_REGION'] = 'eu-west-1';
  expect(regionInput()).toBe('eu-west-1');
  process.env['AWS_REGION'] = 'us-east-2';
  expect(regionInput()).toBe('us-east-2');
  process.env['INPUT_AWS-REGION'] = 'ap-southeast-2';
  expect(regionInput()).toBe('ap-southeast-2');
});

test('clients retry adaptively and name the project in the user agent', async () => {
  const client = ecsClient('us-east-1');
  expect(await client.config.retryStrategy()).toHaveProperty('mode', 'adaptive');
  expect(client.config.customUserAgent).toEqual([['adhoc-actions', expect.stringMatching(/^\d+\.\d+\.\d+/)]]);
});
