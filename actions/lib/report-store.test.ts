import { describe, expect, test } from '@jest/globals';
import { consoleUrl, parseReportLocation, reportKey } from './report-store.ts';

describe('parseReportLocation', () => {
  test.each([
    ['s3://acme-state/failure-reports/prod/', { bucket: 'acme-state', prefix: 'failure-reports/prod/' }],
    ['s3://acme-state/failure-reports/prod', { bucket: 'acme-state', prefix: 'failure-reports/prod/' }],
    ['s3://acme.state', { bucket: 'acme.state', prefix: '' }],
    ['s3://acme.state/', { bucket: 'acme.state', prefix: '' }],
  ])('%s', (value, store) => {
    expect(parseReportLocation(value)).toEqual(store);
  });

  test.each([
    ['acme-state/failure-reports/', 'is not s3://<bucket>/<prefix>'],
    ['https://acme-state.s3.amazonaws.com/x', 'is not s3://<bucket>/<prefix>'],
    ['s3://Acme_State/x', 'names the bucket "Acme_State", which is not an S3 bucket name'],
    ['s3://ab/x', 'names the bucket "ab", which is not an S3 bucket name'],
    ['s3://acme-state/failure-reports//prod/', 'has an empty, "." or ".." part in its prefix'],
    ['s3://acme-state/failure-reports/../state/', 'has an empty, "." or ".." part in its prefix'],
    ['s3://acme-state/a\nb/', 'has a control character or backslash in its prefix'],
  ])('%j is refused: %s', (value, problem) => {
    expect(() => parseReportLocation(value)).toThrow(
      `Input "failure-report-location": ${JSON.stringify(value)} ${problem}.`,
    );
  });
});

test('one key per run attempt and report file; the console link carries the key encoded', () => {
  const store = { bucket: 'acme-state', prefix: 'failure-reports/prod/' };
  const env = { GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '3' };
  expect(reportKey(store, '/tmp/runner/adhoc-actions-failure-rolling-update-x.json', env)).toBe(
    'failure-reports/prod/77-3/adhoc-actions-failure-rolling-update-x.json',
  );
  expect(reportKey(store, '/tmp/r.json', {})).toBe('failure-reports/prod/local-1/r.json');
  expect(consoleUrl('eu-west-1', 'acme-state', 'failure-reports/prod/77-3/r.json')).toBe(
    'https://eu-west-1.console.aws.amazon.com/s3/object/acme-state?region=eu-west-1&prefix=failure-reports%2Fprod%2F77-3%2Fr.json',
  );
});
