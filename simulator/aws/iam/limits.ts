/**
 * IAM's quotas on what a role holds, as CreatePolicy, PutRolePolicy, AttachRolePolicy and
 * CreateRole refuse it (LimitExceeded, MalformedPolicyDocument): counted in characters without
 * whitespace, on the documents the roots apply. The render refuses a root that breaks one, as
 * AWS would refuse its apply, so no test runs on roles that could not exist.
 */

export const IAM_LIMITS = {
  /** All inline policies of one role together. */
  inlinePerRole: 10_240,
  /** One customer managed policy. */
  managedPolicy: 6_144,
  /** Managed policies attached to one role (the default quota). */
  attachedPerRole: 10,
  /** A role's trust policy (the default quota; it may be raised to 4,096). */
  trustPolicy: 2_048,
};

/** A document's size as IAM counts it: its JSON without whitespace. */
export const policySize = (document: unknown): number => JSON.stringify(document).length;

interface Limited {
  roles: Record<string, { trust: unknown; inline: Record<string, unknown>; managed: string[] }>;
  policies: Record<string, unknown>;
}

/** What AWS would refuse in `root`, one line each; empty when everything fits. */
export function limitsExceeded(root: Limited): string[] {
  const problems: string[] = [];
  for (const [name, document] of Object.entries(root.policies)) {
    const size = policySize(document);
    if (size > IAM_LIMITS.managedPolicy)
      problems.push(
        `policy ${name}: ${size} characters, over IAM's ${IAM_LIMITS.managedPolicy} for a managed policy`,
      );
  }
  for (const [arn, role] of Object.entries(root.roles)) {
    const inline = Object.values(role.inline).reduce<number>(
      (sum, document) => sum + policySize(document),
      0,
    );
    if (inline > IAM_LIMITS.inlinePerRole)
      problems.push(
        `role ${arn}: ${inline} characters of inline policy, over IAM's ${IAM_LIMITS.inlinePerRole} a role`,
      );
    if (role.managed.length > IAM_LIMITS.attachedPerRole)
      problems.push(
        `role ${arn}: ${role.managed.length} managed policies, over IAM's ${IAM_LIMITS.attachedPerRole} a role`,
      );
    const trust = policySize(role.trust);
    if (trust > IAM_LIMITS.trustPolicy)
      problems.push(
        `role ${arn}: a trust policy of ${trust} characters, over IAM's ${IAM_LIMITS.trustPolicy}`,
      );
  }
  return problems;
}
