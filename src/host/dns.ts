// DNS lookups for service discovery, through node's resolver. `servers` points the
// resolver at specific name servers (`host:port`), which tests use to talk to a resolver
// they started on a loopback port; by default the system's resolvers are used.
import { Resolver } from 'node:dns/promises';

export interface SrvRecord {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

export interface DnsResolver {
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolveA(name: string): Promise<string[]>;
  resolveAAAA(name: string): Promise<string[]>;
}

export function createDnsResolver(options: { servers?: readonly string[]; timeoutMs?: number } = {}): DnsResolver {
  const r = new Resolver({ timeout: options.timeoutMs ?? 5000, tries: 2 });
  if (options.servers?.length) r.setServers([...options.servers]);
  return {
    resolveSrv: async (name) => (await r.resolveSrv(name)).map((s) => ({ name: s.name, port: s.port, priority: s.priority, weight: s.weight })),
    resolveA: (name) => r.resolve4(name),
    resolveAAAA: (name) => r.resolve6(name),
  };
}
