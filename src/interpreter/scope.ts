// Lexical scopes. A scope maps names to values and falls back to its parent; closures keep
// a reference to the scope they were created in, so a name assigned later in an enclosing
// scope (including the closure's own name: recursion) is visible when the closure runs.
import type { Value } from '../values/value.js';
import type { CallFrame } from './call-frame.js';

export class Scope {
  readonly vars = new Map<string, Value>();
  /**
   * On a function body's scope: the call being evaluated (the caller of every call made in
   * the body, ./call-frame.ts). Undefined for file and package scopes, and for a function a
   * native calls without a call node (a row function).
   */
  callFrame: CallFrame | undefined = undefined;
  constructor(
    readonly parent: Scope | undefined,
    /** Name of the source the code running in this scope came from (for diagnostics). */
    readonly source: string = parent?.source ?? '<input>',
  ) {}

  lookup(name: string): Value | undefined {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let s: Scope | undefined = this;
    while (s !== undefined) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
      s = s.parent;
    }
    return undefined;
  }

  /** The scope that binds `name`, if any. */
  owner(name: string): Scope | undefined {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let s: Scope | undefined = this;
    while (s !== undefined) {
      if (s.vars.has(name)) return s;
      s = s.parent;
    }
    return undefined;
  }

  hasOwn(name: string): boolean {
    return this.vars.has(name);
  }

  set(name: string, v: Value): void {
    this.vars.set(name, v);
  }

  /** Every visible name (innermost wins), for REPL completion. */
  names(): string[] {
    const out = new Set<string>();
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let s: Scope | undefined = this;
    while (s !== undefined) {
      for (const k of s.vars.keys()) out.add(k);
      s = s.parent;
    }
    return [...out];
  }
}
