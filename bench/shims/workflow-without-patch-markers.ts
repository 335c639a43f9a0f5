/**
 * Stands in for `@temporalio/workflow` in the bench's "patch markers off" runs: every patch is taken, as
 * in a workflow started after it, but records no marker, so the SDK upserts no `TemporalChangeVersion`.
 * Only ever bundled for the bench's own fresh workflows, which no older code replays.
 */
export * from '@temporalio/workflow/lib/index';

export function patched(): boolean {
  return true;
}

export function deprecatePatch(): void {
  // Off: no marker.
}
