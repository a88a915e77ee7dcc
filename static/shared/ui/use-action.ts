import { useCallback, useRef, useState } from 'react';

/** Runs one async action at a time and keeps its result or error for rendering; `run` is stable across renders. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [state, setState] = useState<{ busy: boolean; result?: R; error?: unknown }>({ busy: false });
  const latest = useRef(action);
  latest.current = action;
  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setState({ busy: true });
    try {
      const result = await latest.current(...args);
      setState({ busy: false, result });
      return result;
    } catch (error) {
      setState({ busy: false, error });
      return undefined;
    }
  }, []);
  return { ...state, run };
}
