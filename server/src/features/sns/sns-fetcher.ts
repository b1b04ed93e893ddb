import https from 'node:https';

/**
 * The only network access SNS handling does, injectable so tests can serve their own certificate and
 * see which URLs were asked for. Callers check every URL against the AWS host pattern first.
 */
export interface SnsFetcher {
  /** PEM text of the certificate at `SigningCertURL`. */
  certificate(url: string): Promise<string>;
  /** GETs `SubscribeURL`, which confirms a subscription. */
  confirmSubscription(url: string): Promise<void>;
}

const TIMEOUT_MS = 5_000;
const MAX_BYTES = 64 * 1024;
const CERT_CACHE_SIZE = 50;

function httpsGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { timeout: TIMEOUT_MS }, (res) => {
      if (!res.statusCode || res.statusCode < 200 || res.statusCode >= 300) {
        res.resume();
        reject(new Error(`GET ${new URL(url).host} answered ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BYTES) req.destroy(new Error(`GET ${new URL(url).host}: answer larger than ${MAX_BYTES} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${new URL(url).host} timed out after ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}

/** Plain https GETs (certificate validation on, no redirects followed); certificates cached by URL. */
export function createSnsFetcher(get: (url: string) => Promise<string> = httpsGet): SnsFetcher {
  // SNS signing certificates are long-lived and named by URL: fetch each once.
  const certs = new Map<string, Promise<string>>();
  return {
    certificate(url) {
      let pem = certs.get(url);
      if (!pem) {
        pem = get(url);
        pem.catch(() => certs.delete(url)); // a failed fetch is not remembered
        if (certs.size >= CERT_CACHE_SIZE) certs.delete(certs.keys().next().value!);
        certs.set(url, pem);
      }
      return pem;
    },
    async confirmSubscription(url) {
      await get(url);
    },
  };
}
