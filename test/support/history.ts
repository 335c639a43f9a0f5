import type { Payload, PayloadCodec } from '@temporalio/common';

/**
 * Everything a history says, as text: its JSON and every payload's metadata and data, base64-decoded. With a codec,
 * encrypted payloads are decrypted too, as anyone holding the key could.
 */
export async function readableHistory(history: unknown, codec?: PayloadCodec): Promise<string> {
  const payloads: Payload[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const { metadata, data } = node as { metadata?: unknown; data?: unknown };
      if (metadata && typeof data === 'string') {
        const meta = Object.fromEntries(
          Object.entries(metadata as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
        );
        payloads.push({ metadata: meta, data: Buffer.from(data, 'base64') });
      }
      for (const value of Object.values(node)) walk(value);
    }
  };
  const raw = JSON.stringify(history);
  walk(JSON.parse(raw));
  const readable = codec ? await codec.decode(payloads) : payloads;
  const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
  return [raw, ...readable.flatMap((p) => [...Object.values(p.metadata ?? {}).map(text), text(p.data)])].join('\n');
}
