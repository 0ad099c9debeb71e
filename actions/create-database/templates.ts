import { ConfigurationError } from '../lib/errors.ts';
import { multilineInput } from '../lib/inputs.ts';

/**
 * Templates come only from an explicit allow-list: CREATE DATABASE ... TEMPLATE copies every
 * row of the template, so a free `template` input could clone any database the admin can read
 * (prod's included) into an environment whose owner then reads it. Empty list: no template.
 */
export function allowedTemplatesInput(): string[] {
  return multilineInput('allowed-templates');
}

/** Refuses a template not in the list; exact names, as PostgreSQL compares quoted ones. */
export function checkTemplate(template: string | undefined, allowed: readonly string[]): void {
  if (template === undefined || allowed.includes(template)) return;
  throw new ConfigurationError(
    allowed.length === 0
      ? `Input "template": "${template}" is not allowed; list it in "allowed-templates" (empty: no template).`
      : `Input "template": "${template}" is not in "allowed-templates".`,
  );
}
