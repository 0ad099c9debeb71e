import { expect, test } from '@jest/globals';
import { isRepository, parseImage, withTagOrDigest } from './image-ref.ts';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

test.each([
  ['nginx', { repository: 'nginx' }],
  ['nginx:1.27', { repository: 'nginx', tag: '1.27' }],
  ['public.ecr.aws/nginx/nginx:1.27', { repository: 'public.ecr.aws/nginx/nginx', tag: '1.27' }],
  ['localhost:5000/app', { repository: 'localhost:5000/app' }],
  ['localhost:5000/app:v1', { repository: 'localhost:5000/app', tag: 'v1' }],
  [
    `1.dkr.ecr.us-east-1.amazonaws.com/backend@${DIGEST}`,
    { repository: '1.dkr.ecr.us-east-1.amazonaws.com/backend', digest: DIGEST },
  ],
  [`repo:v1@${DIGEST}`, { repository: 'repo', tag: 'v1', digest: DIGEST }],
])('parseImage(%p)', (image, expected) => {
  expect(parseImage(image)).toEqual(expected);
});

test.each([
  '',
  'repo:',
  'repo@sha256:abc',
  `repo@sha256:${'A'.repeat(64)}`,
  `repo@md5:${'a'.repeat(32)}`,
  'Repo/App:v1',
  'repo:v1 ',
  'repo:v1\nother:v2',
  'repo:-bad',
  '/repo',
  'repo//x',
  `repo:${'a'.repeat(129)}`,
  `${'a'.repeat(250)}:v1234`,
])('parseImage refuses %p', (image) => {
  expect(parseImage(image)).toBeUndefined();
});

test('isRepository: a repository without tag or digest', () => {
  expect(isRepository('backend')).toBe(true);
  expect(isRepository('host:5000/team/backend')).toBe(true);
  expect(isRepository('backend:v1')).toBe(false);
  expect(isRepository(`backend@${DIGEST}`)).toBe(false);
});

test('withTagOrDigest joins a tag with : and a digest with @', () => {
  expect(withTagOrDigest('repo', 'v2')).toBe('repo:v2');
  expect(withTagOrDigest('repo', DIGEST)).toBe(`repo@${DIGEST}`);
});
