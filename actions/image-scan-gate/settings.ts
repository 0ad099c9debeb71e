import { ConfigurationError } from '../lib/errors.ts';
import { choiceInput, multilineInput, numberInput, optionalInput } from '../lib/inputs.ts';
import {
  parseAllowList,
  parseImageRef,
  THRESHOLDS,
  type AllowEntry,
  type ImageRef,
  type Threshold,
} from './gate.ts';

export interface Settings {
  images: ImageRef[];
  threshold: Threshold;
  allowList: AllowEntry[];
  timeoutMs: number;
}

export function getSettings(): Settings {
  const threshold = choiceInput('severity-threshold', THRESHOLDS, 'CRITICAL');
  const allowList = parseAllowList(multilineInput('allow-list'));
  if (typeof allowList === 'string') throw new ConfigurationError(`Input "allow-list": ${allowList}.`);
  const minutes = numberInput('timeout-minutes', 10, { min: 0.05, max: 360 });
  return { images: images(), threshold, allowList, timeoutMs: minutes * 60_000 };
}

function images(): ImageRef[] {
  const refs = multilineInput('images');
  const repository = optionalInput('repository');
  const digests = multilineInput('image-digests');
  if (refs.length > 0 && (repository !== undefined || digests.length > 0)) {
    throw new ConfigurationError('Input "images" cannot be used with "repository" and "image-digests".');
  }
  let name = 'images';
  let texts = refs;
  if (refs.length === 0) {
    if (repository === undefined || digests.length === 0) {
      throw new ConfigurationError('Input "images" is required (or "repository" with "image-digests").');
    }
    name = 'image-digests';
    texts = digests.map((digest) => `${repository}@${digest}`);
  }
  return texts.map((text) => {
    const ref = parseImageRef(text);
    if (typeof ref === 'string') throw new ConfigurationError(`Input "${name}": ${ref}.`);
    return ref;
  });
}
