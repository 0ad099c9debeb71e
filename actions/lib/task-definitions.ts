import {
  DescribeTaskDefinitionCommand,
  type ECSClient,
  type Tag,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';

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
