// Entry of a peer slot thread of a parallel job: the same engine and set-up as the job's worker (worker.ts), whose
// slot 0 starts it (ExecutionHost.slots.peerEntry).
import * as engine from '@flowbook/engine';

await engine.runSlotPeer(engine as unknown as Record<string, unknown>, {
  init(hostData) {
    const secrets = (hostData as { secrets?: Record<string, string> } | undefined)?.secrets;
    engine.setSecretLookup((kind, name) => (kind === 'secret' ? secrets?.[name] : process.env[name]));
  },
  transformGraph: (graph) => engine.withDeadLetterSink(graph),
});
