/**
 * Reads a step's stdout line by line as the runner does: `::add-mask::` hides a value in every
 * later line (of every step), `::error::` and `::warning::` are collected and shown as
 * annotations, `::group::` becomes a heading, `::stop-commands::<token>` suspends commands until
 * `::<token>::`, and `::debug::` is hidden.
 */
export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  step: string;
  message: string;
}

export class Masker {
  private readonly secrets = new Set<string>();

  add(value: string): void {
    // The runner masks each line of a multi-line secret too.
    for (const part of [value, ...value.split(/\r?\n/)]) if (part.trim().length > 0) this.secrets.add(part);
  }

  /** Whether the text holds a masked value (the runner then refuses it as a job output). */
  reveals(text: string): boolean {
    return [...this.secrets].some((secret) => text.includes(secret));
  }

  apply(text: string): string {
    let masked = text;
    // Longest first, so a secret that contains another is hidden whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length))
      masked = masked.split(secret).join('***');
    return masked;
  }
}

function unescapeData(text: string): string {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

export class CommandReader {
  private stopToken: string | undefined;
  readonly annotations: Annotation[] = [];

  private readonly masker: Masker;
  private readonly step: string;

  constructor(masker: Masker, step: string) {
    this.masker = masker;
    this.step = step;
  }

  /** The text to show for one stdout line (masked), or undefined to show nothing. */
  line(raw: string): string | undefined {
    if (this.stopToken !== undefined) {
      if (raw === `::${this.stopToken}::`) {
        this.stopToken = undefined;
        return undefined;
      }
      return this.masker.apply(raw);
    }
    const match = /^::([a-zA-Z-]+)(?: ([^:]*))?::(.*)$/.exec(raw);
    if (!match) return this.masker.apply(raw);
    const [, command, , rawData] = match as unknown as [string, string, string | undefined, string];
    const message = unescapeData(rawData);
    switch (command) {
      case 'add-mask':
        this.masker.add(message);
        return undefined;
      case 'error':
      case 'warning':
      case 'notice':
        this.annotations.push({ level: command, step: this.step, message: this.masker.apply(message) });
        return this.masker.apply(
          `${command === 'error' ? 'Error' : command === 'warning' ? 'Warning' : 'Notice'}: ${message}`,
        );
      case 'group':
        return this.masker.apply(`▸ ${message}`);
      case 'endgroup':
      case 'debug':
        return undefined;
      case 'stop-commands':
        this.stopToken = rawData;
        return undefined;
      default:
        return this.masker.apply(raw);
    }
  }
}
