import { describe, expect, test } from '@jest/globals';
import { checkTemplate } from './templates.ts';

describe('checkTemplate', () => {
  test('no template is always fine; a listed one is fine', () => {
    expect(() => checkTemplate(undefined, [])).not.toThrow();
    expect(() => checkTemplate('seed', ['other', 'seed'])).not.toThrow();
  });

  test.each([
    [
      'seed',
      [],
      'Input "template": "seed" is not allowed; list it in "allowed-templates" (empty: no template).',
    ],
    ['Seed', ['seed'], 'Input "template": "Seed" is not in "allowed-templates".'],
    ['prod', ['prod-seed'], 'Input "template": "prod" is not in "allowed-templates".'],
  ])('refuses %p with allow-list %p', (template, allowed, message) => {
    expect(() => checkTemplate(template, allowed)).toThrow(message);
  });
});
