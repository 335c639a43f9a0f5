import type { Client } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from '../contract/delivery';
import { EventDataError, eventDataIssues } from '../contract/event-data';
import { isEventType } from '../contract/event-types';
import type { Emitter } from './emitter';
import { buildEnvelope } from './envelope';
import { startDelivery } from './start-delivery';

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
 * client. Same envelope, validation and workflow-id rule as the API: an event emitted both ways, or
 * twice, is delivered once.
 */
export function createTemporalEmitter(options: TemporalEmitterOptions): Emitter {
  const { client, workspaceId } = options;
  return {
    async emit(type, data, emitOptions = {}) {
      // The types hold only for typed callers; the API would refuse these, so this path does too.
      if (!isEventType(type)) throw new TypeError(`${JSON.stringify(type)} is not an event type a service can emit`);
      const issues = eventDataIssues(type, data);
      if (issues.length > 0) throw new EventDataError(type, issues);
      const { started, event } = await startDelivery(
        { event: buildEnvelope({ workspaceId, type, data, ...emitOptions }) },
        { client, taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE, eagerStart: options.eagerStart },
      );
      const { data: _data, ...accepted } = event;
      return { ...accepted, replayed: !started };
    },
  };
}
