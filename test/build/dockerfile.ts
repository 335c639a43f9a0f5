/** Reads a Dockerfile into stages of instructions, as far as the image build test needs. */

export interface Instruction {
  keyword: string;
  /** The rest of the line, continuations joined. */
  args: string;
  /** `--from=…`, `--chown=…`: flags of COPY. */
  flags: Record<string, string>;
  /** JSON exec form (`CMD ["node", "…"]`), when the arguments are one. */
  exec?: string[];
}

export interface Stage {
  name: string;
  /** An image, or the name of an earlier stage. */
  from: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [from = '', , name] = rest.split(/\s+/);
      stages.push({ from, name: name ?? String(stages.length), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${keyword} before any FROM`);
    const flags: Record<string, string> = {};
    let args = rest;
    for (let match = /^--([a-z-]+)=(\S+)\s+/.exec(args); match; match = /^--([a-z-]+)=(\S+)\s+/.exec(args)) {
      flags[match[1]!] = match[2]!;
      args = args.slice(match[0].length);
    }
    const exec = args.startsWith('[') ? (JSON.parse(args) as string[]) : undefined;
    stage.instructions.push({ keyword: upper, args: args.replace(/\s+/g, ' '), flags, exec });
  }
  return stages;
}

/** `.dockerignore` as a filter on paths relative to the context (the patterns this project uses). */
export function dockerIgnore(text: string): (relativePath: string) => boolean {
  const patterns = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`));
  return (relativePath) => patterns.some((pattern) => pattern.test(relativePath));
}
