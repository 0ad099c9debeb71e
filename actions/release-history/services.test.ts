import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { ONE_OFF_COMPONENTS, serviceFamilies } from './services.ts';

describe('serviceFamilies: what a rollback rolls out', () => {
  test.each([
    [
      'the one-off family is left out',
      ['prod-gunicorn', 'prod-migrate', 'prod-celery'],
      ['prod-celery', 'prod-gunicorn'],
    ],
    ['only a whole component counts', ['prod-premigrate', 'prod-migrate'], ['prod-premigrate']],
    ['no families', [], []],
  ])('%s', (_why, families, expected) => {
    expect(serviceFamilies(families)).toEqual(expected);
  });

  test('the one-off components are the ones modules/environment declares', () => {
    const declared = JSON.parse(
      readFileSync(new URL('../../terraform/modules/environment/components.json', import.meta.url), 'utf8'),
    ) as { one_off: string[] };
    expect(ONE_OFF_COMPONENTS).toEqual(declared.one_off);
  });
});
