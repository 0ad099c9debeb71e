import { ConfigurationError } from './errors.ts';
import { booleanInput, exclusiveInputs, optionalInput } from './inputs.ts';

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
 * Reads `network-from-service` or `subnets` / `security-groups` / `assign-public-ip`, and
 * `launch-type` or `capacity-provider-strategy` (lines `NAME[:WEIGHT[:BASE]]`).
 */
export function networkInputs(): NetworkSettings {
  exclusiveInputs(['network-from-service', 'subnets']);
  exclusiveInputs(['network-from-service', 'security-groups']);
  exclusiveInputs(['launch-type', 'capacity-provider-strategy']);
  const fromService = optionalInput('network-from-service');
  const launchType = optionalInput('launch-type');
  if (launchType !== undefined && !['FARGATE', 'EC2', 'EXTERNAL'].includes(launchType)) {
    throw new ConfigurationError(
      `Input "launch-type" must be FARGATE, EC2 or EXTERNAL, got "${launchType}".`,
    );
  }
  const strategy = list('capacity-provider-strategy').map(parseStrategyItem);
  const assignPublicIp =
    optionalInput('assign-public-ip') === undefined ? undefined : booleanInput('assign-public-ip', false);
  return {
    ...(fromService !== undefined && { fromService }),
    subnets: list('subnets'),
    securityGroups: list('security-groups'),
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
      `Input "capacity-provider-strategy": "${text}" is not NAME[:WEIGHT[:BASE]].`,
    );
  }
  return {
    capacityProvider,
    ...(item.weight !== undefined && { weight: item.weight }),
    ...(item.base !== undefined && { base: item.base }),
  };
}
