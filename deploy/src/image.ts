import { readFileSync } from 'node:fs';
import { deployPath } from './deploy-paths.js';
import { envPairs, parseDockerfile } from './dockerfile.js';
import type { Instruction } from './dockerfile.js';

/** deploy/Dockerfile, stage by stage. */
export const imageStages = (): Instruction[][] => parseDockerfile(readFileSync(deployPath('Dockerfile'), 'utf8'));

/** Every `keyword` instruction of a stage. */
export const instructions = (stage: readonly Instruction[], keyword: string): Instruction[] =>
  stage.filter((instruction) => instruction.keyword === keyword);

/** The environment the image's final stage sets: what compose and Kubernetes start from. */
export const imageEnv = (): Record<string, string> => {
  const finalStage = imageStages().at(-1) ?? [];
  return Object.assign({}, ...instructions(finalStage, 'ENV').map((instruction) => envPairs(instruction.args))) as Record<string, string>;
};
