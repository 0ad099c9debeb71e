import * as core from '@actions/core';
import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  type ECSClient,
  type Tag,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { ConfigurationError } from './errors.ts';
import { registrarKey, trustsRegistrar, untrustedWarning, type Registrars } from './registrars.ts';

export interface DescribedTaskDefinition {
  taskDefinition: TaskDefinition;
  tags: Tag[];
}

/**
 * DescribeTaskDefinition with its tags; undefined when ECS does not know it (ECS says so with
 * a ClientException, the same type it uses for other mistakes, hence the message check).
 */
export async function describeTaskDefinition(
  ecs: ECSClient,
  taskDefinition: string,
): Promise<DescribedTaskDefinition | undefined> {
  try {
    const response = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] }));
    return response.taskDefinition && { taskDefinition: response.taskDefinition, tags: response.tags ?? [] };
  } catch (error) {
    if (
      error instanceof Error &&
      error.name === 'ClientException' &&
      /unable to describe/i.test(error.message)
    ) {
      return undefined;
    }
    throw error;
  }
}

/**
 * The newest ACTIVE revision of `family` that a trusted registrar registered (undefined for a
 * family with no revision yet). Newer revisions someone else registered are skipped with a
 * warning each; a family with revisions but none trusted is an error naming `input`.
 */
export async function newestTrustedRevision(
  ecs: ECSClient,
  family: string,
  registrars: Registrars,
  input: string,
): Promise<DescribedTaskDefinition | undefined> {
  const latest = await describeTaskDefinition(ecs, family);
  if (!latest) return undefined;
  if (trustsRegistrar(registrars, latest.taskDefinition.registeredBy)) return latest;
  core.warning(
    untrustedWarning(
      latest.taskDefinition.taskDefinitionArn!,
      latest.taskDefinition.registeredBy,
      registrars,
    ),
  );
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(
      new ListTaskDefinitionsCommand({
        familyPrefix: family,
        status: 'ACTIVE',
        sort: 'DESC',
        ...(nextToken && { nextToken }),
      }),
    );
    for (const arn of page.taskDefinitionArns ?? []) {
      if (arn === latest.taskDefinition.taskDefinitionArn) continue;
      const described = await describeTaskDefinition(ecs, arn);
      if (!described) continue;
      if (trustsRegistrar(registrars, described.taskDefinition.registeredBy)) return described;
      core.warning(untrustedWarning(arn, described.taskDefinition.registeredBy, registrars));
    }
    nextToken = page.nextToken;
  } while (nextToken);
  throw new ConfigurationError(
    `Input "${input}": no ACTIVE revision of ${family} was registered by this deploy's role (${registrarKey(registrars.self)}); name a revision (${family}:N) or add its registrar to trusted-registrars.`,
  );
}
