/** RFC 9457 problem details: the body of every error the API sends, and what its clients read. */
import { z } from 'zod';

export const InvalidFieldSchema = z.object({
  /** Dotted path of the offending field, such as `events.0` or `headers.x-api-key`. */
  field: z.string(),
  message: z.string(),
});
export type InvalidField = z.infer<typeof InvalidFieldSchema>;

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  /** The offending fields of a validation error. */
  errors: z.array(InvalidFieldSchema).optional(),
  /**
   * On a 503 to an emit: the id the event was given. The start may have committed; send the event again
   * with this id and it is delivered once either way.
   */
  eventId: z.string().optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
