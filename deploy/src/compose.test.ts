import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deployPath } from './deploy-paths.js';
import { imageEnv } from './image.js';
import { SAMPLE_CLUSTER_SECRET, serverConfig, serverShutdownDeadlineMs } from './server-config.js';

// Docker Engine does not run here, so `docker compose config` cannot judge the file: this
// checks its shape against the Compose specification's rules for the keys it uses, and each
// node's start against the server's own flag parser.

interface Service {
  readonly image: string;
  readonly build: { readonly context: string; readonly dockerfile: string };
  readonly restart: string;
  readonly stop_grace_period: string;
  readonly environment: Record<string, string>;
  readonly command: string[];
  readonly ports: string[];
  readonly volumes: string[];
}

const TOP_LEVEL_KEYS = new Set(['name', 'services', 'networks', 'volumes', 'configs', 'secrets']);
/** The service attributes of the Compose specification this file may use; anything else is a typo. */
const SERVICE_KEYS = new Set([
  'image', 'build', 'restart', 'stop_grace_period', 'environment', 'command', 'entrypoint', 'ports', 'volumes',
  'healthcheck', 'depends_on', 'networks', 'user', 'ulimits', 'labels', 'logging', 'deploy',
]);
const RESTART_POLICIES = new Set(['no', 'always', 'on-failure', 'unless-stopped']);

/** Compose's `${NAME:?message}` interpolation, as an operator's environment would fill it. */
const interpolate = (text: string, env: Readonly<Record<string, string>>): string =>
  text.replaceAll(/\$\{([A-Z_][A-Z0-9_]*)(?::[?-][^}]*)?\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) throw new Error(`compose.yaml needs \${${name}}, which the check does not set`);
    return value;
  });

const composeText = readFileSync(deployPath('compose.yaml'), 'utf8');
const compose = parse(interpolate(composeText, { FLOTILLA_CLUSTER_SECRET: SAMPLE_CLUSTER_SECRET }), { merge: true }) as {
  readonly name: string;
  readonly services: Record<string, Service>;
  readonly volumes: Record<string, unknown>;
};
const services = Object.entries(compose.services);
const durationS = (text: string): number => Number(/^([0-9]+)s$/.exec(text)?.[1]);

describe('deploy/compose.yaml', () => {
  it('uses only keys of the Compose specification, with values of their types', () => {
    for (const key of Object.keys(compose)) expect(TOP_LEVEL_KEYS.has(key) || key.startsWith('x-'), `top-level key ${key}`).toBe(true);
    expect(composeText).toMatch(/\$\{FLOTILLA_CLUSTER_SECRET:\?/);
    for (const [name, service] of services) {
      expect(name).toMatch(/^[a-zA-Z0-9._-]+$/);
      for (const key of Object.keys(service)) expect(SERVICE_KEYS.has(key), `${name}.${key}`).toBe(true);
      expect(RESTART_POLICIES.has(service.restart)).toBe(true);
      expect(service.command.every((arg) => typeof arg === 'string')).toBe(true);
      expect(Object.values(service.environment).every((value) => typeof value === 'string')).toBe(true);
      for (const port of service.ports) expect(port).toMatch(/^(127\.0\.0\.1:)?[0-9]+:[0-9]+$/);
      for (const volume of service.volumes) expect(volume).toMatch(/^[a-z0-9][a-z0-9_.-]*:\/[^:]*$/);
    }
  });

  it('builds the image from the repository with deploy/Dockerfile', () => {
    for (const [, service] of services) {
      const context = join(deployPath('.'), service.build.context);
      expect(existsSync(join(context, service.build.dockerfile))).toBe(true);
      expect(join(context, service.build.dockerfile)).toBe(deployPath('Dockerfile'));
    }
  });

  it('runs 3 nodes whose flags the server accepts, each peer named by its service', () => {
    expect(services).toHaveLength(3);
    const configs = services.map(([name, service]) => ({ name, service, config: serverConfig(service.command, { ...imageEnv(), ...service.environment }) }));
    expect(configs.map(({ config }) => Number(config.node.id)).sort()).toEqual([1, 2, 3]);
    for (const { name, service, config } of configs) {
      // Every node lists the same members, and each member's address is its service's peer port.
      const peers = [...config.node.peers].map(([id, address]) => ({ id: Number(id), host: address.host, port: address.port }));
      expect(peers.map((peer) => peer.id).sort()).toEqual([1, 2, 3]);
      for (const peer of peers) {
        const owner = configs.find(({ config: other }) => Number(other.node.id) === peer.id);
        expect(peer.host, `node ${peer.id}'s address in ${name}'s --peers`).toBe(owner?.name);
        expect(peer.port).toBe(owner?.config.node.peerListen.port);
      }
      // Clients on the host reach the node where it says it is.
      const [hostPort, containerPort] = (service.ports[0] ?? '').split(':').slice(-2).map(Number);
      expect(containerPort).toBe(config.clientListen.port);
      expect(config.node.advertiseClientUrl).toBe(`http://127.0.0.1:${hostPort}`);
      expect(durationS(service.stop_grace_period) * 1000).toBeGreaterThan(serverShutdownDeadlineMs());
    }
    expect(new Set(configs.map(({ config }) => config.node.advertiseClientUrl)).size).toBe(3);
  });

  it('keeps each node\'s data on a volume of its own, declared at the top level', () => {
    const mounts = services.map(([, service]) => {
      const config = serverConfig(service.command, { ...imageEnv(), ...service.environment });
      const mount = service.volumes.find((volume) => volume.endsWith(`:${config.node.dataDir}`));
      return mount?.split(':')[0];
    });
    expect(new Set(mounts).size).toBe(3);
    for (const volume of mounts) expect(Object.keys(compose.volumes)).toContain(volume);
  });
});
