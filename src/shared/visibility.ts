import type { Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { SearchAttributeKey } from './temporal-sdk';
import { decodePayload } from './temporal-sdk';

/** A value as a string literal of a Temporal visibility query. */
export function quoteQueryValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Reads the keyword search attributes of an execution as visibility lists it. */
export function searchAttributesOf(execution: temporal.api.workflow.v1.IWorkflowExecutionInfo): {
  keyword(key: SearchAttributeKey<'KEYWORD'>): string | undefined;
  keywords(key: SearchAttributeKey<'KEYWORD_LIST'>): string[];
} {
  const fields = execution.searchAttributes?.indexedFields ?? {};
  const read = <T>(name: string) => decodePayload<T>(fields[name] as Payload | undefined);
  return {
    keyword: (key) => read<string>(key.name),
    keywords: (key) => read<string[]>(key.name) ?? [],
  };
}
