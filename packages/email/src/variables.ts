import { parse } from './engine';
import type { TemplateField, TemplateProblem } from './validate';

/**
 * Which variables a template refers to, resolved against the scopes `#each` and `#with` open,
 * in the notation of the registry: `agency.name`, `messages[].url`. Lets the editor refuse a
 * `{{agencyName}}` that would silently render nothing, and insist on the link an email exists for.
 */

export interface VariableUse {
  /** The registry-style name, e.g. `messages[].url`. */
  name: string;
  /** As written, e.g. `url` inside `{{#each messages}}`. */
  written: string;
  line: number;
}

type Node = hbs.AST.Node;

/** Data variables Handlebars provides inside blocks. */
const DATA_NAMES = new Set(['index', 'key', 'first', 'last', 'root']);

interface Scope {
  /** Registry-style prefix of `this` here: '' at the top, `messages[]` inside `#each messages`. */
  prefix: string | null;
  /** Block parameters (`as |item|`) visible here, with the prefix each stands for. */
  params: ReadonlyMap<string, string | null>;
}

const join = (prefix: string, rest: string) =>
  prefix === '' ? rest : rest === '' ? prefix : `${prefix}.${rest}`;

/** Every variable the source refers to, in order; nothing for a source that does not parse. */
export function variableUses(source: string): VariableUse[] {
  let program: hbs.AST.Program;
  try {
    program = parse(source);
  } catch {
    return [];
  }
  const uses: VariableUse[] = [];

  /** The registry name of a path in a scope, or null when it cannot be told (a computed scope). */
  const resolve = (path: hbs.AST.PathExpression, scopes: readonly Scope[]): string | null => {
    const parts = path.parts.join('.');
    if (path.data) {
      // @root.x is the top scope; @index and friends are numbers and names, not variables.
      const [head = '', ...rest] = path.parts;
      if (head === 'root') return rest.join('.');
      return null;
    }
    const depth = Math.min(path.depth, scopes.length - 1);
    const scope = scopes[scopes.length - 1 - depth];
    if (!scope) return null;
    const [head = '', ...rest] = path.parts;
    if (depth === 0 && !path.original.startsWith('this') && !path.original.startsWith('.')) {
      for (let i = scopes.length - 1; i >= 0; i--) {
        const params = scopes[i]?.params;
        if (params?.has(head)) {
          const base = params.get(head);
          return base == null ? null : join(base, rest.join('.'));
        }
      }
    }
    if (scope.prefix === null) return null;
    return join(scope.prefix, parts);
  };

  const use = (node: Node, scopes: readonly Scope[]) => {
    if (node.type === 'PathExpression') {
      const path = node as hbs.AST.PathExpression;
      if (path.data && DATA_NAMES.has(path.parts[0] ?? '') && path.parts[0] !== 'root') return;
      const name = resolve(path, scopes);
      if (name !== null && name !== '') {
        uses.push({ name, written: path.original, line: node.loc?.start?.line ?? 1 });
      }
    } else if (node.type === 'SubExpression') {
      call(node as hbs.AST.SubExpression, scopes);
    }
  };

  const call = (
    node: hbs.AST.MustacheStatement | hbs.AST.SubExpression | hbs.AST.BlockStatement,
    scopes: readonly Scope[],
  ) => {
    const hasArguments = (node.params?.length ?? 0) > 0 || (node.hash?.pairs.length ?? 0) > 0;
    // With arguments the path names a helper; alone it is a variable.
    if (!hasArguments && node.type !== 'BlockStatement') use(node.path, scopes);
    for (const param of node.params ?? []) use(param, scopes);
    for (const pair of node.hash?.pairs ?? []) use(pair.value, scopes);
  };

  const statements = (body: hbs.AST.Statement[], scopes: readonly Scope[]) => {
    for (const node of body) statement(node, scopes);
  };

  const statement = (node: Node, scopes: readonly Scope[]) => {
    if (node.type === 'MustacheStatement') {
      call(node as hbs.AST.MustacheStatement, scopes);
    } else if (node.type === 'BlockStatement') {
      const block = node as hbs.AST.BlockStatement;
      call(block, scopes);
      const helper =
        block.path.type === 'PathExpression' ? (block.path as hbs.AST.PathExpression).original : '';
      const subject = block.params[0];
      const subjectName =
        subject?.type === 'PathExpression' ? resolve(subject as hbs.AST.PathExpression, scopes) : null;
      let inner = scopes;
      if (helper === 'each' || helper === 'with') {
        const prefix = subjectName === null ? null : helper === 'each' ? `${subjectName}[]` : subjectName;
        const params = new Map<string, string | null>();
        const names = block.program?.blockParams ?? [];
        if (names[0]) params.set(names[0], prefix);
        // The second block parameter of #each is the index or key: not a variable.
        if (names[1]) params.set(names[1], null);
        inner = [...scopes, { prefix, params }];
      }
      if (block.program) statements(block.program.body, inner);
      if (block.inverse) statements(block.inverse.body, scopes);
    }
  };

  statements(program.body, [{ prefix: '', params: new Map() }]);
  return uses;
}

/** A variable name is known when the template offers it, or it is an object holding offered ones. */
function isKnown(name: string, known: readonly string[]): boolean {
  return known.some((k) => k === name || k.startsWith(`${name}.`) || k.startsWith(`${name}[]`));
}

const listed = (names: readonly string[]) => {
  const shown = names.filter((n) => !n.includes('[]')).map((n) => `{{${n}}}`);
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
};

/** The first variable that the template does not offer, as a problem that lists those it does. */
export function unknownVariable(
  field: TemplateField,
  source: string,
  known: readonly string[],
): TemplateProblem | null {
  for (const found of variableUses(source)) {
    if (isKnown(found.name, known)) continue;
    return {
      field,
      line: found.line,
      reason: `{{${found.written}}} is not a variable of this email, so it would show nothing. Available: ${listed(known)}.`,
    };
  }
  return null;
}
