/**
 * One measurement: autocannon against a running server for a warm-up, then for the measured
 * time, with the server's resident memory sampled meanwhile. Latencies are taken from each
 * response (autocannon's own histogram keeps whole milliseconds only).
 *
 * @module
 */
import autocannon from 'autocannon';
import type { RunningServer } from './servers.js';

export interface Measurement {
  /** Responses per second over the measured time. */
  rps: number;
  /** Latency percentiles, in milliseconds. */
  p50: number;
  p99: number;
  /** Responses whose status was not the expected one, and connection errors or timeouts. */
  unexpected: number;
  /** Every status seen, with its count. */
  statuses: { [status: string]: number };
}

export interface LoadOptions {
  connections: number;
  warmSeconds: number;
  seconds: number;
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

async function fire(
  server: RunningServer,
  requests: autocannon.Request[],
  connections: number,
  seconds: number,
  latencies?: number[],
  statuses?: { [status: string]: number },
): Promise<autocannon.Result> {
  const sampler = setInterval(() => server.sampleRss(), 100);
  try {
    return await new Promise<autocannon.Result>((resolve, reject) => {
      const options = { url: server.origin, connections, duration: seconds, timeout: 30, requests };
      const instance = autocannon(options, (error, result) =>
        error ? reject(error) : resolve(result),
      );
      instance.on('response', (_client, status, _bytes, ms) => {
        latencies?.push(ms);
        if (statuses) statuses[status] = (statuses[status] ?? 0) + 1;
      });
    });
  } finally {
    clearInterval(sampler);
    server.sampleRss();
  }
}

/** Warms the server with `requests`, then measures them; `expect` is the status they get. */
export async function measure(
  server: RunningServer,
  requests: autocannon.Request[],
  expect: number,
  options: LoadOptions,
): Promise<Measurement> {
  await fire(server, requests, options.connections, options.warmSeconds);
  const latencies: number[] = [];
  const statuses: { [status: string]: number } = {};
  const result = await fire(
    server,
    requests,
    options.connections,
    options.seconds,
    latencies,
    statuses,
  );
  latencies.sort((a, b) => a - b);
  const answered = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    rps: answered / result.duration,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    unexpected: answered - (statuses[expect] ?? 0) + result.errors,
    statuses,
  };
}
