/**
 * Kafka's listener configs: `listeners`, `advertised.listeners`, `listener.security.protocol.map` and
 * `controller.listener.names`, parsed and checked as Kafka's AbstractKafkaConfig / KafkaConfig do, with Kafka's
 * error wording so that a server.properties that Kafka refuses is refused here with the same reason.
 */
import { hostname } from 'node:os';
import { isIP } from 'node:net';

/** One `NAME://host:port` entry; `host` is '' for "all interfaces" (Kafka's null host). */
export interface ListenerEndpoint {
  /** Upper-cased, as Kafka's ListenerName.normalised. */
  name: string;
  host: string;
  port: number;
}

/** A listener gregor serves: where it binds and, when set, what it tells clients. */
export interface ListenerSpec extends ListenerEndpoint {
  advertisedHost?: string;
  /** 0 (or unset) advertises the port actually bound. */
  advertisedPort?: number;
}

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

/** SocketServerConfigs.LISTENER_SECURITY_PROTOCOL_MAP_DEFAULT: each protocol is a listener name of its own. */
const DEFAULT_PROTOCOL_MAP = 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL';

/** Kafka's uriParseExp: a name, `://`, a host (IPv6 in brackets), a port. */
const ENDPOINT = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;

function csv(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** CoreUtils' parse of one entry, without the protocol lookup. */
function parseEndpoint(entry: string): ListenerEndpoint {
  const m = ENDPOINT.exec(entry);
  if (m === null) throw new Error(`Unable to parse ${entry} to a broker endpoint (expected NAME://host:port, as PLAINTEXT://host:port)`);
  const port = Number(m[3]);
  // Kafka's regex takes any number; the JVM's socket address refuses it with this message.
  if (port < 0 || port > 65535) throw new Error(`port out of range:${port}`);
  return { name: m[1]!.toUpperCase(), host: m[2]!, port };
}

/** `listener.security.protocol.map` (Kafka's default unless set), plus controller names as PLAINTEXT as Kafka adds them. */
export function securityProtocolMap(configs: Readonly<Record<string, string>>, listeners: string): Map<string, SecurityProtocol> {
  const key = 'listener.security.protocol.map';
  const map = new Map<string, SecurityProtocol>();
  for (const pair of csv(configs[key] ?? DEFAULT_PROTOCOL_MAP)) {
    const colon = pair.lastIndexOf(':');
    if (colon <= 0) throw new Error(`Error parsing configuration property '${key}': "${pair}" is not NAME:PROTOCOL`);
    const protocol = pair.slice(colon + 1).trim().toUpperCase();
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) throw new Error(`Invalid security protocol \`${protocol}\` defined in ${key}`);
    map.set(pair.slice(0, colon).trim().toUpperCase(), protocol as SecurityProtocol);
  }
  // AbstractKafkaConfig.effectiveListenerSecurityProtocolMap: with the default map and no SSL/SASL in sight, the
  // controller listeners are PLAINTEXT (so Kafka's stock `CONTROLLER://:9093` needs no map entry).
  if (configs[key] === undefined) {
    const controllers = controllerListenerNames(configs);
    const names = [...controllers, ...csv(listeners).map((l) => l.split(':')[0]!.toUpperCase())];
    if (!names.some((n) => n === 'SSL' || n === 'SASL_SSL' || n === 'SASL_PLAINTEXT'))
      for (const c of controllers) if (!map.has(c)) map.set(c, 'PLAINTEXT');
  }
  return map;
}

export function controllerListenerNames(configs: Readonly<Record<string, string>>): string[] {
  return csv(configs['controller.listener.names'] ?? '').map((n) => n.toUpperCase());
}

/**
 * AbstractKafkaConfig.listenerListToEndPoints: every entry parsed and mapped to a security protocol, names
 * unique and, when `distinctPorts`, ports unique (0 excepted; one IPv4 and one IPv6 address may share a port).
 */
export function listenerListToEndPoints(
  text: string,
  protocols: ReadonlyMap<string, SecurityProtocol>,
  distinctPorts = true,
): (ListenerEndpoint & { securityProtocol: SecurityProtocol })[] {
  try {
    const endpoints = csv(text).map((entry) => {
      const ep = parseEndpoint(entry);
      const securityProtocol = protocols.get(ep.name);
      if (securityProtocol === undefined) throw new Error(`No security protocol defined for listener ${ep.name}`);
      return { ...ep, securityProtocol };
    });
    if (new Set(endpoints.map((e) => e.name)).size !== endpoints.length)
      throw new Error(`Each listener must have a different name, listeners: ${text}`);
    if (distinctPorts) checkPorts(endpoints, text);
    return endpoints;
  } catch (e) {
    throw new Error(`Error creating broker listeners from '${text}': ${(e as Error).message}`);
  }
}

