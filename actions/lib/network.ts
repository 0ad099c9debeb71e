import { ConfigurationError } from './errors.ts';
import { booleanInput, checkServiceRef, exclusiveInputs, optionalInput, quote } from './inputs.ts';

export interface CapacityProviderItem {
  capacityProvider: string;
  weight?: number;
  base?: number;
}

/** Where a one-off task runs: copied from a service, or given explicitly. */
export interface NetworkSettings {
  fromService?: string;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp?: boolean;
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderItem[];
}

const list = (name: string) =>
  (optionalInput(name) ?? '')
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * AwsVpcConfiguration: at most 16 subnets and 5 security groups (ECS API reference), each an
 * EC2 ID (`subnet-` / `sg-` and 8 or 17 hex digits on AWS; any letters and digits are let
 * through here, for emulators and tests).
 */
function ids(name: string, prefix: string, max: number): string[] {
  const items = list(name);
  if (items.length > max) {
    throw new ConfigurationError(`Input "${name}" lists ${items.length} IDs; ECS takes at most ${max}.`);
  }
  const pattern = new RegExp(`^${prefix}-[0-9A-Za-z]{1,32}$`);
  const bad = items.find((item) => !pattern.test(item));
  if (bad !== undefined) {
    throw new ConfigurationError(
      `Input "${name}": ${quote(bad)} is not an ID like ${prefix}-0123456789abcdef0.`,
    );
  }
  return items;
}

/**
 * Reads `network-from-service` or `subnets` / `security-groups` / `assign-public-ip`, and
 * `launch-type` or `capacity-provider-strategy` (lines `NAME[:WEIGHT[:BASE]]`).
 */
export function networkInputs(): NetworkSettings {
  exclusiveInputs(['network-from-service', 'subnets']);
  exclusiveInputs(['network-from-service', 'security-groups']);
  exclusiveInputs(['launch-type', 'capacity-provider-strategy']);
  const fromServiceText = optionalInput('network-from-service');
  const fromService =
    fromServiceText === undefined ? undefined : checkServiceRef('network-from-service', fromServiceText);
  const launchType = optionalInput('launch-type');
  if (launchType !== undefined && !['FARGATE', 'EC2', 'EXTERNAL'].includes(launchType)) {
    throw new ConfigurationError(
      `Input "launch-type" must be FARGATE, EC2 or EXTERNAL, got ${quote(launchType)}.`,
    );
  }
  const strategy = list('capacity-provider-strategy').map(parseStrategyItem);
  const assignPublicIp =
    optionalInput('assign-public-ip') === undefined ? undefined : booleanInput('assign-public-ip', false);
  return {
    ...(fromService !== undefined && { fromService }),
    subnets: ids('subnets', 'subnet', 16),
    securityGroups: ids('security-groups', 'sg', 5),
    ...(assignPublicIp !== undefined && { assignPublicIp }),
    ...(launchType !== undefined && { launchType }),
    ...(strategy.length > 0 && { capacityProviderStrategy: strategy }),
  };
}

export function parseStrategyItem(text: string): CapacityProviderItem {
  const [capacityProvider = '', weight, base, ...rest] = text.split(':');
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const item = { capacityProvider, weight: number(weight), base: number(base) };
  const bad = (value: number | undefined) => value !== undefined && (!Number.isInteger(value) || value < 0);
  if (!/^[A-Za-z0-9_-]+$/.test(capacityProvider) || bad(item.weight) || bad(item.base) || rest.length > 0) {
    throw new ConfigurationError(
      `Input "capacity-provider-strategy": ${quote(text)} is not NAME[:WEIGHT[:BASE]].`,
    );
  }
  return {
    capacityProvider,
    ...(item.weight !== undefined && { weight: item.weight }),
    ...(item.base !== undefined && { base: item.base }),
  };
}
