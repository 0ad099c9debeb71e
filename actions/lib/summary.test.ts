import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { escapeHtml, writeSummaryTable } from './summary.ts';

let file: string;
beforeEach(() => {
  file = join(mkdtempSync(join(tmpdir(), 'summary-')), 'summary.md');
  writeFileSync(file, '');
  process.env['GITHUB_STEP_SUMMARY'] = file;
});
afterEach(() => {
  delete process.env['GITHUB_STEP_SUMMARY'];
  core.summary.emptyBuffer();
});

test('escapeHtml: & < > " and \' shown as text', () => {
  expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
    '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
  );
});

test('every heading, header, cell and note is escaped: a log line cannot add markup', async () => {
  await writeSummaryTable(
    'Task <b>x</b>',
    ['<i>Col</i>'],
    [['<img src=x onerror=alert(1)>'], [42], [undefined]],
    ['<script>alert(1)</script>'],
  );
  const written = readFileSync(file, 'utf8');
  expect(written).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(written).toContain('Task &lt;b&gt;x&lt;/b&gt;');
  expect(written).toContain('&lt;i&gt;Col&lt;/i&gt;');
  expect(written).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(written).toContain('<td>42</td>');
  for (const raw of ['<img', '<b>', '<i>', '<script>']) expect(written).not.toContain(raw);
});
