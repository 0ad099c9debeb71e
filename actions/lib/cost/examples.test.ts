import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { adHoc, prod } from './examples.ts';

// examples.ts restates Terraform values as data; these checks fail when the Terraform changes
// without it. Whitespace is collapsed so formatting changes do not matter.
const read = (path: string): string =>
  readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8').replace(/\s+/g, ' ');

describe('example environments match the Terraform example roots', () => {
  it('prod: task sizes, counts, capacity providers and database', () => {
    const tf = read('terraform/examples/prod/main.tf');
    expect(tf).toContain(
      '{ capacity_provider = "FARGATE", weight = 1, base = 2 }, { capacity_provider = "FARGATE_SPOT", weight = 1 },',
    );
    expect(tf).toContain('gunicorn = { cpu = 512, memory = 1024 } celery = { cpu = 512, memory = 1024 }');
    expect(tf).toContain('desired_counts = { gunicorn = 2, celery = 1, frontend = 2 }');
    expect(tf).toContain('db_instance_class = "db.t4g.medium" db_multi_az = true');
    expect(tf).toContain('enable_nat_gateway = true');
    expect(tf).toContain('gunicorn_scaling = { min_count = 2, max_count = 10,');
    expect(tf).toContain('celery_scaling = { min_count = 1, max_count = 6,');
    expect(tf).toContain('container_insights = true');
    const p = prod('us-east-1');
    expect(p.services.map((s) => s.maxCount)).toEqual([10, 6, undefined, undefined, undefined]);
    expect(p.services.map((s) => [s.name, s.cpu, s.memory, s.desiredCount])).toEqual([
      ['gunicorn', 512, 1024, 2],
      ['celery', 512, 1024, 1],
      ['beat', 256, 512, 1],
      ['frontend', 256, 512, 2],
      ['redis', 256, 512, 1],
    ]);
  });

  it('ad hoc: module defaults (256/512, one task each, FARGATE_SPOT) on the shared stack without NAT', () => {
    const vars = read('terraform/modules/environment/variables.tf');
    expect(vars).toContain('default = [{ capacity_provider = "FARGATE_SPOT", weight = 1 }]');
    expect(read('terraform/modules/environment/main.tf')).toContain('c => { cpu = 256, memory = 512 }');
    expect(vars).toMatch(
      /gunicorn = optional\(number, 1\) celery = optional\(number, 1\) frontend = optional\(number, 1\)/,
    );
    const sharedVars = read('terraform/modules/shared/variables.tf');
    expect(sharedVars).toMatch(/variable "enable_nat_gateway" \{[^}]*default = false/);
    expect(sharedVars).toMatch(/variable "db_instance_class" \{[^}]*default = "db.t4g.micro"/);
    expect(sharedVars).toMatch(/variable "db_allocated_storage" \{[^}]*default = 20/);
    expect(read('terraform/examples/ad-hoc/envs/feature-abc.tfvars')).not.toMatch(
      /task_sizes|desired_counts|capacity_provider/,
    );
    const a = adHoc('us-east-1', 3);
    expect(a.services.every((s) => s.cpu === 256 && s.memory === 512 && s.desiredCount === 1)).toBe(true);
    expect(a.capacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]);
    expect(a.tasksHavePublicIp).toBe(true);
    expect(a.shared.environments).toBe(3);
  });
});
