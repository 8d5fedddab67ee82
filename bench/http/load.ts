/**
 * One measurement: autocannon against a running server for a warm-up, then for the measured
 * time, with the server's resident memory sampled meanwhile. Latencies are taken from each
 * response (autocannon's own histogram keeps whole milliseconds only).
 *
 * Two pilot requests come first: a workload whose second request still takes longer than
 * `PILOT_LIMIT_MS` is not put under load (ten connections would queue minutes of work); its
 * pilot latency is reported instead. The first may pay what a server does once and then
 * remembers (a count per collection version, a statement to prepare), so it does not decide.
 *
 * @module
 */
import autocannon from 'autocannon';
import type { RunningServer } from './servers.js';

const PILOT_LIMIT_MS = 1_000;
/** Past this, a request counts as failed. */
const TIMEOUT_SECONDS = 60;

export interface Measurement {
  /** Responses per second over the measured time (one connection's rate for a pilot). */
  rps: number;
  /** Latency percentiles, in milliseconds. */
  p50: number;
  p99: number;
  /** Responses whose status was not the expected one, and connection errors or timeouts. */
  unexpected: number;
  /** Every status seen, with its count. */
  statuses: { [status: string]: number };
  /** Set when only the pilot request ran (it took longer than `PILOT_LIMIT_MS`). */
  pilotOnly?: true;
}

export interface LoadOptions {
  connections: number;
  warmSeconds: number;
  seconds: number;
}

/** A cheap storage read, answered only after what the server already queued. */
export interface Probe {
  path: string;
  headers: { [name: string]: string };
}

interface Run {
  connections: number;
  /** Seconds, or one request when absent. */
  seconds?: number;
}

interface Observed {
  result: autocannon.Result;
  latencies: number[];
  statuses: { [status: string]: number };
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

async function fire(
  server: RunningServer,
  requests: autocannon.Request[],
  run: Run,
): Promise<Observed> {
  const latencies: number[] = [];
  const statuses: { [status: string]: number } = {};
  const sampler = setInterval(() => server.sampleRss(), 100);
  try {
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      // autocannon notices that a run of one request is over at its next sample: every 50 ms
      // rather than every second (its default), which would add a second to every pilot.
      const length =
        run.seconds === undefined ? { amount: 1, sampleInt: 50 } : { duration: run.seconds };
      const options = {
        url: server.origin,
        connections: run.connections,
        timeout: TIMEOUT_SECONDS,
        requests,
        ...length,
      };
      const instance = autocannon(options, (error, result) =>
        error ? reject(error) : resolve(result),
      );
      instance.on('response', (_client, status, _bytes, ms) => {
        latencies.push(ms);
        statuses[status] = (statuses[status] ?? 0) + 1;
      });
    });
    return { result, latencies: latencies.sort((a, b) => a - b), statuses };
  } finally {
    clearInterval(sampler);
    server.sampleRss();
  }
}

/**
 * Waits until the server has answered the requests a run left in flight. A kept-alive socket
 * the server closed meanwhile fails the read at once: it is tried again, on a new socket.
 */
async function drain(server: RunningServer, probe: Probe): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(`${server.origin}${probe.path}`, {
        headers: probe.headers,
        signal: AbortSignal.timeout(180_000),
      });
      await response.arrayBuffer();
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

function summary(
  { result, latencies, statuses }: Observed,
  expect: number,
  seconds: number,
): Measurement {
  const answered = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    rps: answered / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    unexpected: answered - (statuses[expect] ?? 0) + result.errors,
    statuses,
  };
}

/**
 * Sends the pilot, then warms the server with `requests` and measures them; `expect` is the
 * status they get. Requests still in flight when a run ends are answered before the next run
 * starts, so no run pays for the backlog of another.
 */
export async function measure(
  server: RunningServer,
  requests: autocannon.Request[],
  expect: number,
  options: LoadOptions,
  probe: Probe,
): Promise<Measurement> {
  await fire(server, requests, { connections: 1 });
  await drain(server, probe);
  const pilot = await fire(server, requests, { connections: 1 });
  await drain(server, probe);
  const took = pilot.latencies[0] ?? TIMEOUT_SECONDS * 1000;
  if (took > PILOT_LIMIT_MS) {
    return { ...summary(pilot, expect, took / 1000), p50: took, p99: took, pilotOnly: true };
  }
  await fire(server, requests, { connections: options.connections, seconds: options.warmSeconds });
  await drain(server, probe);
  const measured = await fire(server, requests, {
    connections: options.connections,
    seconds: options.seconds,
  });
  await drain(server, probe);
  return summary(measured, expect, measured.result.duration);
}
