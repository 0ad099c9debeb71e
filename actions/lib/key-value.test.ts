import { describe, expect, test } from '@jest/globals';
import { parseEnvironmentLines, parseKeyValueLines } from './key-value.ts';

describe('parseKeyValueLines', () => {
  test('splits at the first = and keeps = in values', () => {
    expect(parseKeyValueLines('x', ['A=b=c', 'B='])).toEqual([
      { key: 'A', value: 'b=c' },
      { key: 'B', value: '' },
    ]);
  });

  test.each(['novalue', '=value', ' =x'])('rejects %p naming the input and the format', (line) => {
    expect(() => parseKeyValueLines('images', [line], 'CONTAINER=IMAGE')).toThrow(
      `Input "images": line "${line}" is not CONTAINER=IMAGE.`,
    );
  });
});

describe('parseEnvironmentLines', () => {
  test('reads KEY=VALUE for all containers and CONTAINER:KEY=VALUE for one', () => {
    expect(parseEnvironmentLines('environment', ['A=1', 'web:B=x:y=z'])).toEqual([
      { name: 'A', value: '1' },
      { container: 'web', name: 'B', value: 'x:y=z' },
    ]);
  });

  test.each([':A=1', 'web:=1', 'A B=1', '1A=2'])('rejects %p', (line) => {
    expect(() => parseEnvironmentLines('environment', [line])).toThrow(/^Input "environment"/);
  });
});
