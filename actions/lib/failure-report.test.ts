import { describe, expect, test } from '@jest/globals';
import {
  reportPath,
  SUMMARY_CELL,
  SUMMARY_EVENTS,
  SUMMARY_LINES,
  summaryNotes,
  summaryRows,
  type FailureReport,
} from './failure-report.ts';

const report = (events: number, lines: number): FailureReport => ({
  version: 1,
  action: 'rolling-update',
  createdAt: '2026-11-23T21:00:00.000Z',
  cluster: 'app',
  errors: ['ListTasks web: AccessDeniedException'],
  services: [
    {
      name: 'web',
      deploymentStartedAt: '2026-11-23T20:59:00.000Z',
      deployments: [{ serviceDeploymentArn: 'arn:sd', status: 'ROLLBACK_SUCCESSFUL', statusReason: 'crash' }],
      stagesSeen: [],
      events: Array.from({ length: events }, (_, i) => ({ message: `event ${i}` })),
      stoppedTasks: [
        {
          taskArn: 'arn:aws:ecs:us-east-1:1:task/app/abc123',
          stoppedReason: 'Essential container in task exited',
          stopCode: 'EssentialContainerExited',
          containers: [
            { name: 'app', exitCode: 3, logLines: Array.from({ length: lines }, (_, i) => `line ${i}`) },
          ],
        },
      ],
    },
  ],
});

describe('failure report summary', () => {
  test('one row a container: service, task id, stop data, exit code and the last lines', () => {
    const [row] = summaryRows(report(1, 50));
    expect(row!.slice(0, 6)).toEqual([
      'web',
      'abc123',
      'Essential container in task exited',
      'EssentialContainerExited',
      'app',
      3,
    ]);
    expect(row![6]).toBe(Array.from({ length: SUMMARY_LINES }, (_, i) => `line ${40 + i}`).join(' ⏎ '));
  });

  test('bounded: cells are clipped, only the last events are listed, read errors are named', () => {
    const long = report(SUMMARY_EVENTS + 5, 1);
    long.services![0]!.stoppedTasks[0]!.containers[0]!.logLines = ['x'.repeat(5000)];
    expect(String(summaryRows(long)[0]![6]).length).toBe(SUMMARY_CELL);
    const notes = summaryNotes(long, '/tmp/r.json');
    expect(notes[0]).toContain('/tmp/r.json');
    expect(notes.filter((n) => n.startsWith('Event:'))).toHaveLength(SUMMARY_EVENTS);
    expect(notes).toContain('5 earlier events are in the file.');
    expect(notes).toContain('Could not read: ListTasks web: AccessDeniedException');
    expect(notes).toContain('web: service deployment ROLLBACK_SUCCESSFUL at ?: crash');
  });

  test('the file goes to RUNNER_TEMP, named by action and time', () => {
    process.env['RUNNER_TEMP'] = '/runner/temp';
    expect(reportPath('rolling-update', new Date('2026-11-23T21:00:00.123Z'))).toBe(
      '/runner/temp/adhoc-actions-failure-rolling-update-2026-11-23T21-00-00-123Z.json',
    );
    delete process.env['RUNNER_TEMP'];
  });
});

describe('capture', () => {
  test('a failed read is recorded in the report and the rest is still captured', async () => {
    const { captureServices } = await import('./failure-report.ts');
    const denied = Object.assign(new Error('not allowed to ListTasks'), { name: 'AccessDeniedException' });
    const ecs = {
      send: async (command: { constructor: { name: string } }) => {
        if (command.constructor.name === 'ListTasksCommand') throw denied;
        if (command.constructor.name === 'DescribeServicesCommand') {
          return {
            services: [
              {
                serviceName: 'web',
                status: 'ACTIVE',
                events: [{ createdAt: new Date(2_000_000), message: '(service web) has started 1 tasks' }],
              },
            ],
          };
        }
        return {};
      },
    };
    const errors: string[] = [];
    const [web] = await captureServices(
      { ecs: ecs as never, logs: {} as never, taskDefinition: async () => undefined },
      'app',
      [{ name: 'web', startedAt: 1_500_000, taskDefinitions: ['arn:td:2'] }],
      errors,
    );
    expect(errors).toEqual(['ListTasks web: AccessDeniedException: not allowed to ListTasks']);
    expect(web!.stoppedTasks).toEqual([]);
    expect(web!.events).toEqual([
      { createdAt: new Date(2_000_000).toISOString(), message: '(service web) has started 1 tasks' },
    ]);
  });
});
