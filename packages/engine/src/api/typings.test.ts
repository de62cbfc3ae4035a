import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

describe('the API typings', () => {
  // typings.typecheck.ts holds the typed examples (filter narrowing, aggregate with a window function, windowAll): each
  // expectTypeOf there is a compile-time assertion, so the test is that the compiler finds no error in that file. Only
  // that file is checked (the engine's own sources are typechecked by tsc -b), which keeps the test to seconds.
  it('type-check the typed examples (strict, no implicit any)', () => {
    const configPath = fileURLToPath(new URL('./typings.tsconfig.json', import.meta.url));
    const fixture = fileURLToPath(new URL('./typings.typecheck.ts', import.meta.url));
    const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } })!;
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    const file = program.getSourceFile(fixture)!;
    const diagnostics = [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    const text = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' });
    expect(text).toBe('');
  }, 120_000);
});
