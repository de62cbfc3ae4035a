import { z } from 'zod';

// zod compiles object parsers with `new Function` when it can; the Content-Security-Policy allows no eval, and the
// probe alone logs a violation. Imported first by main.tsx, before any schema parses.
z.config({ jitless: true });
