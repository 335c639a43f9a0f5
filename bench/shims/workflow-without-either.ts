/** Stands in for `@temporalio/workflow` in the bench's runs with search attributes and patch markers off. */
export * from '@temporalio/workflow/lib/index';
export { upsertSearchAttributes } from './workflow-without-upserts';
export { deprecatePatch, patched } from './workflow-without-patch-markers';
