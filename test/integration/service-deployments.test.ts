import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { startEmulator, type Emulator, OPERATOR_CREDENTIALS } from '../../simulator/aws/index.ts';
import { seedRollout, waitFor } from '../../simulator/fixtures/rollout.ts';

// The emulator's ECS service deployments, through the real SDK client.
jest.setTimeout(30_000);

let emulator: Emulator;
let ecs: ECSClient;

beforeEach(async () => {
  emulator = await startEmulator();
  emulator.setTiming({ provisionMs: 10, startMs: 100, stopMs: 30 });
  emulator.setDeploymentTiming({ minuteMs: 200, stageMs: 50 });
  emulator.createCluster('app');
  ecs = new ECSClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: OPERATOR_CREDENTIALS,
    maxAttempts: 1,
  });
});
afterEach(async () => {
  ecs.destroy();
  await emulator.stop();
});

const current = (name: string) =>
  emulator.services().find((s) => s.serviceName === name)!.currentServiceDeployment!;
const record = (arn: string) => emulator.serviceDeployments().find((d) => d.serviceDeploymentArn === arn)!;

async function describe1(arn: string): Promise<ServiceDeployment> {
  const { serviceDeployments = [] } = await ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }),
  );
  return serviceDeployments[0]!;
}

describe('emulated service deployments', () => {
  test('a rolling update is SUCCESSFUL once new tasks run, while old ones still drain', async () => {
    await seedRollout(emulator, ['web']);
    emulator.setTiming({ stopMs: 3000 });
    const { service } = await ecs.send(
      new UpdateServiceCommand({ cluster: 'app', service: 'web', taskDefinition: 'web:2' }),
    );
    const arn = service!.currentServiceDeployment!;
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:service-deployment\/app\/web\/\d+$/);
    expect((await describe1(arn)).status).toBe('IN_PROGRESS');
    await waitFor(() => record(arn).status === 'SUCCESSFUL');
    const { services = [] } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'app', services: ['web'] }),
    );
    // ECS's own rollout is still draining the old tasks.
    expect(services[0]!.deployments).toHaveLength(2);
    expect(services[0]!.currentServiceDeployment).toBe(arn);
    const { serviceDeployments } = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster: 'app', service: 'web' }),
    );
    expect(serviceDeployments?.map((d) => [d.serviceDeploymentArn, d.status])).toEqual([[arn, 'SUCCESSFUL']]);
  });

  test('DescribeServiceDeployments: 20 ARNs at most, MISSING for unknown ones', async () => {
    const ghost = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/app/web/1';
    await expect(
      ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: Array(21).fill(ghost) })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const { serviceDeployments, failures } = await ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [ghost] }),
    );
    expect(serviceDeployments).toEqual([]);
    expect(failures).toEqual([{ arn: ghost, reason: 'MISSING' }]);
    await expect(
      ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: ghost, hookId: 'x' })),
    ).rejects.toMatchObject({ name: 'ServiceDeploymentNotFoundException' });
    await expect(
      ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: ghost, stopType: 'ROLLBACK' })),
    ).rejects.toMatchObject({ name: 'ServiceDeploymentNotFoundException' });
  });

  test('blue/green pauses at a PAUSE hook; continuing it bakes, cleans up and succeeds; a second continue is refused', async () => {
    await seedRollout(emulator, ['web'], {
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
      },
    });
    await ecs.send(new UpdateServiceCommand({ cluster: 'app', service: 'web', taskDefinition: 'web:2' }));
    const arn = current('web');
    await waitFor(() => record(arn).lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION');
    const paused = await describe1(arn);
    expect(paused).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' });
    const hook = paused.lifecycleHookDetails![0]!;
    expect(hook).toMatchObject({ targetType: 'PAUSE', timeoutAction: 'ROLLBACK' });
    // Blue still runs beside green while paused.
    expect(emulator.tasks().filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(4);
    await ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId! }));
    await waitFor(() => record(arn).lifecycleStage === 'BAKE_TIME');
    await expect(
      ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId! })),
    ).rejects.toMatchObject({ name: 'ClientException' });
    await waitFor(() => record(arn).status === 'SUCCESSFUL');
    expect(emulator.services()[0]!.taskDefinition).toMatch(/web:2$/);
  });

  test('StopServiceDeployment ROLLBACK returns to the old revision; a finished deployment cannot be stopped', async () => {
    await seedRollout(emulator, ['web']);
    emulator.setTaskBehavior('web:2', { exitAfterMs: 50, exitCode: 1 });
    await ecs.send(new UpdateServiceCommand({ cluster: 'app', service: 'web', taskDefinition: 'web:2' }));
    const arn = current('web');
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    expect((await describe1(arn)).status).toBe('ROLLBACK_IN_PROGRESS');
    await waitFor(() => record(arn).status === 'ROLLBACK_SUCCESSFUL');
    expect(emulator.services()[0]!.taskDefinition).toMatch(/web:1$/);
    await expect(
      ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })),
    ).rejects.toMatchObject({ name: 'ConflictException' });
  });

  test('a pause hook that times out rolls back by default', async () => {
    await seedRollout(emulator, ['web'], {
      deploymentConfiguration: {
        strategy: 'CANARY',
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 1 },
        lifecycleHooks: [
          {
            targetType: 'PAUSE',
            lifecycleStages: ['POST_SCALE_UP'],
            timeoutConfiguration: { timeoutInMinutes: 2 },
          },
        ],
      },
    });
    await ecs.send(new UpdateServiceCommand({ cluster: 'app', service: 'web', taskDefinition: 'web:2' }));
    const arn = current('web');
    await waitFor(() => record(arn).status === 'ROLLBACK_SUCCESSFUL');
    expect(record(arn).lifecycleHookDetails![0]!.status).toBe('TIMED_OUT');
    expect(emulator.services()[0]!.taskDefinition).toMatch(/web:1$/);
  });
});
