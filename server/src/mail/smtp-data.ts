import type { SMTPServerDataStream } from 'smtp-server';

/** The whole message of an SMTP DATA stream, or null once it passes `max` bytes (the rest is drained, not kept). */
export function readLimited(stream: SMTPServerDataStream, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(size > max || stream.sizeExceeded ? null : Buffer.concat(chunks)));
  });
}
