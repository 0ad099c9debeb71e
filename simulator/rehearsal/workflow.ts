import { readFile } from 'node:fs/promises';
import {
  convertWorkflowTemplate,
  isMapping,
  isSequence,
  NoOperationTraceWriter,
  parseWorkflow,
  type WorkflowTemplate,
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';

/**
 * A workflow file read by GitHub's own parser: `template` is the converted model (jobs, needs,
 * `if:` with the implicit success() added, step ids as the runner names them); `raw` is the
 * parsed token tree, for what the model leaves out (`with:`, `working-directory`, `shell`,
 * `timeout-minutes`, `defaults`, `on.workflow_call.outputs`).
 */
export interface LoadedWorkflow {
  file: string;
  template: WorkflowTemplate;
  raw: MappingToken;
}

export async function loadWorkflow(file: string): Promise<LoadedWorkflow> {
  const content = await readFile(file, 'utf8');
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors();
  if (errors.length > 0 || !parsed.value) {
    throw new Error(`${file} is not a valid workflow: ${errors.map((e) => e.message).join('; ')}`);
  }
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  if (template.errors?.length) {
    throw new Error(`${file} is not a valid workflow: ${template.errors.map((e) => e.Message).join('; ')}`);
  }
  if (!isMapping(parsed.value)) throw new Error(`${file}: the workflow is not a mapping`);
  return { file, template, raw: parsed.value };
}

/** The token at a path of mapping keys and sequence indexes, or undefined. */
export function at(
  token: TemplateToken | undefined,
  ...path: (string | number)[]
): TemplateToken | undefined {
  let current = token;
  for (const key of path) {
    if (current === undefined) return undefined;
    if (typeof key === 'number')
      current = isSequence(current) && key < current.count ? current.get(key) : undefined;
    else current = isMapping(current) ? current.find(key) : undefined;
  }
  return current;
}
