import { describe, expect, test } from '@jest/globals';
import { findRepeats } from './yaml-repeats.ts';

const steps = (body: string) => `jobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n${body}`;
const block = (name: string) =>
  [
    `      - name: ${name}`,
    '        run: |',
    '          args=()',
    '          while IFS= read -r line; do',
    '            args+=("-backend-config=$line")',
    '          done <<< "$BACKEND_CONFIG"',
    '          terraform init "${args[@]}"',
    '',
  ].join('\n');

describe('findRepeats: blocks of steps repeated across workflow files', () => {
  test('the same 6 lines of logic in two files is one repeat, named by both places', () => {
    const repeats = findRepeats([
      { path: 'a.yml', text: steps(block('init')) },
      { path: 'b.yml', text: steps(`      - run: echo first\n${block('init')}`) },
    ]);
    expect(repeats).toHaveLength(1);
    expect(repeats[0]!.places).toEqual(['a.yml jobs.x.steps[0]', 'b.yml jobs.x.steps[1]']);
    expect(repeats[0]!.lines).toHaveLength(7);
  });

  test('five lines in common are not a repeat', () => {
    expect(
      findRepeats([
        { path: 'a.yml', text: steps(block('init')) },
        { path: 'b.yml', text: steps(block('other').replace('terraform init', 'terraform plan')) },
      ]),
    ).toEqual([]);
  });

  test('input declarations and pass-through lines are interfaces, not repeats', () => {
    const inputs = [
      'on:',
      '  workflow_call:',
      '    inputs:',
      ...['aws-region', 'role-to-assume', 'slack-channel'].flatMap((n) => [
        `      ${n}:`,
        '        type: string',
        "        default: ''",
      ]),
    ].join('\n');
    const call = [
      '      - uses: x/notify@v1',
      '        with:',
      ...['a', 'b', 'c', 'd', 'e', 'f'].map((n) => `          ${n}: \${{ inputs.${n} }}`),
      '          token: ${{ secrets.SLACK_TOKEN }}',
    ].join('\n');
    const file = `${inputs}\n${steps(call)}`;
    expect(
      findRepeats([
        { path: 'a.yml', text: file },
        { path: 'b.yml', text: file },
      ]),
    ).toEqual([]);
  });

  // Review of 22.6: matching lines by indentation missed a `steps:` with a comment after it, and
  // steps written at the key's own indentation; the parser reads what GitHub reads.
  test('layout does not hide a repeat: a comment after steps:, dashes at the key indentation, a composite', () => {
    const unindented = steps(block('init'))
      .replace('    steps:\n', '    steps: # the init\n')
      .replace(/^ {6}- /m, '    - ')
      .replace(/^ {8}/gm, '      ')
      .replace(/^ {10}/gm, '        ');
    const composite = `runs:\n  using: composite\n  steps:\n${block('init')
      .replace(/^ {6}/gm, '    ')
      .replace('        run: |', '        shell: bash\n        run: |')}`;
    expect(
      findRepeats([
        { path: 'a.yml', text: steps(block('init')) },
        { path: 'b.yml', text: unindented },
      ]),
    ).toHaveLength(1);
    expect(
      findRepeats([
        { path: 'a.yml', text: steps(block('init')) },
        { path: 'action.yml', text: composite },
      ])[0]?.places,
    ).toEqual(['a.yml jobs.x.steps[0]', 'action.yml runs.steps[0]']);
  });

  test('comments and blank lines do not hide a repeat', () => {
    const commented = block('init').replace('        run: |', '        # why\n\n        run: |');
    expect(
      findRepeats([
        { path: 'a.yml', text: steps(block('init')) },
        { path: 'b.yml', text: steps(commented) },
      ]),
    ).toHaveLength(1);
  });
});
