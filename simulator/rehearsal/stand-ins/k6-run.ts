/**
 * The rehearsal's `k6 run`: what load-test.yml asks of k6, on this machine without k6. It does NOT
 * run the JavaScript: it checks the script is load-test.yml's default one and reproduces its
 * behaviour (virtual users GET each path of TARGET_PATHS on TARGET_URL in turn; a check fails on a
 * status outside 2xx/3xx or a paused page), then evaluates the config's thresholds in k6's syntax
 * and writes the summary export in k6's shape. Exit 99 when a threshold is crossed, as k6 does.
 * Anything else (another script, another option) fails loudly.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { evaluateThreshold, summarise, type Sample } from './k6-metrics.ts';

function fail(message: string): never {
  console.log(`::error::[rehearsal] k6: ${message}`);
  process.exit(1);
}

const [command, ...args] = process.argv.slice(2);
if (command !== 'run') fail(`only "k6 run" is modelled, not "k6 ${command ?? ''}"`);
let config: string | undefined;
let summaryExport: string | undefined;
let script: string | undefined;
const env: Record<string, string> = {};
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === '--config') config = args[++i];
  else if (arg === '--summary-export') summaryExport = args[++i];
  else if (arg === '-e') {
    const pair = args[++i] ?? '';
    env[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
  } else if (arg === '--quiet') continue;
  else if (arg.startsWith('-')) fail(`option ${arg} is not modelled`);
  else script = arg;
}
if (!script || !readFileSync(script, 'utf8').includes('// adhoc-actions default load test'))
  fail("only load-test.yml's default script is modelled (the rehearsal does not run JavaScript)");
if (!config) fail('--config is required here');
const options = JSON.parse(readFileSync(config, 'utf8')) as {
  vus: number;
  duration: string;
  thresholds: Record<string, string[]>;
};
const unit = { s: 1000, m: 60_000, h: 3_600_000 } as const;
const match = /^(\d+)([smh])$/.exec(options.duration);
if (!match) fail(`duration ${options.duration} is not modelled`);
const durationMs = Number(match[1]) * unit[match[2] as keyof typeof unit];
const base = (env['TARGET_URL'] ?? '').replace(/\/$/, '');
const paths = (env['TARGET_PATHS'] ?? '/').split(',');

const samples: Sample[] = [];
const started = Date.now();
async function virtualUser(): Promise<void> {
  while (Date.now() - started < durationMs) {
    for (const path of paths) {
      const t0 = performance.now();
      let status = 0;
      let body = '';
      try {
        const response = await fetch(base + path, { redirect: 'manual' });
        status = response.status;
        body = await response.text();
      } catch {
        status = 0;
      }
      samples.push({
        ms: performance.now() - t0,
        failed: status === 0 || status >= 400,
        checks: [status >= 200 && status < 400 && !body.includes('adhoc-actions: paused')],
      });
    }
  }
}
await Promise.all(Array.from({ length: options.vus }, virtualUser));
const summary = summarise(samples, (Date.now() - started) / 1000);
let crossed = false;
for (const [metric, expressions] of Object.entries(options.thresholds ?? {})) {
  const values = summary.metrics[metric];
  if (!values) fail(`threshold on metric ${metric} is not modelled`);
  values.thresholds = {};
  for (const expression of expressions) {
    const ok = evaluateThreshold(expression, values);
    values.thresholds[expression] = !ok;
    if (!ok) {
      crossed = true;
      console.log(`✗ ${metric}: ${expression}`);
    }
  }
}
if (summaryExport) writeFileSync(summaryExport, JSON.stringify(summary, null, 2));
console.log(
  `[rehearsal] k6 stand-in: ${samples.length} requests from ${options.vus} virtual users in ${options.duration}`,
);
process.exit(crossed ? 99 : 0);