function checkPorts(endpoints: readonly ListenerEndpoint[], text: string): void {
  const byPort = new Map<number, ListenerEndpoint[]>();
  for (const e of endpoints) if (e.port !== 0) byPort.set(e.port, [...(byPort.get(e.port) ?? []), e]);
  for (const [port, eps] of byPort) {
    if (eps.length < 2) continue;
    const withIp = eps.filter((e) => isIP(e.host) !== 0);
    const withoutIp = eps.length - withIp.length;
    if (withoutIp > 1) throw new Error(`Each listener must have a different port, listeners: ${text}`);
    if (withIp.length === 0) continue;
    if (withIp.length !== 2)
      throw new Error(`Each listener must have a different port unless exactly one listener has an IPv4 address and the other IPv6 address, listeners: ${text}, port: ${port}`);
    if (withoutIp > 0 || isIP(withIp[0]!.host) === isIP(withIp[1]!.host))
      throw new Error(`If you have two listeners on the same port then one needs to be IPv4 and the other IPv6, listeners: ${text}, port: ${port}`);
  }
}

/**
 * The listeners gregor serves: `listeners` less the controller listeners (gregor's controller is in-process and
 * has no socket of its own), each with its `advertised.listeners` entry when there is one. Only PLAINTEXT is
 * served so far: any other protocol is refused here, before anything binds.
 */
export function resolveListeners(configs: Readonly<Record<string, string>>, listeners: string, advertised: string | undefined): ListenerSpec[] {
  const protocols = securityProtocolMap(configs, listeners);
  const controllers = new Set(controllerListenerNames(configs));
  const bound = listenerListToEndPoints(listeners, protocols).filter((l) => !controllers.has(l.name));
  if (bound.length === 0) throw new Error(`There must be at least one broker listener in '${listeners}' (controller.listener.names are not broker listeners)`);
  for (const l of bound)
    if (l.securityProtocol !== 'PLAINTEXT')
      throw new Error(`listener ${l.name} uses security protocol ${l.securityProtocol}: gregor serves PLAINTEXT listeners only (SSL and SASL are not supported yet)`);

  const ads = advertised === undefined ? [] : listenerListToEndPoints(advertised, protocols, false).filter((l) => !controllers.has(l.name));
  const names = new Set(bound.map((l) => l.name));
  if (ads.some((a) => !names.has(a.name)))
    throw new Error(
      `advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. ` +
        `Found ${ads.map((a) => a.name).join(',')}. The valid options based on the current configuration are ${[...names].join(',')}`,
    );
  if (ads.some((a) => a.host === '0.0.0.0')) throw new Error(NON_ROUTABLE);
  return bound.map(({ name, host, port }) => {
    const ad = ads.find((a) => a.name === name);
    return { name, host, port, ...(ad === undefined ? {} : { advertisedHost: ad.host, advertisedPort: ad.port }) };
  });
}

const NON_ROUTABLE = 'advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.';

/**
 * The host a listener without an advertised host tells clients. The first listener keeps gregor's single-listener
 * rule (a loopback or wildcard bind advertises `localhost`, which a client on this machine reaches); the others
 * follow Kafka: an empty host advertises this machine's name (ListenerInfo.withWildcardHostnamesResolved), and
 * 0.0.0.0 is refused as Kafka refuses it.
 */
export function defaultAdvertisedHost(host: string, first: boolean, name = ''): string {
  if (first) return host === '' || host === '0.0.0.0' || host === '::' || host === '127.0.0.1' ? 'localhost' : host;
  if (host === '') return hostname();
  if (host === '0.0.0.0') throw new Error(`listener ${name} binds 0.0.0.0 and has no advertised.listeners entry: ${NON_ROUTABLE}`);
  return host;
}

/** The address a listener binds: Kafka's null host is every interface. */
export function bindHost(host: string): string {
  return host === '' ? '0.0.0.0' : host;
}

/** `NAME://host:port` as Kafka writes an endpoint (IPv6 in brackets). */
export function formatEndpoint(name: string, host: string, port: number): string {
  return `${name}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
