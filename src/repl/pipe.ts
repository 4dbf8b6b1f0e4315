// The REPL without a terminal: read input from a stream, run each complete statement as it
// arrives, print results to stdout and diagnostics to stderr. Errors never stop the session;
// the exit code is 1 when any input failed, so scripted use can check it.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { ReplController } from './controller.js';

export interface PipeIO {
  stdout(s: string): void;
  stderr(s: string): void;
}

export async function runPipe(controller: ReplController, input: Readable, io: PipeIO): Promise<number> {
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  let failed = false;
  for await (const line of rl) {
    const outcome = await controller.line(line);
    if (outcome.out) io.stdout(outcome.out);
    if (outcome.err) {
      io.stderr(outcome.err);
      failed = true;
    }
    if (outcome.quit) break;
  }
  rl.close();
  if (controller.pending) {
    const outcome = await controller.endOfInput();
    io.stderr(`input ended inside an incomplete statement\n${outcome.err}`);
    failed = true;
  }
  return failed ? 1 : 0;
}
