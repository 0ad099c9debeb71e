import { describe, expect, test } from '@jest/globals';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import {
  applyChanges,
  imageRepository,
  sameDefinition,
  toRegisterInput,
  type RegisterInput,
} from './render.ts';

const described = {
  family: 'web',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:4',
  revision: 4,
  status: 'ACTIVE',
  requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
  compatibilities: ['EC2', 'FARGATE'],
  registeredAt: new Date(0),
  registeredBy: 'arn:aws:iam::1:role/x',
  cpu: '256',
  volumes: [],
  aFieldFromNextYear: { enabled: true },
  containerDefinitions: [
    {
      name: 'web',
      image: '1.dkr.ecr.us-east-1.amazonaws.com/backend:v1',
      environment: [{ name: 'A', value: '1' }],
    },
    { name: 'proxy', image: 'nginx:1.27' },
  ],
} as unknown as TaskDefinition;

describe('toRegisterInput', () => {
  test('drops describe-only fields, keeps unknown ones, adds tags', () => {
    const input = toRegisterInput(described, [{ key: 'k', value: 'v' }]) as unknown as Record<
      string,
      unknown
    >;
    for (const field of [
      'taskDefinitionArn',
      'revision',
      'status',
      'requiresAttributes',
      'compatibilities',
      'registeredAt',
      'registeredBy',
    ]) {
      expect(input).not.toHaveProperty(field);
    }
    expect(input['aFieldFromNextYear']).toEqual({ enabled: true });
    expect(input['tags']).toEqual([{ key: 'k', value: 'v' }]);
    expect(described.revision).toBe(4);
  });
});

describe('applyChanges', () => {
  const base = () => [toRegisterInput(described)];
  const images = (defs: RegisterInput[]) => defs[0]!.containerDefinitions!.map((c) => c.image);

  test('images by container name and *', () => {
    expect(
      images(applyChanges(base(), { images: [{ container: 'web', image: 'x:2' }], environment: [] })),
    ).toEqual(['x:2', 'nginx:1.27']);
    expect(
      images(applyChanges(base(), { images: [{ container: '*', image: 'y' }], environment: [] })),
    ).toEqual(['y', 'y']);
  });

  test('image-tag retags only the repository given, by full name or path', () => {
    for (const repository of ['backend', '1.dkr.ecr.us-east-1.amazonaws.com/backend']) {
      const out = applyChanges(base(), { images: [], imageTag: { tag: 'v2', repository }, environment: [] });
      expect(images(out)).toEqual(['1.dkr.ecr.us-east-1.amazonaws.com/backend:v2', 'nginx:1.27']);
    }
    expect(() =>
      applyChanges(base(), { images: [], imageTag: { tag: 'v2', repository: 'frontend' }, environment: [] }),
    ).toThrow('Input "repository": no container of task definition "web" has an image from "frontend".');
  });

  test('a digest image-tag pins every image of the repository, whatever its current reference', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const definition = toRegisterInput({
      family: 'web',
      containerDefinitions: [
        { name: 'tagged', image: 'registry.example:5000/team/backend:v1' },
        { name: 'pinned', image: `registry.example:5000/team/backend@sha256:${'b'.repeat(64)}` },
        { name: 'both', image: `team/backend:v1@sha256:${'c'.repeat(64)}` },
        { name: 'bare', image: 'registry.example:5000/team/backend' },
        { name: 'other', image: 'registry.example:5000/team/frontend:v1' },
      ],
    });
    const out = applyChanges([definition], {
      images: [],
      imageTag: { tag: digest, repository: 'team/backend' },
      environment: [],
    });
    expect(out[0]!.containerDefinitions!.map((c) => c.image)).toEqual([
      `registry.example:5000/team/backend@${digest}`,
      `registry.example:5000/team/backend@${digest}`,
      `team/backend@${digest}`,
      `registry.example:5000/team/backend@${digest}`,
      'registry.example:5000/team/frontend:v1',
    ]);
  });

  test('environment overrides and adds, per container or all', () => {
    const [out] = applyChanges(base(), {
      images: [],
      environment: [
        { name: 'A', value: '2' },
        { container: 'proxy', name: 'B', value: '3' },
      ],
    });
    expect(out!.containerDefinitions![0]!.environment).toEqual([{ name: 'A', value: '2' }]);
    expect(out!.containerDefinitions![1]!.environment).toEqual([
      { name: 'A', value: '2' },
      { name: 'B', value: '3' },
    ]);
  });

  test('an unknown container is an error naming it and the known ones', () => {
    expect(() =>
      applyChanges(base(), { images: [{ container: 'wbe', image: 'x' }], environment: [] }),
    ).toThrow('Input "images": container "wbe" is not in task definition "web" (containers: web, proxy).');
    expect(() =>
      applyChanges(base(), { images: [], environment: [{ container: 'wbe', name: 'A', value: '' }] }),
    ).toThrow(/^Input "environment": container "wbe"/);
  });

  test('does not change its input', () => {
    const input = base();
    applyChanges(input, {
      images: [{ container: '*', image: 'z' }],
      environment: [{ name: 'N', value: 'v' }],
    });
    expect(input).toEqual(base());
  });
});

describe('sameDefinition', () => {
  const current = toRegisterInput(described);

  test('ignores empty lists, environment order, number formats and tags', () => {
    const next = structuredClone(current) as unknown as Record<string, unknown>;
    delete next['volumes'];
    next['cpu'] = 256;
    next['tags'] = [{ key: 'a', value: 'b' }];
    expect(sameDefinition(current, next as unknown as RegisterInput)).toBe(true);
  });

  test('sees a changed image, variable or container order', () => {
    const image = structuredClone(current);
    image.containerDefinitions![0]!.image = 'other';
    expect(sameDefinition(current, image)).toBe(false);

    const variable = structuredClone(current);
    variable.containerDefinitions![0]!.environment![0]!.value = '2';
    expect(sameDefinition(current, variable)).toBe(false);

    const order = structuredClone(current);
    order.containerDefinitions!.reverse();
    expect(sameDefinition(current, order)).toBe(false);
  });
});

test.each([
  ['nginx', 'nginx'],
  ['nginx:1.27', 'nginx'],
  ['localhost:5000/app:v1', 'localhost:5000/app'],
  ['localhost:5000/app', 'localhost:5000/app'],
  ['repo/app@sha256:abc', 'repo/app'],
])('imageRepository(%p) = %p', (image, repository) => {
  expect(imageRepository(image)).toBe(repository);
});
