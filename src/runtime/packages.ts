// Package definitions: the Flux sources of a package (every stdlib/<path>/*.flux except
// *_test.flux) parsed once per Runtime, with their `builtin` declarations (signature,
// doc comment) merged with the native implementations listed in src/stdlib/index.ts.
// A package *definition* is immutable and shared; each run instantiates its own package
// scopes from it (see run-state.ts), so options set by one run never leak into another.
import { FluxError, errorList } from '../errors/index.js';
import type * as ast from '../lang/ast.js';
import { parse } from '../lang/index.js';
import type { FunctionSig } from '../semantic/index.js';
import { formatTypeExpression, signatureOfFunction, signatureOfType } from '../semantic/index.js';
import type { NativeFunction, NativePackage } from './builtin-api.js';
import type { Value } from '../values/value.js';

/** Where package sources come from (the composition root reads stdlib/ from disk). */
export interface StdlibSource {
  /** Every import path that has Flux sources (`strings`, `experimental/prometheus`). */
  packagePaths(): string[];
  /** The package's Flux files (not *_test.flux), sorted by name; undefined when none. */
  files(path: string): { name: string; text: string }[] | undefined;
}

export interface BuiltinDecl {
  readonly name: string;
  readonly stmt: ast.BuiltinStatement;
  readonly sig: FunctionSig | undefined;
  readonly signature: string;
  readonly doc: string;
}

export interface PackageDef {
  readonly path: string;
  readonly files: readonly ast.File[];
  readonly builtins: ReadonlyMap<string, BuiltinDecl>;
  readonly natives: ReadonlyMap<string, NativeFunction | { readonly value: Value }>;
  /** Every member (builtins, top-level assignments and options), with a signature for functions. */
  readonly members: ReadonlyMap<string, FunctionSig | null>;
  /** Names declared with `option` in the package. */
  readonly options: ReadonlySet<string>;
  /** Doc comments and signatures of Flux-written members. */
  readonly docs: ReadonlyMap<string, { signature: string; doc: string }>;
}

function docOf(comments: readonly string[] | undefined): string {
  return (comments ?? []).map((c) => c.replace(/^ ?/, '')).join('\n').trim();
}

export class PackageRegistry {
  private readonly defs = new Map<string, PackageDef | null>();
  private readonly nativesByPath = new Map<string, Map<string, NativeFunction | { readonly value: Value }>>();

  constructor(
    readonly source: StdlibSource,
    natives: readonly NativePackage[],
  ) {
    for (const pkg of natives) {
      let m = this.nativesByPath.get(pkg.path);
      if (!m) this.nativesByPath.set(pkg.path, (m = new Map()));
      for (const [k, v] of Object.entries(pkg.builtins)) {
        if (m.has(k)) throw new Error(`internal error: native builtin ${pkg.path}.${k} is registered twice`);
        m.set(k, v);
      }
    }
  }

  /** Native package paths (for the declaration/implementation check). */
  nativePaths(): string[] {
    return [...this.nativesByPath.keys()];
  }

  get(path: string): PackageDef | undefined {
    if (this.defs.has(path)) return this.defs.get(path) ?? undefined;
    const files = this.source.files(path);
    if (files === undefined || files.length === 0) {
      this.defs.set(path, null);
      return undefined;
    }
    const def = this.build(path, files);
    this.defs.set(path, def);
    return def;
  }

  private build(path: string, sources: { name: string; text: string }[]): PackageDef {
    const files: ast.File[] = [];
    const builtins = new Map<string, BuiltinDecl>();
    const members = new Map<string, FunctionSig | null>();
    const options = new Set<string>();
    const docs = new Map<string, { signature: string; doc: string }>();
    for (const src of sources) {
      const { file, diagnostics } = parse(src.text, src.name);
      if (diagnostics.length) {
        const e = diagnostics[0]!;
        throw new FluxError('internal', 'stdlib.invalidSource', `standard library file ${src.name} does not parse: ${errorList(e)[0]!.message}`, { span: e.span, source: src.name });
      }
      files.push(file);
      for (const st of file.body) {
        if (st.type === 'BuiltinStatement') {
          const sig = signatureOfType(st.ty);
          builtins.set(st.id.name, { name: st.id.name, stmt: st, sig, signature: formatTypeExpression(st.ty), doc: docOf(st.comments) });
          members.set(st.id.name, sig ?? null);
        } else if (st.type === 'VariableAssignment' || (st.type === 'OptionStatement' && st.assignment.type === 'VariableAssignment')) {
          const a = st.type === 'VariableAssignment' ? st : (st.assignment as ast.VariableAssignment);
          const sig = a.init.type === 'FunctionExpression' ? signatureOfFunction(a.init) : null;
          members.set(a.id.name, sig);
          if (st.type === 'OptionStatement') options.add(a.id.name);
          docs.set(a.id.name, { signature: sig ? formatSig(sig) : 'value', doc: docOf(st.comments) });
        }
      }
    }
    return { path, files, builtins, natives: this.nativesByPath.get(path) ?? new Map(), members, options, docs };
  }
}

export function formatSig(sig: FunctionSig): string {
  return `(${sig.params.map((p) => (p.pipe ? `<-${p.name}` : p.optional ? `?${p.name}` : p.name)).join(', ')}) => ...`;
}
