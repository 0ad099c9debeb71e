import { afterEach, expect, test } from '@jest/globals';
import {
  booleanInput,
  choiceInput,
  exclusiveInputs,
  multilineInput,
  numberInput,
  requiredInput,
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
