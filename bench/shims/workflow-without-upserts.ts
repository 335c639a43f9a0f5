/**
 * Stands in for `@temporalio/workflow` in the delivery workflows of the bench's "search attributes off"
 * runs: everything as the SDK has it, except that upserting search attributes records no command.
 */
export * from '@temporalio/workflow/lib/index';

export function upsertSearchAttributes(): void {
  // Off: the bench prices what the upserts cost.
}
