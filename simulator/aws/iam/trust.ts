import { evaluate, type PolicyDocument, type Statement } from './evaluate.ts';

/** The claims of a GitHub Actions OIDC token (all strings, as GitHub sends them). */
export type Claims = Record<string, string>;

const ISSUER = 'token.actions.githubusercontent.com';

/**
 * Whether a role's trust policy lets a web identity with these claims assume it, as STS judges
 * AssumeRoleWithWebIdentity: the statement's Principal must be the GitHub OIDC provider, which
 * must exist in the account, and its conditions hold against the claims as condition keys
 * (`token.actions.githubusercontent.com:sub`, `:aud`, `:job_workflow_ref`, …); an explicit Deny
 * wins. A claim the token lacks is a missing key, so StringLike on it fails.
 */
export function evaluateTrust(trust: PolicyDocument, providers: Set<string>, claims: Claims): boolean {
  const statements = (Array.isArray(trust.Statement) ? trust.Statement : [trust.Statement]).filter(
    (s: Statement) => {
      const federated = (s.Principal as { Federated?: string | string[] } | undefined)?.Federated;
      const list = federated === undefined ? [] : Array.isArray(federated) ? federated : [federated];
      return list.some((p) => p.endsWith(`:oidc-provider/${ISSUER}`) && providers.has(p));
    },
  );
  const context = Object.fromEntries(Object.entries(claims).map(([k, v]) => [`${ISSUER}:${k}`, v]));
  const principal = {
    arn: 'web-identity',
    identityPolicies: [{ name: 'trust', document: { Statement: statements } }],
  };
  return (
    evaluate(principal, { action: 'sts:AssumeRoleWithWebIdentity', resource: '*', context }).decision ===
    'allowed'
  );
}

/** The claims GitHub puts in a job's token (docs: "About security hardening with OpenID Connect"). */
export function jobClaims(job: {
  repository: string;
  eventName: string;
  ref: string;
  environment?: string;
  /** The reusable workflow the job runs in (`owner/repo/.github/workflows/x.yml@ref`), if any. */
  jobWorkflowRef?: string;
  workflow?: string;
  actor?: string;
}): Claims {
  const context = job.environment
    ? `environment:${job.environment}`
    : job.eventName === 'pull_request' || job.eventName === 'pull_request_target'
      ? 'pull_request'
      : `ref:${job.ref}`;
  return {
    sub: `repo:${job.repository}:${context}`,
    repository: job.repository,
    repository_owner: job.repository.split('/')[0]!,
    ref: job.ref,
    event_name: job.eventName,
    actor: job.actor ?? 'octocat',
    workflow: job.workflow ?? 'workflow',
    // The rehearsal's jobs stand for GitHub-hosted runners.
    runner_environment: 'github-hosted',
    ...(job.environment && { environment: job.environment }),
    ...(job.jobWorkflowRef && { job_workflow_ref: job.jobWorkflowRef }),
  };
}
