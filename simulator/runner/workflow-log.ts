/**
 * Reads an action's stdout line by line as the runner does: `::command::` lines are workflow
 * commands, except between `::stop-commands::TOKEN` and `::TOKEN::`, where every line is text.
 */
export type LogLine =
  | { kind: 'text'; text: string }
  | { kind: 'error' | 'warning' | 'notice'; text: string }
  | { kind: 'command' };

export class WorkflowLogReader {
  private resume: string | undefined;

  read(line: string): LogLine {
    if (this.resume !== undefined) {
      if (line !== this.resume) return { kind: 'text', text: line };
      this.resume = undefined;
      return { kind: 'command' };
    }
    if (line.startsWith('::stop-commands::')) {
      this.resume = `::${line.slice('::stop-commands::'.length)}::`;
      return { kind: 'command' };
    }
    const annotation = /^::(error|warning|notice)(?: [^:]*)?::(.*)$/.exec(line);
    if (annotation)
      return { kind: annotation[1] as 'error' | 'warning' | 'notice', text: unescape(annotation[2]!) };
    return line.startsWith('::') ? { kind: 'command' } : { kind: 'text', text: line };
  }
}

/** Undoes @actions/core's escaping of command data (`%0A` is a new line). */
function unescape(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
