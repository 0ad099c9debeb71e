import * as core from '@actions/core';
import { regionInput } from '../lib/aws.ts';
import { ConfigurationError } from '../lib/errors.ts';
import {
  booleanInput,
  choiceInput,
  clusterInput,
  containerInput,
  numberInput,
  optionalInput,
  quote,
  secretInput,
  taskDefinitionInput,
} from '../lib/inputs.ts';
import { networkInputs } from '../lib/network.ts';
import type { OneOffTaskRequest } from '../lib/run-task-input.ts';
import { isAscii, validateIdentifier } from './sql.ts';

export interface DatabaseRequest {
  action: 'create' | 'drop';
  name: string;
  owner?: string;
  ownerPassword?: string;
  template?: string;
  /** The environment asking (workflows): marks are bound to it, and only its own are touched. */
  environment?: string;
}

/** Where the owner's password comes from: given, or kept in Secrets Manager (made when empty). */
export interface PasswordSource {
  secretId: string;
  region: string;
}

export interface AdminUrl {
  /** As given: pg parses it (sslmode and all). */
  text: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The query string (sslmode=…), kept for database-url. */
  search: string;
}

export type Mode =
  | { kind: 'direct'; admin: AdminUrl }
  | {
      kind: 'ecs-task';
      region: string;
      taskDefinition: string;
      request: OneOffTaskRequest;
      timeoutMinutes: number;
      stopOnCancel: boolean;
      /** host[:port] for database-url; the task itself connects with its own PG* settings. */
      databaseHost?: string;
    };

export interface Settings {
  database: DatabaseRequest;
  mode: Mode;
  /** The owner's password is read from (or first generated into) this secret. */
  passwordSource?: PasswordSource;
}

export function getSettings(): Settings {
  // Masked before anything else can fail and print.
  const adminUrl = secretInput('admin-url');
  const ownerPassword = secretInput('owner-password');
  const database = databaseRequest(ownerPassword);
  const passwordSource = passwordSourceInput(database, ownerPassword);
  const kind = choiceInput('mode', ['direct', 'ecs-task'] as const, 'ecs-task');
  if (kind === 'direct') {
    if (adminUrl === undefined)
      throw new ConfigurationError('Input "admin-url" is required with mode direct.');
    const admin = parseAdminUrl(adminUrl);
    // Error messages from the server or a library could quote the password decoded.
    if (admin.password !== '') core.setSecret(admin.password);
    if (database.action === 'drop' && database.name === admin.database) {
      throw new ConfigurationError(`Input "name": "${database.name}" is the database admin-url connects to.`);
    }
    return { database, mode: { kind, admin }, ...(passwordSource && { passwordSource }) };
  }
  if (adminUrl !== undefined) {
    throw new ConfigurationError(
      'Input "admin-url" is not used with mode ecs-task: psql in the task connects with its own PG* environment.',
    );
  }
  if (ownerPassword !== undefined && !isAscii(ownerPassword)) {
    // Others would have to travel as plain text in the task's overrides (see sql.ts).
    throw new ConfigurationError('Input "owner-password" must be printable ASCII with mode ecs-task.');
  }
  const container = containerInput();
  const databaseHost = optionalInput('database-host');
  if (
    databaseHost !== undefined &&
    !/^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:]+\](:\d{1,5})?$/.test(databaseHost)
  ) {
    throw new ConfigurationError(`Input "database-host": ${quote(databaseHost)} is not HOST or HOST:PORT.`);
  }
  return {
    database,
    ...(passwordSource && { passwordSource }),
    mode: {
      kind,
      region: regionInput(),
      taskDefinition: taskDefinitionInput(),
      request: {
        cluster: clusterInput(),
        ...(container !== undefined && { container }),
        environment: [],
        network: networkInputs(),
        startedBy: 'adhoc-actions/create-database',
      },
      timeoutMinutes: numberInput('timeout-minutes', 10, { min: 0.05, max: 24 * 60 }),
      stopOnCancel: booleanInput('stop-on-cancel', true),
      ...(databaseHost !== undefined && { databaseHost }),
    },
  };
}

function passwordSourceInput(
  database: DatabaseRequest,
  ownerPassword: string | undefined,
): PasswordSource | undefined {
  const secretId = optionalInput('owner-password-secret');
  if (secretId === undefined) return undefined;
  if (ownerPassword !== undefined) {
    throw new ConfigurationError('Inputs "owner-password" and "owner-password-secret": give one, not both.');
  }
  if (database.owner === undefined) {
    throw new ConfigurationError('Input "owner-password-secret" is only used with "owner".');
  }
  if (!/^(arn:aws[\w-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[\w/+=.@-]{1,512}$/.test(secretId)) {
    throw new ConfigurationError(
      `Input "owner-password-secret": ${quote(secretId)} is not a secret name or ARN.`,
    );
  }
  return { secretId, region: regionInput() };
}

function databaseRequest(ownerPassword: string | undefined): DatabaseRequest {
  const action = choiceInput('action', ['create', 'drop'] as const, 'create');
  // Names are taken as given (not trimmed): a name is created exactly as written or refused.
  const name = validateIdentifier('name', rawInput('name') ?? '', 'database');
  const ownerText = rawInput('owner');
  const owner = ownerText === undefined ? undefined : validateIdentifier('owner', ownerText, 'role');
  const templateText = rawInput('template');
  if (templateText !== undefined && action === 'drop') {
    throw new ConfigurationError('Input "template" is only used with action create.');
  }
  const template =
    templateText === undefined ? undefined : validateIdentifier('template', templateText, 'template');
  if (ownerPassword !== undefined && owner === undefined) {
    throw new ConfigurationError('Input "owner-password" is only used with "owner".');
  }
  const environment = rawInput('environment');
  if (environment !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(environment)) {
    throw new ConfigurationError(
      `Input "environment": ${quote(environment)} is not an environment name (letters, digits, - and _, up to 63).`,
    );
  }
  return {
    ...(environment !== undefined && { environment }),
    action,
    name,
    ...(owner !== undefined && { owner }),
    ...(ownerPassword !== undefined && action === 'create' && { ownerPassword }),
    ...(template !== undefined && { template }),
  };
}

/** An input exactly as given (white space is refused, not trimmed away); undefined when empty. */
function rawInput(name: string): string | undefined {
  const value = core.getInput(name, { trimWhitespace: false });
  return value === '' ? undefined : value;
}

/** Checks admin-url without ever quoting it (it holds a password). */
export function parseAdminUrl(text: string): AdminUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigurationError(
      'Input "admin-url" is not a URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE).',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigurationError(
      `Input "admin-url" must start with postgres:// or postgresql://, not ${url.protocol}//.`,
    );
  }
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new ConfigurationError('Input "admin-url" has a badly %-encoded user, password or database.');
    }
  };
  const host = url.hostname.replace(/^\[|\]$/g, '') || decode(url.searchParams.get('host') ?? '');
  if (!host) throw new ConfigurationError('Input "admin-url" has no host.');
  if (!url.username) throw new ConfigurationError('Input "admin-url" has no user.');
  const password = decode(url.password);
  return {
    text,
    host,
    port: url.port ? Number(url.port) : 5432,
    user: decode(url.username),
    password,
    database: decode(url.pathname.replace(/^\//, '')) || 'postgres',
    search: url.search,
  };
}
