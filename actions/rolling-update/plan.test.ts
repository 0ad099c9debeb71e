import { describe, expect, test } from '@jest/globals';
import { chooseTarget, parseServiceLines, parseTaskDefinitionsJson } from './plan.ts';

const ARN = (family: string, revision: number) =>
  `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:${revision}`;

describe('parseServiceLines', () => {
  test('reads SERVICE and SERVICE=TASK_DEFINITION, service ARNs reduced to names', () => {
    expect(
      parseServiceLines([
        'web',
        'arn:aws:ecs:us-east-1:1:service/app/worker = worker:7',
        `beat=${ARN('beat', 2)}`,
      ]),
    ).toEqual([
      { line: 'web', service: 'web' },
      {
        line: 'arn:aws:ecs:us-east-1:1:service/app/worker = worker:7',
        service: 'worker',
        taskDefinition: 'worker:7',
        ref: { family: 'worker', revision: 7 },
      },
      {
        line: `beat=${ARN('beat', 2)}`,
        service: 'beat',
        taskDefinition: ARN('beat', 2),
        ref: { family: 'beat', revision: 2 },
      },
    ]);
  });

  test.each([
    ['a b', 'Input "services": line "a b" is not SERVICE or SERVICE=TASK_DEFINITION.'],
    ['=web:1', 'Input "services": line "=web:1" is not SERVICE or SERVICE=TASK_DEFINITION.'],
    [
      'web=web:x',
      'Input "services": line "web=web:x": "web:x" is not a family, family:revision or task definition ARN.',
    ],
  ])('rejects %p', (line, message) => {
    expect(() => parseServiceLines([line])).toThrow(message);
  });

  test('rejects a service given twice', () => {
    expect(() => parseServiceLines(['web', 'web=web:2'])).toThrow(
      'Input "services": service "web" is given twice.',
    );
  });
});

describe('parseTaskDefinitionsJson', () => {
  test('takes register-task-definition output as is', () => {
    expect(parseTaskDefinitionsJson({ web: ARN('web', 3) })).toEqual({ web: ARN('web', 3) });
    expect(parseTaskDefinitionsJson(undefined)).toBeUndefined();
  });

  test.each([[['x']], ['text'], [{ web: 3 }], [{ web: ARN('worker', 3) }]])('rejects %p', (value) => {
    expect(() => parseTaskDefinitionsJson(value)).toThrow(/^Input "task-definitions"/);
  });
});

describe('chooseTarget', () => {
  const [web, worker] = parseServiceLines(['web', `worker=${ARN('worker', 4)}`]);
  const json = { web: ARN('web', 3), worker: ARN('worker', 9) };

  test('a line naming a task definition wins, then the entry of the family the service runs', () => {
    expect(chooseTarget(worker!, ARN('worker', 2), json, false)).toEqual({
      taskDefinition: ARN('worker', 4),
      source: 'line',
    });
    expect(chooseTarget(web!, ARN('web', 2), json, false)).toEqual({
      taskDefinition: ARN('web', 3),
      source: 'task-definitions',
    });
  });

  test('a line naming another family is an error naming the line', () => {
    expect(() => chooseTarget(worker!, ARN('celery', 2), json, false)).toThrow(
      `Input "services": line "worker=${ARN('worker', 4)}" names family "worker", but service "worker" runs family "celery".`,
    );
  });

  test('no entry for the family: an error, unless a new deployment is forced', () => {
    expect(() => chooseTarget(web!, ARN('web', 2), { worker: ARN('worker', 9) }, false)).toThrow(
      'Input "task-definitions" has no entry for family "web" (service "web")',
    );
    expect(() => chooseTarget(web!, ARN('web', 2), undefined, false)).toThrow(
      'Input "services": line "web" names no task definition',
    );
    expect(chooseTarget(web!, ARN('web', 2), undefined, true)).toEqual({
      taskDefinition: ARN('web', 2),
      source: 'current',
    });
  });
});
