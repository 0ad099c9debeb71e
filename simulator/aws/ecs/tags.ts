import { invalidParameter } from '../errors.ts';
import type { Operations } from '../protocol.ts';
import type { EmulatorState, Json, TaskDefinitionRecord } from '../state.ts';
import { findCluster } from './clusters.ts';
import { findTaskDefinition } from './task-definitions.ts';

type Tag = TaskDefinitionRecord['tags'][number];

/**
 * Tags of task definition revisions (what release history writes) and clusters (what the
 * environment module sets: paused, keep-until). Other resource types are refused, so a test
 * cannot pass by tagging something the code should not.
 */
function taggable(state: EmulatorState, arn: unknown): { tags: Tag[] } {
  const text = String(arn);
  if (/:task-definition\//.test(text)) {
    const record = findTaskDefinition(state, arn);
    if (record) return record;
  } else if (/:cluster\//.test(text)) {
    return findCluster(state, text);
  }
  throw invalidParameter(`The specified resource ${text} is not a task definition or a cluster.`);
}

export const tagOperations: Operations = {
  // A key already there gets the new value, like ECS.
  TagResource(state: EmulatorState, input: Json) {
    const record = taggable(state, input['resourceArn']);
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

  UntagResource(state: EmulatorState, input: Json) {
    const record = taggable(state, input['resourceArn']);
    const keys = (input['tagKeys'] as string[] | undefined) ?? [];
    record.tags = record.tags.filter((t) => !keys.includes(t.key));
    return {};
  },
};
