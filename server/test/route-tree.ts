// Fastify has no public route list; printRoutes() draws its radix tree. This turns the drawing back
// into full paths (OpenAPI style, `{param}`), so a route hidden from /openapi.json is still seen.

const LINE = /^([│ ]*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/u;

export function registeredPaths(app: { printRoutes(opts?: { commonPrefix?: boolean }): string }): string[] {
  const stack: string[] = [];
  const paths = new Set<string>();
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    stack.length = m[1].length / 4;
    stack.push(m[2]);
    if (m[3]) paths.add(stack.join('').replace(/:(\w+)/g, '{$1}'));
  }
  return [...paths];
}
