/**
 * The checks of a preflight, as pure functions over what was read: each returns rows of the
 * one table doctor prints, a row per thing that is missing (with its fix) or found.
 */

export interface Row {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface ProductCall {
  role: 'preview' | 'production' | 'plan' | 'build' | 'review';
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export interface Names {
  account: string;
  region: string;
  /** The environment a role's calls are simulated for: a preview's for preview, prod for production. */
  environment: string;
  zone: string;
  /** The state bucket (doctor's state-bucket input): protected environments' failure reports. */
  stateBucket?: string;
  /** The account of the registry the images are in (release-registry; default: `account`). */
  registry?: string;
}

/** A recorded call's ARN and context for this account, region and environment. */
export function fill(call: ProductCall, names: Names): ProductCall {
  const text = (value: string) =>
    value
      .replace(/\{registry\}/g, names.registry ?? names.account)
      .replace(/\{account\}/g, names.account)
      .replace(/\{region\}/g, names.region)
      .replace(/\{environment\}/g, names.environment)
      .replace(/\{database\}/g, names.environment.replace(/-/g, '_'))
      .replace(/\{zone\}/g, names.zone)
      .replace(/\{task\}/g, '0123456789abcdef0123456789abcdef')
      .replace(/\{deployment\}/g, '1234567890')
      .replace(/\{suffix\}/g, 'AbCdEf')
      .replace(/\{digest\}/g, '0'.repeat(64))
      .replace(/\{revision\}/g, '1')
      .replace(/\{state-bucket\}/g, names.stateBucket ?? '{state-bucket}')
      .replace(/\{run\}/g, '1-1')
      .replace(/\{report\}/g, 'adhoc-actions-failure-rolling-update.json');
  return {
    ...call,
    resource: text(call.resource),
    ...(call.context && {
      context: Object.fromEntries(
        Object.entries(call.context).map(([k, v]) => [k, Array.isArray(v) ? v.map(text) : text(v)]),
      ),
    }),
  };
}

/** One SimulatePrincipalPolicy request per resource and context: the actions on it. */
export function simulationBatches(
  calls: ProductCall[],
): { resource: string; context?: ProductCall['context']; actions: string[] }[] {
  const batches = new Map<
    string,
    { resource: string; context?: ProductCall['context']; actions: string[] }
  >();
  for (const call of calls) {
    const key = JSON.stringify([call.resource, call.context ?? {}]);
    const batch = batches.get(key) ?? {
      resource: call.resource,
      ...(call.context && { context: call.context }),
      actions: [],
    };
    if (!batch.actions.includes(call.action)) batch.actions.push(call.action);
    batches.set(key, batch);
  }
  return [...batches.values()];
}

type Trust = { Statement: { Condition?: Record<string, Record<string, string | string[]>> }[] };

/** What a role's trust must say for its tier, read from its policy document. */
export function trustRows(
  kind: ProductCall['role'],
  roleName: string,
  repository: string,
  trust: Trust,
): Row[] {
  const conditions = trust.Statement.flatMap((s) => Object.values(s.Condition ?? {}));
  const values = (key: string) =>
    conditions.flatMap((c) => {
      const v = c[`token.actions.githubusercontent.com:${key}`];
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    });
  const subs = values('sub');
  const rows: Row[] = [];
  const check = `trust of ${roleName}`;
  const wildcard = subs.filter((s) => /^repo:[^:]+:\*$/.test(s) || !s.startsWith(`repo:${repository}:`));
  if (wildcard.length > 0) {
    rows.push({
      check,
      ok: false,
      detail: `trusts ${wildcard.join(', ')}`,
      fix: `limit subject_claims to named contexts of ${repository} (terraform/examples/bootstrap)`,
    });
  }
  if (!values('aud').includes('sts.amazonaws.com')) {
    rows.push({
      check,
      ok: false,
      detail: 'no aud condition',
      fix: 'require token.actions.githubusercontent.com:aud = sts.amazonaws.com',
    });
  }
  if (kind === 'preview' && !subs.includes(`repo:${repository}:pull_request`)) {
    rows.push({
      check,
      ok: false,
      detail: 'pull requests of the repository cannot assume it',
      fix: `add repo:${repository}:pull_request to its subject_claims`,
    });
  }
  if (kind !== 'preview') {
    if (subs.some((s) => s.endsWith(':pull_request'))) {
      rows.push({
        check,
        ok: false,
        detail: 'a pull request can assume it',
        fix: 'remove pull_request from its subject_claims',
      });
    }
    if (values('job_workflow_ref').length === 0) {
      rows.push({
        check,
        ok: false,
        detail: 'any workflow of the repository can assume it',
        fix: "set job_workflow_refs to this product's reusable workflows at a release",
      });
    }
  }
  const main = `repo:${repository}:ref:refs/heads/main`;
  if (kind === 'build' && (subs.length === 0 || subs.some((s) => s !== main))) {
    rows.push({
      check,
      ok: false,
      detail: `trusts ${subs.filter((s) => s !== main).join(', ') || 'no subject'}: only main may push what production deploys`,
      fix: `limit its sub to ${main}`,
    });
  }
  if (kind === 'production' && !subs.includes(`repo:${repository}:environment:production`)) {
    rows.push({
      check,
      ok: false,
      detail: 'jobs in the GitHub environment production cannot assume it',
      fix: `add repo:${repository}:environment:production`,
    });
  }
  return rows.length > 0 ? rows : [{ check, ok: true, detail: subs.join(', ') }];
}

/** A GitHub environment that gates deploys: required reviewers, and which branches. */
export function environmentRow(
  name: string,
  environment: { protection_rules?: { type: string; reviewers?: unknown[] }[] } | undefined,
): Row {
  const check = `GitHub environment ${name}`;
  if (!environment)
    return {
      check,
      ok: false,
      detail: 'missing',
      fix: `create it (Settings → Environments) with required reviewers`,
    };
  const reviewers =
    environment.protection_rules?.find((r) => r.type === 'required_reviewers')?.reviewers?.length ?? 0;
  if (reviewers === 0)
    return { check, ok: false, detail: 'no required reviewers', fix: `add required reviewers to ${name}` };
  return { check, ok: true, detail: `${reviewers} required reviewer(s)` };
}

/** The table, in Markdown (summary) and as lines (the log). */
export function table(rows: Row[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '| | check | found | fix |',
    '|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.ok ? '✅' : '❌'} | ${cell(r.check)} | ${cell(r.detail)} | ${cell(r.fix ?? '')} |`,
    ),
  ].join('\n');
}
