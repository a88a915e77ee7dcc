import { useCallback, useState } from 'react';

/** Runs one async action at a time and keeps its result or error for rendering. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [state, setState] = useState<{ busy: boolean; result?: R; error?: unknown }>({ busy: false });
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setState({ busy: true });
      try {
        const result = await action(...args);
        setState({ busy: false, result });
        return result;
      } catch (error) {
        setState({ busy: false, error });
        return undefined;
      }
    },
    [action],
  );
  return { ...state, run, reset: () => setState({ busy: false }) };
}
