import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployPath } from './deploy-paths.js';
import { serverConfig, serverShutdownDeadlineMs } from './server-config.js';
import { parseEnvFile, parseUnit, unitValue } from './systemd-unit.js';

const unit = parseUnit(readFileSync(deployPath('systemd/flotilla.service'), 'utf8'));
const envFile = parseEnvFile(readFileSync(deployPath('systemd/flotilla.env'), 'utf8'));

describe('deploy/systemd/flotilla.service', () => {
  it('has the sections systemd needs and runs as its own user', () => {
    expect([...unit.keys()]).toEqual(['Unit', 'Service', 'Install']);
    expect(unitValue(unit, 'Service', 'User')).not.toBe('root');
    expect(unitValue(unit, 'Install', 'WantedBy')).toBe('multi-user.target');
  });

  it('starts the server with flags, and an environment file, that the server accepts', () => {
    const [node, script, ...flags] = unitValue(unit, 'Service', 'ExecStart').split(/\s+/);
    expect(node).toMatch(/^\/.*\/node$/);
    expect(script).toBe('/opt/flotilla/dist/main.js');
    expect(basename(unitValue(unit, 'Service', 'EnvironmentFile'))).toBe('flotilla.env');
    const config = serverConfig(flags, envFile);
    expect(config.node.dataDir).toBe(`/var/lib/${unitValue(unit, 'Service', 'StateDirectory')}`);
    expect(config.node.peers.size).toBe(3);
  });

  it('gives a graceful stop longer than the server takes at most', () => {
    const timeoutS = Number(/^([0-9]+)s$/.exec(unitValue(unit, 'Service', 'TimeoutStopSec'))?.[1]);
    expect(timeoutS * 1000).toBeGreaterThan(serverShutdownDeadlineMs());
    expect(unitValue(unit, 'Service', 'KillSignal')).toBe('SIGTERM');
  });
});
