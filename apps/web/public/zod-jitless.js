// zod compiles object parsers with `new Function` when it can; the Content-Security-Policy allows no eval, and the
// probe alone logs a violation. zod reads its config from this global when it loads, and object schemas read
// `jitless` when they are built, at module load, in whichever chunk defines them. A classic script (not a module)
// runs while the page is parsed, before every module chunk.
globalThis.__zod_globalConfig = Object.assign({}, globalThis.__zod_globalConfig, { jitless: true });
