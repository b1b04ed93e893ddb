import { useCallback, useState } from 'react';

/**
 * Cursor paging with Previous/Next: cursors[i] loads page i (page 0 has none). Changing `resetKey`
 * (a filter) goes back to the first page.
 */
export function useCursorStack(resetKey: string) {
  const [state, setState] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: resetKey, cursors: [undefined] });
  const cursors = state.key === resetKey ? state.cursors : [undefined];
  const page = cursors.length - 1;
  const next = useCallback(
    (cursor: string | null | undefined) => {
      if (cursor) setState({ key: resetKey, cursors: [...cursors, cursor] });
    },
    [cursors, resetKey],
  );
  const previous = useCallback(() => setState({ key: resetKey, cursors: cursors.length > 1 ? cursors.slice(0, -1) : cursors }), [cursors, resetKey]);
  return { page, cursor: cursors[page], next, previous };
}
