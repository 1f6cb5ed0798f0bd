import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Service } from 'kubernetes-models/v1/Service';
import { deployPath } from './deploy-paths.js';
import { imageEnv } from './image.js';
import { SAMPLE_CLUSTER_SECRET, serverConfig, serverProbePaths, serverShutdownDeadlineMs } from './server-config.js';

// No API server runs here: each object is validated against the Kubernetes OpenAPI schema by
// kubernetes-models (types, required fields, enums), and the parts that make a Flotilla cluster
// work are checked by hand, down to each pod's start through the server's own flag parser.

const NAMESPACE = 'flotilla-test';
const documents = parseAllDocuments(readFileSync(deployPath('kubernetes/flotilla.yaml'), 'utf8')).map((document) => {
  if (document.errors.length > 0) throw new Error(`kubernetes/flotilla.yaml: ${document.errors.map((error) => error.message).join('; ')}`);
  return document.toJS() as { kind: string; metadata: { name: string } };
});
const ofKind = <T>(kind: string): T[] => documents.filter((document) => document.kind === kind) as T[];
const statefulSet = new StatefulSet(ofKind<StatefulSet>('StatefulSet')[0]);
const services = ofKind<Service>('Service').map((service) => new Service(service));
const budget = new PodDisruptionBudget(ofKind<PodDisruptionBudget>('PodDisruptionBudget')[0]);

const podSpec = () => {
  const spec = statefulSet.spec?.template.spec;
  if (spec === undefined) throw new Error('the StatefulSet has no pod template spec');
  return spec;
};
const container = () => {
  const [only, ...others] = podSpec().containers;
  if (only === undefined || others.length > 0) throw new Error('the pod should run one container');
  return only;
};
const containerPort = (name: string): number => {
  const port = container().ports?.find((candidate) => candidate.name === name)?.containerPort;
  if (port === undefined) throw new Error(`the container has no port named ${name}`);
  return port;
};
const podLabels = () => statefulSet.spec?.template.metadata?.labels ?? {};
const selects = (selector: Record<string, string> | undefined): boolean =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => podLabels()[key] === value);

/** The pod's environment as Kubernetes fills it for the pod with ordinal `ordinal`. */
const podEnv = (ordinal: number): Record<string, string> => {
  const podName = `${statefulSet.metadata?.name}-${ordinal}`;
  const fieldValues: Record<string, string> = {
    "metadata.labels['apps.kubernetes.io/pod-index']": String(ordinal),
    'metadata.name': podName,
    'metadata.namespace': NAMESPACE,
  };
  return Object.fromEntries(
    (container().env ?? []).map((variable) => {
      if (variable.value !== undefined) return [variable.name, variable.value];
      const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
      if (fieldPath !== undefined) {
        const value = fieldValues[fieldPath];
        if (value === undefined) throw new Error(`the check does not know field ${fieldPath}`);
        return [variable.name, value];
      }
      if (variable.valueFrom?.secretKeyRef !== undefined) return [variable.name, SAMPLE_CLUSTER_SECRET];
      throw new Error(`env ${variable.name} has neither a value nor a known source`);
    }),
  );
};

/** `$(NAME)` in args, expanded from the container's environment as the kubelet does. */
const expand = (arg: string, env: Readonly<Record<string, string>>): string =>
  arg.replaceAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);

const ordinals = (): number[] => {
  const start = statefulSet.spec?.ordinals?.start ?? 0;
  return Array.from({ length: statefulSet.spec?.replicas ?? 1 }, (_, index) => start + index);
};

/** What the server makes of one pod's start: the image's ENV, then the container's env and args. */
const podConfig = (ordinal: number) => {
  const env = podEnv(ordinal);
  const serverEnv = Object.fromEntries(Object.entries({ ...imageEnv(), ...env }).filter(([name]) => name.startsWith('FLOTILLA_')));
  expect(container().command, 'the image entry point starts the server').toBeUndefined();
  return serverConfig((container().args ?? []).map((arg) => expand(arg, env)), serverEnv);
};

describe('deploy/kubernetes/flotilla.yaml', () => {
  it('is valid against the Kubernetes schema, object by object', () => {
    expect(documents.map((document) => document.kind).sort()).toEqual(['PodDisruptionBudget', 'Service', 'Service', 'StatefulSet']);
    for (const object of [statefulSet, budget, ...services]) expect(() => object.validate()).not.toThrow();
  });

  it('gives the StatefulSet a headless Service that publishes peers before they are ready', () => {
    const headless = services.find((service) => service.metadata?.name === statefulSet.spec?.serviceName);
    expect(headless?.spec?.clusterIP).toBe('None');
    expect(headless?.spec?.publishNotReadyAddresses).toBe(true);
    expect(selects(headless?.spec?.selector)).toBe(true);
    expect(selects(statefulSet.spec?.selector.matchLabels)).toBe(true);
    for (const service of services) {
      expect(selects(service.spec?.selector)).toBe(true);
      for (const port of service.spec?.ports ?? []) expect(containerPort(String(port.targetPort))).toBe(port.port);
    }
  });

  it('starts every pod with flags the server accepts: its own id, the same peers, its own URL', () => {
    const serviceName = statefulSet.spec?.serviceName;
    for (const ordinal of ordinals()) {
      const config = podConfig(ordinal);
      expect(Number(config.node.id)).toBe(ordinal);
      expect(config.clientListen.port).toBe(containerPort('client'));
      expect(config.node.peerListen.port).toBe(containerPort('peer'));
      expect(config.node.advertiseClientUrl).toBe(`http://${statefulSet.metadata?.name}-${ordinal}.${serviceName}.${NAMESPACE}.svc:${containerPort('client')}`);
      const peers = [...config.node.peers].map(([id, address]) => [Number(id), `${address.host}:${address.port}`]);
      expect(peers).toEqual(ordinals().map((peer) => [peer, `${statefulSet.metadata?.name}-${peer}.${serviceName}:${containerPort('peer')}`]));
      const mount = container().volumeMounts?.find((volume) => volume.mountPath === config.node.dataDir);
      expect(statefulSet.spec?.volumeClaimTemplates?.map((claim) => claim.metadata?.name)).toContain(mount?.name);
    }
  });

  it('probes readiness on /readyz and liveness on /livez at the client port', () => {
    const paths = serverProbePaths();
    for (const [probe, path] of [[container().readinessProbe, '/readyz'], [container().livenessProbe, '/livez']] as const) {
      expect(probe?.httpGet?.path).toBe(path);
      expect(paths).toContain(path);
      expect(probe?.httpGet?.port).toBe('client');
    }
  });

  it('keeps a quorum through voluntary disruptions and waits out a graceful stop', () => {
    const replicas = statefulSet.spec?.replicas ?? 0;
    const quorum = Math.floor(replicas / 2) + 1;
    expect(selects(budget.spec?.selector?.matchLabels)).toBe(true);
    expect(replicas - Number(budget.spec?.maxUnavailable)).toBeGreaterThanOrEqual(quorum);
    expect((podSpec().terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(serverShutdownDeadlineMs());
    expect(podSpec().securityContext?.runAsNonRoot).toBe(true);
  });
});
