import { expect, test } from '@jest/globals';
import { nameFromArn, parseTaskDefinitionRef } from './arn.ts';

test.each([
  ['web', { family: 'web' }],
  ['web:12', { family: 'web', revision: 12 }],
  ['arn:aws:ecs:us-east-1:123456789012:task-definition/web:3', { family: 'web', revision: 3 }],
  ['arn:aws-us-gov:ecs:us-gov-west-1:123456789012:task-definition/a_b-c:1', { family: 'a_b-c', revision: 1 }],
])('parseTaskDefinitionRef(%p)', (text, ref) => {
  expect(parseTaskDefinitionRef(text)).toEqual(ref);
});

test.each(['', 'web:x', 'a b', 'arn:aws:ecs:us-east-1:1:service/c/s', 'web:1:2'])(
  'parseTaskDefinitionRef(%p) is undefined',
  (text) => {
    expect(parseTaskDefinitionRef(text)).toBeUndefined();
  },
);

test('nameFromArn', () => {
  expect(nameFromArn('arn:aws:ecs:us-east-1:1:service/cluster/web')).toBe('web');
  expect(nameFromArn('web')).toBe('web');
});
