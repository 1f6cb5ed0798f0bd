import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deployPath } from './deploy-paths.js';
import { execForm } from './dockerfile.js';
import type { Instruction } from './dockerfile.js';
import { imageEnv, imageStages, instructions as all } from './image.js';
import { SAMPLE_CLUSTER_SECRET, serverConfig, serverProbePaths } from './server-config.js';

const stages = imageStages();
const finalStage = stages.at(-1) ?? [];
const one = (stage: readonly Instruction[], keyword: string): string => {
  const found = all(stage, keyword);
  if (found.length !== 1 || found[0] === undefined) throw new Error(`the final stage has ${found.length} ${keyword}`);
  return found[0].args;
};

describe('deploy/Dockerfile', () => {
  it('builds in stages on node:20-slim and runs as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0]?.args).toMatch(/^node:20-slim(\s|$)/);
    const user = one(finalStage, 'USER');
    expect(['root', '0']).not.toContain(user.split(':')[0]);
  });

  it('puts only the server and its production dependencies in the final image', () => {
    const buildRuns = stages.slice(0, -1).flatMap((stage) => all(stage, 'RUN').map((instruction) => instruction.args));
    const deploy = buildRuns.find((run) => / deploy /.test(run));
    expect(deploy).toMatch(/--filter=@flotilla\/server deploy --prod \/app$/);
    expect(all(finalStage, 'RUN').map((instruction) => instruction.args).join('\n')).not.toMatch(/\b(npm|pnpm|yarn)\b/);
    expect(all(finalStage, 'COPY').map((instruction) => instruction.args)).toEqual(['--from=build /app /app']);
    expect(existsSync(deployPath('Dockerfile.dockerignore'))).toBe(true);
  });

  it('installs the pnpm the workspace pins', () => {
    const packageManager = (JSON.parse(readFileSync(deployPath('../package.json'), 'utf8')) as { packageManager: string }).packageManager;
    const installs = stages.flatMap((stage) => all(stage, 'RUN')).map((instruction) => instruction.args).filter((run) => run.includes('pnpm@'));
    expect(installs).toEqual([`npm install --global ${packageManager}`]);
  });

  it("starts the server's entry point with flags and variables the server accepts", () => {
    const entrypoint = execForm(one(finalStage, 'ENTRYPOINT'));
    expect(entrypoint).toEqual(['node', '/app/dist/main.js']);
    // /app holds the deployed server package; tsc puts src/main.ts at dist/main.js.
    expect(existsSync(deployPath('../apps/server/src/main.ts'))).toBe(true);
    const config = serverConfig(execForm(one(finalStage, 'CMD')), { ...imageEnv(), FLOTILLA_CLUSTER_SECRET: SAMPLE_CLUSTER_SECRET });

    const exposed = one(finalStage, 'EXPOSE').split(/\s+/).map(Number).sort();
    expect(exposed).toEqual([config.clientListen.port, config.node.peerListen.port].sort());
    expect(one(finalStage, 'VOLUME')).toBe(config.node.dataDir);
    const healthcheck = one(finalStage, 'HEALTHCHECK');
    const probe = /fetch\('http:\/\/127\.0\.0\.1:([0-9]+)(\/[a-z]+)'\)/.exec(healthcheck);
    expect(Number(probe?.[1])).toBe(config.clientListen.port);
    expect(serverProbePaths()).toContain(probe?.[2]);
  });
});
