import { fileURLToPath } from 'node:url';

// This file sits in deploy/src (or deploy/dist once built): one level below deploy/.
const DEPLOY_DIR = new URL('../', import.meta.url);

/** A file under deploy/ (or, with `../`, under the repository root) as a filesystem path. */
export const deployPath = (relative: string): string => fileURLToPath(new URL(relative, DEPLOY_DIR));
