import { expect, test } from '@jest/globals';
import { runAction } from '../../simulator/runner/run-action.ts';

/** job-summary as the runner runs it: the bundle, its inputs from the environment, the summary file. */

test('a title, code rows and a link row land in the job summary, escaped', async () => {
  const run = await runAction('job-summary', {
    title: 'feature-abc: success',
    rows: 'Image=v1 <b>\n\n# of services=3',
    links: 'URL=https://feature-abc.example.com\nFailure report=',
  });
  expect(run.errors).toEqual([]);
  expect(run.exitCode).toBe(0);
  expect(run.summary).toBe(
    '<h3>feature-abc: success</h3>\n<table><tr><td>Image</td><td><code>v1 &lt;b&gt;</code></td></tr>' +
      '<tr><td># of services</td><td><code>3</code></td></tr>' +
      '<tr><td>URL</td><td><a href="https://feature-abc.example.com">https://feature-abc.example.com</a></td></tr></table>\n',
  );
});

test('a row without a label is refused, naming the input, and nothing is written', async () => {
  const run = await runAction('job-summary', { title: 'x', rows: '=v1' });
  expect(run.exitCode).toBe(1);
  expect(run.errors).toEqual(['Input "rows": line "=v1" is not Label=value.']);
  expect(run.summary).toBe('');
});
