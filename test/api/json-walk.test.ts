import { describe, expect, it } from 'vitest';
import { findInJson, nestsDeeperThan, pathOf } from '../../src/api/json-walk';

/** `levels` arrays, one inside the other, parsed from text as a request body would be. */
const nestedArrays = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

describe('findInJson', () => {
  it('finds a key anywhere and tells the path to it', () => {
    const body: unknown = JSON.parse('{"a":[{"b":1},{"c":{"__proto__":{"x":1}}}]}');

    const found = findInJson(body, (visit) => visit.key === '__proto__');

    expect(found && pathOf(found)).toEqual(['a', '1', 'c', '__proto__']);
    expect(findInJson(body, (visit) => visit.key === 'missing')).toBeUndefined();
  });

  it('walks a document 200,000 levels deep without overflowing the stack', () => {
    const deep = nestedArrays(200_000);

    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(findInJson(deep, () => false)).toBeUndefined();
  });
});

describe('nestsDeeperThan', () => {
  it('counts the document itself as the first level and scalars as none', () => {
    expect(nestsDeeperThan(nestedArrays(32), 32)).toBe(false);
    expect(nestsDeeperThan(nestedArrays(33), 32)).toBe(true);
    expect(nestsDeeperThan({ a: { b: 'leaf' } }, 2)).toBe(false);
    expect(nestsDeeperThan({ a: { b: {} } }, 2)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });
});
