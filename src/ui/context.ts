import type { EventTypeOption, Features } from './api';

/** What every view may need besides its own data, loaded once per session. */
export interface Context {
  features: Features;
  eventTypes: EventTypeOption[];
}
