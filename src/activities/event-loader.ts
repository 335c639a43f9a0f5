import type { Client } from '@temporalio/client';
import { LRUCache } from 'lru-cache';
import type { EventEnvelope } from '../contract/delivery';
import { readStartInput } from '../emit/start-input';

/** Reads the event that attempts of a large fan-out only reference. */
export interface EventLoader {
  load(eventWorkflowId: string): Promise<EventEnvelope>;
}

export interface EventLoaderOptions {
  /** Events kept in memory (up to 256 KiB each). @default 64 */
  maxEvents?: number;
}

/** The referenced workflow no longer exists (its retention ended) or holds no event. */
export class EventNotFoundError extends Error {
  constructor(readonly eventWorkflowId: string) {
    super(`No event in the start input of workflow ${eventWorkflowId}`);
    this.name = 'EventNotFoundError';
  }
}

/**
 * Reads an event from the start input of the delivery workflow that holds it (one history event, and
 * decrypted by the client's data converter), so that Temporal stays the one store of event data. The
 * hundreds of attempts of one fan-out share a single read: concurrent loads of one event wait for the
 * same request, and recent events stay cached.
 */
export function createEventLoader(client: Client, options: EventLoaderOptions = {}): EventLoader {
  const cache = new LRUCache<string, EventEnvelope>({
    max: options.maxEvents ?? 64,
    fetchMethod: async (eventWorkflowId) => {
      const input = await readStartInput(client, eventWorkflowId);
      if (!input) throw new EventNotFoundError(eventWorkflowId);
      return input.event;
    },
  });
  return {
    async load(eventWorkflowId) {
      const event = await cache.fetch(eventWorkflowId);
      if (!event) throw new EventNotFoundError(eventWorkflowId);
      return event;
    },
  };
}
