import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CostInputError } from '../../actions/lib/cost/estimate.ts';
import { parseArgs, run } from './main.ts';
import { loadPrices } from '../../actions/lib/cost/prices.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('npm run cost', () => {
  it('prints both examples with per-service lines, the shares, the price date and the sources', () => {
    const out = run([]);
    const prices = loadPrices();
    expect(out).toContain(`list prices of ${prices.date}`);
    expect(out).toContain('ad-hoc (feature-abc) in us-east-1');
    expect(out).toContain('prod in us-east-1');
    for (const service of ['gunicorn', 'celery', 'beat', 'frontend', 'redis']) {
      expect(out).toContain(`Fargate: ${service}:`);
    }
    expect(out).toMatch(/Fargate: gunicorn: 0\.5 vCPU \/ 1 GB × 2 \(2 on-demand\) +1\.18 USD +36\.04 USD/);
    expect(out).toMatch(/Fargate: gunicorn: 0\.25 vCPU \/ 0\.5 GB × 1 \(1 Spot\)/);
    expect(out).toContain('RDS PostgreSQL');
    expect(out).toContain('usage-based, not estimated:\n    - S3 bucket');
    expect(out).toContain('    - gunicorn autoscaling up to 10 tasks: at most');
    for (const source of prices.sources) expect(out).toContain(source);
  });

  it('splits the shared stack over --environments and honours --region', () => {
    const out = run(['ad-hoc', '--region', 'eu-west-1', '--environments', '4']);
    expect(out).toContain('ad-hoc (feature-abc) in eu-west-1');
    expect(out).toContain('split over 4 environments');
    expect(out).toContain('1/4 of 1 ALB');
    expect(out).not.toContain('prod in');
  });

  it('refuses bad arguments with one line naming them', () => {
    expect(() => parseArgs(['staging'])).toThrow(CostInputError);
    expect(() => parseArgs(['--environments', '0'])).toThrow(
      '--environments: must be a whole number >= 1, got "0"',
    );
    expect(() => parseArgs(['--region'])).toThrow('--region: needs a value');
    expect(() => run(['--region', 'ap-south-1'])).toThrow(/^region: no prices for "ap-south-1"/);
  });

  it('runs as the npm script says, and exits 1 with one line on an unknown region', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.cost).toBe('node scripts/cost/main.ts');
    const node = `${ROOT}node_modules/.bin/node`;
    const ok = spawnSync(node, ['scripts/cost/main.ts', 'prod'], { cwd: ROOT, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('prod in us-east-1');
    const bad = spawnSync(node, ['scripts/cost/main.ts', '--region', 'mars-1'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toEqual([
      'cost: region: no prices for "mars-1" (the table has us-east-1, us-west-2, eu-west-1, eu-central-1)',
    ]);
  });
});
