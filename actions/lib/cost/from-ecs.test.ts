import { describe, expect, it } from '@jest/globals';
import type { Service, TaskDefinition } from '@aws-sdk/client-ecs';
import { CostInputError, estimate, type PriceTable } from './estimate.ts';
import { adHoc } from './examples.ts';
import { servicesFromEcs } from './from-ecs.ts';
import { loadPrices } from './prices.ts';

// Shapes as DescribeServices and DescribeTaskDefinition return them.
const td = (arn: string, cpu: string, memory: string): TaskDefinition => ({
  taskDefinitionArn: arn,
  cpu,
  memory,
});
const tds = {
  'arn:td/web:3': td('arn:td/web:3', '512', '1024'),
  'arn:td/worker:1': td('arn:td/worker:1', '256', '512'),
};

describe('servicesFromEcs', () => {
  it('maps services and their task definitions to the estimate input', () => {
    const services: Service[] = [
      {
        serviceName: 'pr-7-gunicorn',
        desiredCount: 2,
        taskDefinition: 'arn:td/web:3',
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }],
      },
      {
        serviceName: 'pr-7-celery',
        desiredCount: 0,
        taskDefinition: 'arn:td/worker:1',
        launchType: 'FARGATE',
      },
    ];
    expect(servicesFromEcs(services, tds)).toEqual([
      {
        name: 'pr-7-gunicorn',
        cpu: 512,
        memory: 1024,
        desiredCount: 2,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }],
      },
      {
        name: 'pr-7-celery',
        cpu: 256,
        memory: 512,
        desiredCount: 0,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      },
    ]);
  });

  it('feeds estimate(): a per-service strategy overrides the environment one', () => {
    const prices: PriceTable = loadPrices();
    const services = servicesFromEcs(
      [{ serviceName: 'web', desiredCount: 1, taskDefinition: 'arn:td/web:3', launchType: 'FARGATE' }],
      tds,
    );
    // On-demand us-east-1: 0.5 × 0.04048 + 1 × 0.004445 = 0.024685/h; × 730 = 18.02005 a month,
    // although the ad hoc environment's own strategy is Spot.
    const e = estimate({ ...adHoc('us-east-1', 1), services }, prices);
    expect(e.lines.find((l) => l.item === 'Fargate: web')?.monthly).toBeCloseTo(18.02005, 8);
  });

  it('refuses what it cannot price, naming the service', () => {
    expect(() => servicesFromEcs([{ serviceName: 'web', taskDefinition: 'arn:td/missing:1' }], tds)).toThrow(
      new CostInputError('service web: task definition arn:td/missing:1 not given'),
    );
    expect(() =>
      servicesFromEcs([{ serviceName: 'web', taskDefinition: 'x' }], { x: { taskDefinitionArn: 'x' } }),
    ).toThrow('service web: task definition x has no task-level cpu/memory');
    expect(() =>
      servicesFromEcs(
        [
          {
            serviceName: 'web',
            taskDefinition: 'arn:td/web:3',
            capacityProviderStrategy: [{ capacityProvider: 'my-asg' }],
          },
        ],
        tds,
      ),
    ).toThrow('service web: capacity provider my-asg is not priced');
  });
});
