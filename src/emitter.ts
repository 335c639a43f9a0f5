import type { Client } from '@temporalio/client';
import { readDeliveryInput } from './api/domain/delivery-status';
import { newId } from './db/ids';
import { startDelivery } from './emit/start-delivery';
import { DEFAULT_TASK_QUEUE, type EventEnvelope } from './shared/contract';
import { idempotentEventId } from './shared/event-ids';
import type { EventDataMap, EventType } from './shared/event-types';

export interface EmitOptions {
  /** Your id for the event: emitting the same id again delivers nothing twice. Generated when absent. */
  id?: string;
  /** When the event happened; now when absent. */
  occurredAt?: Date | string;
  /** Used for the id when none is given: the same key always maps to the same event. */
  idempotencyKey?: string;
}

/** What Hookline accepted. */
export interface EmittedEvent {
  id: string;
  type: EventType;
  workspaceId: string;
  timestamp: string;
  /** True when the event had been emitted before: this is the original, and nothing new was started. */
  replayed: boolean;
}

/** Emits events whose `data` type follows their event type. */
export interface Emitter {
  emit<T extends EventType>(type: T, data: EventDataMap[T], options?: EmitOptions): Promise<EmittedEvent>;
}

/** An RFC 9457 problem as the API sends it. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

/** The API refused the event, or could not be reached. */
export class EmitError extends Error {
  constructor(
    message: string,
    /** The HTTP status; undefined when no answer came. */
    readonly status: number | undefined,
    readonly problem: ProblemDetails | undefined,
    /** From `Retry-After`, when the API asks to try again later (503). */
    readonly retryAfterSeconds: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmitError';
  }

  /** Whether sending the same event again may succeed: no answer, 429 or 5xx. */
  get retryable(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

export interface HttpEmitterOptions {
  /** Where the Hookline API listens, such as `http://127.0.0.1:3000`. */
  baseUrl: string;
  apiKey: string;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * Emits events through the HTTP API (`POST /v1/events`). Pass an `id` or an `idempotencyKey` to make
 * retries after an {@link EmitError} whose `retryable` is true safe.
 */
export function createEmitter(options: HttpEmitterOptions): Emitter {
  const doFetch = options.fetch ?? fetch;
  const url = new URL('/v1/events', options.baseUrl).toString();
  return {
    async emit(type, data, emitOptions = {}) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${options.apiKey}`,
        'content-type': 'application/json',
      };
      if (emitOptions.idempotencyKey) headers['idempotency-key'] = emitOptions.idempotencyKey;
      const body = JSON.stringify({
        type,
        data,
        ...(emitOptions.id ? { id: emitOptions.id } : {}),
        ...(emitOptions.occurredAt ? { occurredAt: toIso(emitOptions.occurredAt) } : {}),
      });
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new EmitError(`Could not reach Hookline at ${url}`, undefined, undefined, undefined, { cause: err });
      }
      const text = await response.text();
      if (response.status !== 202) {
        const problem = parseProblem(text);
        const retryAfter = Number(response.headers.get('retry-after'));
        throw new EmitError(
          problem ? `${problem.title}: ${problem.detail}` : `Hookline answered HTTP ${response.status}`,
          response.status,
          problem,
          Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
        );
      }
      const accepted = JSON.parse(text) as Omit<EmittedEvent, 'replayed'>;
      return { ...accepted, replayed: response.headers.get('idempotent-replayed') === 'true' };
    },
  };
}

export interface TemporalEmitterOptions {
  /** A client of the Temporal namespace that Hookline's worker serves. */
  client: Client;
  /** The workspace the events belong to. */
  workspaceId: string;
  /** Default {@link DEFAULT_TASK_QUEUE}. */
  taskQueue?: string;
  /** Only useful when the client shares a `NativeConnection` with a worker. */
  eagerStart?: boolean;
}

/**
 * Emits events by starting the delivery workflow directly, for services that already hold a Temporal
 * client. Same envelope validation and workflow-id rule as the API: an event emitted both ways, or
 * twice, is delivered once.
 */
export function createTemporalEmitter(options: TemporalEmitterOptions): Emitter {
  const { client, workspaceId } = options;
  return {
    async emit(type, data, emitOptions = {}) {
      const event: EventEnvelope = {
        id:
          emitOptions.id ??
          (emitOptions.idempotencyKey ? idempotentEventId(workspaceId, emitOptions.idempotencyKey) : newId('evt')),
        type,
        workspaceId,
        timestamp: toIso(emitOptions.occurredAt ?? new Date()),
        data: { ...data },
      };
      const { started, workflowId } = await startDelivery(
        { event },
        { client, taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE, eagerStart: options.eagerStart },
      );
      const original = started
        ? event
        : ((await readDeliveryInput({ client, namespace: client.options.namespace }, workflowId))?.event ?? event);
      return {
        id: original.id,
        type: original.type as EventType,
        workspaceId: original.workspaceId,
        timestamp: original.timestamp,
        replayed: !started,
      };
    },
  };
}

function toIso(value: Date | string): string {
  return (typeof value === 'string' ? new Date(value) : value).toISOString();
}

function parseProblem(text: string): ProblemDetails | undefined {
  try {
    const value = JSON.parse(text) as Partial<ProblemDetails>;
    return typeof value.status === 'number' && typeof value.title === 'string' ? (value as ProblemDetails) : undefined;
  } catch {
    return undefined;
  }
}
