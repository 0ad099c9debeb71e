import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmulatorSnapshot } from './environment.ts';

/** What the demo keeps in its state folder between runs (besides PGlite's and Terraform's). */
export interface DemoState {
  /** Successful deploys so far: the next run deploys v(deploys + 1). */
  deploys: number;
  emulator: EmulatorSnapshot;
}

/** A problem the user fixes, said in one line. */
export class DemoError extends Error {}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** One demo per state folder: a second one refuses, naming the first; a dead owner's lock is taken over. */
export async function acquireLock(dir: string): Promise<() => void> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      let held = true;
      return () => {
        if (held) rmSync(file, { force: true });
        held = false;
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid))
        throw new DemoError(`${dir} is in use by another demo (pid ${pid}); wait for it to finish`);
      rmSync(file, { force: true });
    }
  }
  throw new DemoError(`could not lock ${dir}`);
}

/** Forgets the environment: everything in the folder but the lock this run holds. */
export async function resetState(dir: string): Promise<void> {
  for (const entry of await readdir(dir))
    if (entry !== 'lock') await rm(join(dir, entry), { recursive: true, force: true });
}

export async function loadState(dir: string): Promise<DemoState> {
  const file = join(dir, 'state.json');
  if (!existsSync(file)) return { deploys: 0, emulator: { taskDefinitions: [], services: [] } };
  let state: DemoState;
  try {
    state = JSON.parse(await readFile(file, 'utf8')) as DemoState;
    if (
      !Number.isInteger(state.deploys) ||
      !Array.isArray(state.emulator?.taskDefinitions) ||
      !Array.isArray(state.emulator?.services)
    )
      throw new Error('unexpected content');
  } catch (error) {
    throw new DemoError(`${file} is corrupt (${(error as Error).message.split('\n')[0]}): run with --reset`);
  }
  return state;
}

/** Written whole, then renamed: an interrupted write never leaves half a file. */
export async function saveState(dir: string, state: DemoState): Promise<void> {
  const file = join(dir, 'state.json');
  await writeFile(`${file}.tmp`, JSON.stringify(state, null, 2));
  await rename(`${file}.tmp`, file);
}
