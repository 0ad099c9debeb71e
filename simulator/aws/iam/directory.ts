import { readFileSync } from 'node:fs';
import { AWS_MANAGED } from './aws-managed.ts';
import type { NamedPolicy, PolicyDocument, Principal, Statement } from './evaluate.ts';

/** A role as Terraform created it (scripts/iam/roles-from-state.ts writes these). */
export interface RoleRecord {
  name: string;
  path: string;
  trust: PolicyDocument;
  inline: Record<string, PolicyDocument>;
  managed: string[];
  boundary: string | null;
}

interface RenderedRoot {
  account: string;
  roles: Record<string, RoleRecord>;
  policies: Record<string, PolicyDocument>;
  oidcProviders: string[];
  resourcePolicies?: Record<string, PolicyDocument>;
}

export const RENDERED_ROLES = new URL('./roles.json', import.meta.url).pathname;

/**
 * The roles, policies and OIDC providers of an account, loaded from what the Terraform roots
 * render (roles.json), and changed only the way IAM changes them: a test that takes a
 * permission away edits the role's policy, as an administrator would.
 */
export class IamDirectory {
  readonly roles = new Map<string, RoleRecord>();
  readonly policies = new Map<string, PolicyDocument>(Object.entries(AWS_MANAGED));
  readonly oidcProviders = new Set<string>();
  /** Resource ARN → its resource-based policy (the release repositories', the state buckets'). */
  readonly resourcePolicies = new Map<string, PolicyDocument>();

  static fromRendered(file = RENDERED_ROLES): IamDirectory {
    const document = JSON.parse(readFileSync(file, 'utf8')) as { roots: Record<string, RenderedRoot> };
    const directory = new IamDirectory();
    for (const root of Object.values(document.roots)) {
      for (const [arn, policy] of Object.entries(root.policies)) directory.policies.set(arn, policy);
      for (const [arn, role] of Object.entries(root.roles)) directory.roles.set(arn, structuredClone(role));
      for (const provider of root.oidcProviders) directory.oidcProviders.add(provider);
      for (const [arn, policy] of Object.entries(root.resourcePolicies ?? {})) {
        // Bucket names are global: two roots rendering one bucket would judge it by either.
        if (directory.resourcePolicies.has(arn))
          throw new Error(`${arn} has a policy in two rendered roots: give each its own name`);
        directory.resourcePolicies.set(arn, policy);
      }
    }
    for (const [arn, role] of directory.roles) {
      for (const policy of [...role.managed, ...(role.boundary ? [role.boundary] : [])]) {
        if (!directory.policies.has(policy))
          throw new Error(`${arn} uses ${policy}, which the emulator does not know`);
      }
    }
    return directory;
  }

  role(ref: string): RoleRecord | undefined {
    return this.roles.get(ref) ?? [...this.roles.values()].find((r) => r.name === ref);
  }

  /** A role by ARN, or by name in `account` (default: the first account that has one so named). */
  findRoleArn(ref: string, account?: string): string | undefined {
    return [...this.roles.entries()].find(
      ([arn, r]) => arn === ref || (r.name === ref && (!account || arn.split(':')[4] === account)),
    )?.[0];
  }

  roleArn(ref: string, account?: string): string {
    const found = this.findRoleArn(ref, account);
    if (!found) throw new Error(`no role ${ref} in the rendered roles`);
    return found;
  }

  /** The principal a session of `roleArn` is, as IAM evaluates it. */
  principal(roleArn: string, sessionName: string): Principal | undefined {
    const role = this.roles.get(roleArn);
    if (!role) return undefined;
    const identityPolicies: NamedPolicy[] = [
      ...Object.entries(role.inline).map(([name, document]) => ({ name, document })),
      ...role.managed.map((arn) => ({ name: arn, document: this.policies.get(arn)! })),
    ];
    const boundary = role.boundary
      ? { name: role.boundary, document: this.policies.get(role.boundary)! }
      : undefined;
    const arn = roleArn.replace(':iam::', ':sts::').replace(/:role\/(?:.*\/)?([^/]+)$/, ':assumed-role/$1');
    return {
      arn: `${arn}/${sessionName}`,
      roleArn,
      account: roleArn.split(':')[4],
      identityPolicies,
      boundary,
    };
  }

  /** The resource policy that judges a request on `resource`, named as AWS names it in errors. */
  resourcePolicy(resource: string): NamedPolicy | undefined {
    // An object is judged by its bucket's policy.
    const document = this.resourcePolicies.get(resource.replace(/^(arn:aws:s3:::[^/]+)\/.*$/, '$1'));
    return document && { name: resource, document };
  }

  /**
   * Takes `action` out of every Allow statement of the role's own policies, as an
   * administrator editing the policy would (tests: "without DescribeServiceDeployments …").
   */
  removeAction(roleRef: string, action: string): void {
    const role = this.role(roleRef);
    if (!role) throw new Error(`no role ${roleRef}`);
    // Its inline policies and the customer managed ones attached to it (AWS's own are shared).
    const own = role.managed.filter((arn) => !(arn in AWS_MANAGED)).map((arn) => this.policies.get(arn)!);
    for (const document of [...Object.values(role.inline), ...own]) {
      const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
      document.Statement = statements
        .map((s): Statement => {
          if (s.Effect !== 'Allow' || s.Action === undefined) return s;
          const actions = (Array.isArray(s.Action) ? s.Action : [s.Action]).filter(
            (a) => a.toLowerCase() !== action.toLowerCase(),
          );
          return { ...s, Action: actions };
        })
        .filter((s) => s.Action === undefined || (Array.isArray(s.Action) && s.Action.length > 0));
    }
  }
}
