/**
 * Replaces `${NAME}` in every string of a parsed YAML document with the environment variable NAME.
 * A variable that is not set is a problem reported with the place it was used (the text is left as it was).
 */
export function interpolate(value: unknown, env: NodeJS.ProcessEnv, problems: string[], path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, name: string) => {
      const found = env[name];
      if (found !== undefined) return found;
      problems.push(`${path || '(root)'}: environment variable ${name} is not set`);
      return match;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolate(item, env, problems, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolate(item, env, problems, path ? `${path}.${key}` : key)]),
    );
  }
  return value;
}
