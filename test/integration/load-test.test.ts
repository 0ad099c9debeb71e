import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../simulator/runner/run-action.ts';
import { rehearse, type RehearsalOptions } from '../../simulator/rehearsal/engine.ts';
import { evaluateThreshold, percentile, summarise } from '../../simulator/rehearsal/stand-ins/k6-metrics.ts';

/** load-test.yml rehearsed against a local server: thresholds decide, the summary shows why. */

let dir: string;
let server: Server;
let base: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'load-test-'));
  // /fast answers at once, /slow after 150 ms, /broken 500, /paused the paused page (200).
  server = createServer((req, res) => {
    const send = (status: number, body: string) =>
      res.writeHead(status, { 'content-type': 'text/html' }).end(body);
    if (req.url === '/slow') setTimeout(() => send(200, 'ok'), 150);
    else if (req.url === '/broken') send(500, 'oops');
    else if (req.url === '/paused') send(200, '<h1>pr-7 is paused</h1><p>adhoc-actions: paused.</p>');
    else send(200, 'ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function loadTest(name: string, inputs: Record<string, string>) {
  const lines: string[] = [];
  const options: RehearsalOptions = {
    repoRoot: ROOT,
    callerRepo: join(ROOT, 'examples/django-repo'),
    terraformRoot: '',
    inputs: { url: base, vus: '2', duration: '1s', 'p95-ms': '100', 'error-rate': '0.01', ...inputs },
    secrets: {},
    approveEnvironments: false,
    awsEnv: {},
    terraformState: join(dir, name, 'terraform-state'),
    workDir: join(dir, name),
    print: (line) => lines.push(line),
  };
  const result = await rehearse(join(ROOT, '.github/workflows/load-test.yml'), options);
  return {
    result,
    errors: result.annotations.filter((a) => a.level === 'error').map((a) => a.message),
    summary: await readFile(result.summaryFile, 'utf8'),
    log: lines.join('\n'),
  };
}

test('a fast server passes, with the results table in the summary', async () => {
  const run = await loadTest('fast', { paths: '/fast,/' });
  expect(run.errors).toEqual([]);
  expect(run.result.conclusion).toBe('success');
  expect(run.log).toContain('[rehearsal] k6 stand-in:');
  expect(run.summary).toContain(`<h3>Load test of ${base}</h3>`);
  expect(run.summary).toMatch(/<td>Requests<\/td><td>\d+ \([\d.]+\/s\)<\/td>/);
  expect(run.summary).toContain('<td>Error rate</td><td>0.00 %</td>');
  expect(run.summary).toContain('<td>Threshold p95 &lt; 100 ms</td><td>passed</td>');
  expect(run.summary).toContain('<td>Threshold error rate ≤ 0.01</td><td>passed</td>');
});

test('a slow server crosses the p95 threshold and the job says so', async () => {
  const run = await loadTest('slow', { paths: '/slow' });
  expect(run.result.conclusion).toBe('failure');
  // The server waits 150 ms, so the p95 is at least that; how much more depends on the machine.
  const p95 = /^threshold p95-ms crossed: p95 (\d+\.\d) ms ≥ 100 ms$/.exec(run.errors[0] ?? '');
  expect(p95).not.toBeNull();
  expect(Number(p95![1])).toBeGreaterThanOrEqual(150);
  expect(run.summary).toContain('<td>Threshold p95 &lt; 100 ms</td><td>crossed</td>');
  expect(run.summary).toContain('<td>Threshold error rate ≤ 0.01</td><td>passed</td>');
});

test.each([
  ['500s', '/broken'],
  ['a paused environment (its page answers 200)', '/paused'],
])('%s cross the error-rate threshold', async (_what, path) => {
  const run = await loadTest(`errors${path.replace('/', '-')}`, { paths: path });
  expect(run.result.conclusion).toBe('failure');
  expect(run.errors[0]).toMatch(
    /^threshold error-rate crossed: 1\.0000 > 0\.01 \(bad status or paused page\)$/,
  );
  expect(run.summary).toContain('<td>Threshold error rate ≤ 0.01</td><td>crossed</td>');
});

test.each([
  [{ url: 'ftp://example.com' }, "input url must be an http(s) URL, got 'ftp://example.com'"],
  [{ 'p95-ms': '0' }, "input p95-ms must be a number of milliseconds above 0, got '0'"],
  [{ 'error-rate': '2' }, "input error-rate must be a number from 0 to 1, got '2'"],
  [{ duration: 'forever' }, "input duration must be a k6 duration like 30s or 2m, got 'forever'"],
])('%o is refused before any load, naming the input', async (inputs, error) => {
  const run = await loadTest('bad', inputs);
  expect(run.result.conclusion).toBe('failure');
  expect(run.errors[0]).toBe(error);
  expect(run.log).not.toContain('k6 stand-in:');
});

describe("the rehearsal's k6 metrics", () => {
  test('percentiles interpolate between closest ranks', () => {
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48);
    expect(percentile([10, 20, 30, 40, 50], 50)).toBe(30);
    expect(percentile([], 95)).toBe(0);
  });
  // Old: two checks per request, so every request failing its status read as 50 %.
  test.each([
    ['every request fails', [false, false, false, false], 1],
    ['none fails', [true, true], 0],
    ['one of four fails', [true, false, true, true], 0.25],
  ])('error rate = failed requests ÷ requests: %s', (_what, ok, rate) => {
    const s = summarise(
      ok.map((passed) => ({ ms: 10, failed: !passed, checks: [passed] })),
      1,
    ).metrics;
    expect(1 - (s['checks']!['value'] as number)).toBeCloseTo(rate);
  });

  test('the summary counts requests, failures and checks as k6 names them', () => {
    const s = summarise(
      [
        { ms: 10, failed: false, checks: [true, true] },
        { ms: 30, failed: true, checks: [false, true] },
      ],
      2,
    ).metrics;
    expect(s['http_reqs']).toEqual({ count: 2, rate: 1 });
    expect(s['http_req_failed']!['value']).toBe(0.5);
    expect(s['checks']!['value']).toBe(0.75);
    expect(s['http_req_duration']!['avg']).toBe(20);
  });
  test.each([
    ['p(95)<500', { 'p(95)': 499 }, true],
    ['p(95)<500', { 'p(95)': 500 }, false],
    ['rate>=0.99', { value: 0.99 }, true],
    ['rate<0.01', { value: 0.01 }, false],
    ['avg<=200', { avg: 200 }, true],
  ])('%s against %o → %s', (expression, values, ok) => {
    expect(evaluateThreshold(expression, values)).toBe(ok);
  });
  test('an expression it does not know is an error, not a pass', () => {
    expect(() => evaluateThreshold('p(95) < soon', {})).toThrow('is not in a form');
  });
});
