import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NoOperationTraceWriter } from '@actions/workflow-parser';
import {
  convertActionTemplate,
  parseAction,
  type ActionTemplate,
} from '@actions/workflow-parser/actions/index';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import type { Step } from '@actions/workflow-parser/model/workflow-template';
import {
  asString,
  evaluateStrings,
  evaluateToken,
  truthy,
  type Contexts,
  type Json,
  type Scope,
} from './expressions.ts';
import type { Run } from './engine.ts';
import { at } from './workflow.ts';

/** An action.yml read by GitHub's own action parser, with its token tree for what the model drops. */
export interface LoadedAction {
  file: string;
  dir: string;
  template: ActionTemplate;
  raw: TemplateToken;
}

export async function loadAction(dir: string): Promise<LoadedAction> {
  const file = join(dir, 'action.yml');
  const content = await readFile(file, 'utf8');
  const parsed = parseAction({ name: file, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors();
  if (errors.length > 0 || !parsed.value)
    throw new Error(`${file} is not a valid action: ${errors.map((e) => e.message).join('; ')}`);
  const template = convertActionTemplate(parsed.context, parsed.value);
  return { file, dir, template, raw: parsed.value };
}

/**
 * The action's inputs as the runner computes them: `with:` values, else the default (an
 * expression evaluated in the caller's contexts); an undeclared input is a warning.
 */
export function actionInputs(
  action: LoadedAction,
  given: Record<string, string>,
  scope: Scope,
  warn: (message: string) => void,
): Record<string, string> {
  const declared = action.template.inputs ?? [];
  const names = declared.map((input) => input.id);
  const unexpected = Object.keys(given).filter((name) => !names.includes(name));
  if (unexpected.length > 0)
    warn(`Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ${names.join(', ')}`);
  const inputs: Record<string, string> = {};
  for (const input of declared)
    inputs[input.id] = given[input.id] ?? asString(evaluateToken(input.default, scope));
  return inputs;
}

/** What the composite runner needs from steps.ts (passed in to avoid an import cycle). */
export interface CompositeStep {
  title: string;
  step: Step;
  env: Record<string, string>;
  path: string[];
  with: Record<string, string>;
  run: string | undefined;
  shell: string;
  workingDirectory: string;
  contexts: Contexts;
  actionPath: string;
}

export interface CompositeResult {
  ok: boolean;
  outputs: Record<string, string>;
  env: Record<string, string>;
  path: string[];
}

/**
 * A `runs.using: composite` action, as the runner runs it: its steps in order with their own
 * `steps` context, `inputs`, `github.action_path` / GITHUB_ACTION_PATH, `if:` (success() by
 * default), env and PATH changes seen by later steps and by the job after it, and the outputs
 * action.yml maps from its steps.
 */
export async function runComposite(
  run: Run,
  action: LoadedAction,
  inputs: Record<string, string>,
  outer: { env: Record<string, string>; path: string[]; contexts: Contexts; workspace: string },
  runOne: (step: CompositeStep, print: (line: string) => void) => Promise<CompositeResult>,
  print: (line: string) => void,
): Promise<CompositeResult> {
  const runs = action.template.runs;
  if (runs?.using !== 'composite') throw new Error(`${action.file}: runs.using is not composite`);
  const rawSteps = at(at(action.raw, 'runs'), 'steps');
  const steps: Record<string, Json> = {};
  const github = { ...(outer.contexts['github'] as Record<string, Json>), action_path: action.dir };
  const contexts: Contexts = { ...outer.contexts, github, inputs, steps };
  const scope: Scope = { contexts, status: 'success' };
  const exported: Record<string, string> = {};
  const path: string[] = [];
  for (const [index, step] of runs.steps.entries()) {
    const raw = at(rawSteps, index);
    const env = { ...outer.env, ...exported };
    contexts['env'] = env;
    const title = step.name
      ? asString(evaluateToken(step.name, scope))
      : 'uses' in step
        ? `Run ${step.uses.value}`
        : 'run' in step
          ? `Run ${asString(evaluateToken(step.run, scope)).trim().split('\n')[0]}`
          : `step ${index + 1}`;
    print(`▸ ${index + 1}/${runs.steps.length}: ${title}`);
    if (step.if && !truthy(evaluateToken(step.if, scope))) {
      print(`  skipped (if: ${step.if.expression})`);
      if (step.id) steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    let result: CompositeResult;
    try {
      const stepEnv = { ...env, ...evaluateStrings('env' in step ? step.env : undefined, scope) };
      contexts['env'] = stepEnv;
      const shell = asString(evaluateToken(at(raw, 'shell'), scope));
      if ('run' in step && shell === '')
        throw new Error(
          `${action.file}: step ${index + 1} has run: without shell: (required in composite actions)`,
        );
      const workingDirectory = asString(evaluateToken(at(raw, 'working-directory'), scope));
      result = await runOne(
        {
          title,
          step,
          env: stepEnv,
          path: [...path, ...outer.path],
          with: evaluateStrings(at(raw, 'with'), scope),
          run: 'run' in step ? asString(evaluateToken(step.run, scope)) : undefined,
          shell,
          workingDirectory: join(outer.workspace, workingDirectory),
          contexts,
          actionPath: action.dir,
        },
        (line) => print(`  ${line}`),
      );
    } catch (error) {
      print(`  Error: ${(error as Error).message}`);
      run.annotations.push({ level: 'error', step: title, message: (error as Error).message });
      result = { ok: false, outputs: {}, env: {}, path: [] };
    }
    Object.assign(exported, result.env);
    path.unshift(...result.path);
    const outcome = result.ok ? 'success' : 'failure';
    const continueOnError =
      step['continue-on-error'] !== undefined &&
      truthy(
        typeof step['continue-on-error'] === 'boolean'
          ? step['continue-on-error']
          : evaluateToken(step['continue-on-error'], scope),
      );
    const conclusion = outcome === 'failure' && continueOnError ? 'success' : outcome;
    if (step.id) steps[step.id] = { outputs: result.outputs, outcome, conclusion };
    // The runner's log marks a failed step of a composite action; the job's line follows.
    if (outcome === 'failure')
      print(`  ✗ ${title}: failure${conclusion === 'success' ? ' (continue-on-error)' : ''}`);
    if (conclusion === 'failure') scope.status = 'failure';
  }
  contexts['env'] = { ...outer.env, ...exported };
  const outputs: Record<string, string> = {};
  for (const output of action.template.outputs ?? [])
    outputs[output.id] = asString(evaluateToken(output.value, scope));
  return { ok: scope.status === 'success', outputs, env: exported, path };
}
