// Where the project and its entry points are, whether the harness runs compiled (dist/bench/*.js,
// `npm run bench`, `npm test`) or from source under tsx (bench/*.ts). Child processes run the same
// flavour as the harness, so a source run never measures a stale build.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const fromSource = here.endsWith('.ts');

/** The repository root (the folder holding package.json). */
export const projectRoot = fromSource ? resolve(dirname(here), '..') : resolve(dirname(here), '..', '..');

/** Node flags a child needs to run this flavour's entry points. */
export const childExecArgv: readonly string[] = fromSource ? ['--import', 'tsx'] : [];

/** The entry point of a project module given by its source path without extension, e.g. `cli/main`. */
export function entryPoint(modulePath: string): string {
  return fromSource ? join(projectRoot, `${modulePath}.ts`) : join(projectRoot, 'dist', `${modulePath}.js`);
}
