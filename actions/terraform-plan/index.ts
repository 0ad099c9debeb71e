import { runAction } from '../lib/run.ts';
import { main } from './main.ts';

await runAction(main);
