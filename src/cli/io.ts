// The CLI's view of the outside world, so commands are testable in-process.
export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
  /** Read all of standard input. */
  readStdin(): Promise<string>;
  /** True when stdout is a terminal (colour, progress). */
  readonly isTTY: boolean;
  /** True when colour is allowed (a terminal and NO_COLOR unset). */
  readonly color: boolean;
  /** True when stderr is a terminal: progress of long operations is drawn there, never otherwise. */
  readonly stderrIsTTY?: boolean;
  /** Colour for what goes to stderr (diagnostics): stderr a terminal and NO_COLOR unset. */
  readonly stderrColor?: boolean;
  /** Width of the stdout terminal in columns; undefined when stdout is not a terminal. */
  readonly columns?: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Set the exit code the command finishes with (the highest wins). */
  setExitCode(code: number): void;
  exitCode(): number;
}

export function nodeIO(): CliIO {
  let code = 0;
  const isTTY = Boolean(process.stdout.isTTY);
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    isTTY,
    // https://no-color.org: NO_COLOR set to a non-empty value disables colour.
    color: isTTY && !process.env.NO_COLOR,
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stderrColor: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR,
    columns: isTTY ? process.stdout.columns : undefined,
    env: process.env,
    setExitCode: (c) => {
      code = Math.max(code, c);
    },
    exitCode: () => code,
  };
}

/** An in-memory CliIO for tests. */
export function memoryIO(stdin = '', env: Record<string, string | undefined> = {}): CliIO & { out: string; err: string } {
  let code = 0;
  const io = {
    out: '',
    err: '',
    stdout(s: string) {
      io.out += s;
    },
    stderr(s: string) {
      io.err += s;
    },
    readStdin: async () => stdin,
    isTTY: false,
    color: false,
    stderrIsTTY: false,
    stderrColor: false,
    env,
    setExitCode(c: number) {
      code = Math.max(code, c);
    },
    exitCode: () => code,
  };
  return io;
}
