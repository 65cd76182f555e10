/**
 * One id per HTTP request, from the door to the audit row: the server gives every request an id
 * (the caller's X-Request-Id when it is a plain token, else a new one), answers with it in
 * X-Request-Id, and the door hands it to the turn with a pino child logger, so every log line and
 * the audit row of that question carry it. A line in the log and a row in audit_log about the same
 * question are found by the id a person or a load balancer saw.
 */
import { randomUUID } from 'node:crypto';
import type express from 'express';
import type { Logger } from './logger.ts';

export const REQUEST_ID_HEADER = 'x-request-id';
const PLAIN_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The request's id, as the middleware left it on the request's headers. */
export function requestIdOf(req: {
  headers: Record<string, string | string[] | undefined>;
}): string | undefined {
  const id = req.headers[REQUEST_ID_HEADER];
  return typeof id === 'string' ? id : undefined;
}

/**
 * Gives the request its id, on its own headers (doors downstream read it there, bolt's receiver
 * included) and on the response; logs the request when it ends (debug: one line per request).
 */
export function requestIds(log: Logger): express.RequestHandler {
  return (req, res, next) => {
    const offered = requestIdOf(req);
    // Anything else (a newline, a 2 KB header) would end up in every log line as given.
    const id = offered && PLAIN_ID.test(offered) ? offered : randomUUID();
    req.headers[REQUEST_ID_HEADER] = id;
    res.setHeader('X-Request-Id', id);
    const started = performance.now();
    res.on('finish', () =>
      log.debug(
        {
          requestId: id,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      ),
    );
    next();
  };
}

/** A turn's dependencies with the request's child logger, so the skill's lines carry its id too. */
export function withRequestLog<D extends { log: unknown; present: { log: unknown } }>(
  deps: D,
  log: Logger,
  requestId: string | undefined,
): D {
  if (!requestId) return deps;
  const child = log.child({ requestId });
  return { ...deps, log: child, present: { ...deps.present, log: child } };
}
