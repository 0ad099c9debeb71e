import * as core from '@actions/core';
import {
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  paginateListTaskDefinitions,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { ecsClient } from '../lib/aws.ts';
import { getSettings } from './settings.ts';

/** Every revision of `family` with this status, oldest first. */
async function revisions(ecs: ECSClient, family: string, status: 'ACTIVE' | 'INACTIVE'): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListTaskDefinitions({ client: ecs }, { familyPrefix: family, status })) {
    arns.push(...(page.taskDefinitionArns ?? []));
  }
  return arns;
}

export async function main(): Promise<void> {
  const { region, families } = getSettings();
  const ecs = ecsClient(region);
  const deleted: Record<string, number> = {};
  try {
    for (const family of families) {
      // ECS deletes only INACTIVE revisions: deregister the ACTIVE ones first.
      for (const arn of await revisions(ecs, family, 'ACTIVE')) {
        await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
      }
      const inactive = await revisions(ecs, family, 'INACTIVE');
      deleted[family] = 0;
      for (let i = 0; i < inactive.length; i += 10) {
        const answer = await ecs.send(
          new DeleteTaskDefinitionsCommand({ taskDefinitions: inactive.slice(i, i + 10) }),
        );
        deleted[family] += answer.taskDefinitions?.length ?? 0;
        for (const failure of answer.failures ?? []) {
          throw new Error(
            `DeleteTaskDefinitions refused ${failure.arn}: ${failure.reason}${failure.detail ? ` (${failure.detail})` : ''}`,
          );
        }
      }
      core.info(`${family}: ${deleted[family]} revision(s) deregistered and deleted.`);
    }
  } finally {
    ecs.destroy();
  }
  core.setOutput('deleted', JSON.stringify(deleted));
}
