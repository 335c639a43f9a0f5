/** One value met while walking a parsed JSON document. */
export interface JsonVisit {
  value: unknown;
  /** 1 for the root; each object or array adds a level for what it holds. */
  depth: number;
  /** The key or index under which the parent holds this value; undefined for the root. */
  key?: string;
  parent?: JsonVisit;
}

/** Keys and indexes from the root down to a visited value. */
export function pathOf(visit: JsonVisit): string[] {
  const path: string[] = [];
  for (let v: JsonVisit | undefined = visit; v?.key !== undefined; v = v.parent) path.push(v.key);
  return path.reverse();
}

/**
 * The first value of a parsed JSON document (depth first) for which `matches` is true. It walks with a
 * stack of its own rather than by recursion: a body of 256 KiB can nest 100,000 levels deep, which a
 * recursive walk, and every recursive consumer after it, would not survive.
 */
export function findInJson(root: unknown, matches: (visit: JsonVisit) => boolean): JsonVisit | undefined {
  const stack: JsonVisit[] = [{ value: root, depth: 1 }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    if (matches(visit)) return visit;
    const { value, depth } = visit;
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      stack.push({ value: child, depth: depth + 1, key, parent: visit });
    }
  }
  return undefined;
}

/** Whether a parsed JSON document holds objects or arrays more than `maxDepth` levels deep. */
export function nestsDeeperThan(root: unknown, maxDepth: number): boolean {
  const tooDeep = ({ value, depth }: JsonVisit) => depth > maxDepth && typeof value === 'object' && value !== null;
  return findInJson(root, tooDeep) !== undefined;
}
