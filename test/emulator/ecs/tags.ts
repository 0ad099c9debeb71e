import { invalidParameter } from '../errors.ts';
import type { Operations } from '../protocol.ts';
import type { EmulatorState, Json, TaskDefinitionRecord } from '../state.ts';
import { findTaskDefinition } from './task-definitions.ts';

type Tag = TaskDefinitionRecord['tags'][number];

/**
 * TagResource for task definition revisions (what release history writes): a key already
 * there gets the new value, like ECS. Other resource types are refused, so a test cannot
 * pass by tagging something the action should not.
 */
export const tagOperations: Operations = {
  TagResource(state: EmulatorState, input: Json) {
    const arn = input['resourceArn'];
    const record = /:task-definition\//.test(String(arn)) ? findTaskDefinition(state, arn) : undefined;
    if (!record) throw invalidParameter(`The specified resource ${String(arn)} is not a task definition.`);
    const tags = (input['tags'] as Tag[] | undefined) ?? [];
    for (const tag of tags) {
      if (!tag.key || tag.key.length > 128 || (tag.value ?? '').length > 256) {
        throw invalidParameter(
          `Tag ${JSON.stringify(tag)} is invalid: keys are 1-128 characters, values up to 256.`,
        );
      }
      const existing = record.tags.find((t) => t.key === tag.key);
      if (existing) existing.value = tag.value;
      else record.tags.push({ ...tag });
    }
    return {};
  },
};
