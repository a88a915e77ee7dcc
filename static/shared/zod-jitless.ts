import { z } from 'zod';

// Zod probes for eval (new Function) to compile its parsers; Forge's content security policy has no
// 'unsafe-eval', so the probe would be refused and reported from every page. Jitless parsing never probes.
// Imported first by mount.tsx, before any module that could parse.
z.config({ jitless: true });
