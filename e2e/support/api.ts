/** Calls the server's HTTP API with a key, as an app would: the test's way to set up data and check results. */
export async function callApi(baseUrl: string, method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  // 204 answers have no body.
  const text = await res.text();
  return { status: res.status, requestId: res.headers.get('x-request-id') ?? '', json: (text ? JSON.parse(text) : null) as any };
}
