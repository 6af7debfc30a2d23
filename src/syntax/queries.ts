// What a declaration is, per language: one tree-sitter query each, in the style of tree-sitter's
// tags queries. extract.ts runs them; nothing here walks a tree.
//
// Captures:
//   @definition.KIND  the whole declaration (the symbol's range); KIND is a key of SYNTAX_KINDS
//   @name             the declared name (its selectionRange)
//   @container        optional: the container's name when the declaration is not nested in it
//                     (a Go method's receiver type, C++'s `void Widget::draw() {}`)
// When one name is captured by several patterns, the pattern written first wins, so the specific
// ones (a function inside a class is a method; a decorated class spans its decorators) come
// before the general ones.
// `scope` declarations (a Rust `impl`) name the symbols nested in them but are not symbols.
//
//   SYNTAX_KINDS          KIND → LSP SymbolKind number (null for scope)
//   syntaxQuery(language) → the query source
import type { SyntaxLanguage } from "./languages.js";

/**
 * LSP SymbolKind numbers. A type alias is a Class (5), as clangd and pyright report typedefs and
 * aliases; a macro is a Constant or a Function by its shape.
 */
export const SYNTAX_KINDS = {
  module: 2, namespace: 3, package: 4, class: 5, method: 6, property: 7, field: 8, constructor: 9,
  enum: 10, interface: 11, function: 12, variable: 13, constant: 14, enummember: 22, struct: 23,
  event: 24, typealias: 5, scope: null,
} as const satisfies Record<string, number | null>;

export type SyntaxKindName = keyof typeof SYNTAX_KINDS;

/** `pattern` as a child of any of `parents` (a query alternation cannot list parents alone). */
function inAny(parents: string[], pattern: string): string {
  return `[${parents.map((p) => `(${p} ${pattern})`).join(" ")}]`;
}

/**
 * A C declaration outside any function: at file level, under preprocessor conditionals (header
 * guards) or in an `extern "C" {}` / namespace body; never a function's locals.
 */
function topLevel(pattern: string): string {
  return inAny(["translation_unit", "preproc_ifdef", "preproc_if", "preproc_else", "preproc_elif", "declaration_list"], pattern);
}

// TypeScript and TSX share node types; JavaScript differs in names (identifier for classes,
// field_definition) and has no types.
const typescript = `
(export_statement (decorator) declaration: (class_declaration name: (_) @name)) @definition.class
(export_statement (decorator) declaration: (abstract_class_declaration name: (_) @name)) @definition.class
(class_declaration name: (_) @name) @definition.class
(abstract_class_declaration name: (_) @name) @definition.class
(interface_declaration name: (_) @name) @definition.interface
(enum_declaration name: (_) @name) @definition.enum
(enum_body (property_identifier) @name @definition.enummember)
(enum_body (enum_assignment name: (_) @name) @definition.enummember)
(type_alias_declaration name: (_) @name) @definition.typealias
(internal_module name: (_) @name) @definition.namespace
(module name: (_) @name) @definition.module
(function_declaration name: (_) @name) @definition.function
(generator_function_declaration name: (_) @name) @definition.function
(function_signature name: (_) @name) @definition.function
(method_definition name: (_) @name (#eq? @name "constructor")) @definition.constructor
(method_definition name: (_) @name) @definition.method
(method_signature name: (_) @name) @definition.method
(abstract_method_signature name: (_) @name) @definition.method
(public_field_definition name: (_) @name) @definition.property
(property_signature name: (_) @name) @definition.property
${inAny(["lexical_declaration", "variable_declaration"], "(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression) (generator_function)]) @definition.function")}
(program (lexical_declaration kind: "const" (variable_declarator name: (identifier) @name) @definition.constant))
(program (export_statement (lexical_declaration kind: "const" (variable_declarator name: (identifier) @name) @definition.constant)))
(program ${inAny(["lexical_declaration", "variable_declaration"], "(variable_declarator name: (identifier) @name) @definition.variable")})
(program (export_statement ${inAny(["lexical_declaration", "variable_declaration"], "(variable_declarator name: (identifier) @name) @definition.variable")}))
`;

const javascript = `
(class_declaration name: (_) @name) @definition.class
(function_declaration name: (_) @name) @definition.function
(generator_function_declaration name: (_) @name) @definition.function
(method_definition name: (_) @name (#eq? @name "constructor")) @definition.constructor
(method_definition name: (_) @name) @definition.method
(field_definition property: (_) @name) @definition.property
${inAny(["lexical_declaration", "variable_declaration"], "(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression) (generator_function)]) @definition.function")}
(program (lexical_declaration kind: "const" (variable_declarator name: (identifier) @name) @definition.constant))
(program (export_statement (lexical_declaration kind: "const" (variable_declarator name: (identifier) @name) @definition.constant)))
(program ${inAny(["lexical_declaration", "variable_declaration"], "(variable_declarator name: (identifier) @name) @definition.variable")})
(program (export_statement ${inAny(["lexical_declaration", "variable_declaration"], "(variable_declarator name: (identifier) @name) @definition.variable")}))
`;

const python = `
(class_definition body: (block (decorated_definition definition: (function_definition name: (identifier) @name)) @definition.method))
(class_definition body: (block (function_definition name: (identifier) @name) @definition.method))
(decorated_definition definition: (class_definition name: (identifier) @name)) @definition.class
(class_definition name: (identifier) @name) @definition.class
(decorated_definition definition: (function_definition name: (identifier) @name)) @definition.function
(function_definition name: (identifier) @name) @definition.function
(class_definition body: (block (expression_statement (assignment left: (identifier) @name) @definition.field)))
(module (expression_statement (assignment left: (identifier) @name (#match? @name "^[A-Z][A-Z0-9_]*$")) @definition.constant))
(module (expression_statement (assignment left: (identifier) @name) @definition.variable))
`;

// A C declarator nests the name under pointers and arrays: spell out the usual depths.
const cFunctionNames = `
(function_definition declarator: (function_declarator declarator: (identifier) @name)) @definition.function
(function_definition declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))) @definition.function
(function_definition declarator: (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name)))) @definition.function
${topLevel("(declaration declarator: (function_declarator declarator: (identifier) @name)) @definition.function")}
${topLevel("(declaration declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))) @definition.function")}
`;

const cTypes = `
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(enumerator name: (identifier) @name) @definition.enummember
(type_definition declarator: (type_identifier) @name) @definition.typealias
(type_definition declarator: (pointer_declarator declarator: (type_identifier) @name)) @definition.typealias
(type_definition declarator: (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (type_identifier) @name)))) @definition.typealias
(field_declaration declarator: (field_identifier) @name) @definition.field
(field_declaration declarator: (pointer_declarator declarator: (field_identifier) @name)) @definition.field
(field_declaration declarator: (array_declarator declarator: (field_identifier) @name)) @definition.field
(preproc_def name: (identifier) @name) @definition.constant
(preproc_function_def name: (identifier) @name) @definition.function
${topLevel("(declaration declarator: (init_declarator declarator: (identifier) @name)) @definition.variable")}
${topLevel("(declaration declarator: (identifier) @name) @definition.variable")}
${topLevel("(declaration declarator: (init_declarator declarator: (pointer_declarator declarator: (identifier) @name))) @definition.variable")}
`;

const c = cFunctionNames + cTypes;

const cpp = `
(field_declaration_list (function_definition declarator: (function_declarator declarator: (_) @name)) @definition.method)
(field_declaration_list (template_declaration (function_definition declarator: (function_declarator declarator: (_) @name)) @definition.method))
(field_declaration_list (declaration declarator: (function_declarator declarator: (_) @name)) @definition.method)
(field_declaration declarator: (function_declarator declarator: (_) @name)) @definition.method
(function_definition declarator: (function_declarator declarator: (qualified_identifier scope: [(namespace_identifier) @container (template_type name: (_) @container)] name: (_) @name))) @definition.method
(function_definition declarator: (pointer_declarator declarator: (function_declarator declarator: (qualified_identifier scope: [(namespace_identifier) @container (template_type name: (_) @container)] name: (_) @name)))) @definition.method
(function_definition declarator: (reference_declarator (function_declarator declarator: (qualified_identifier scope: [(namespace_identifier) @container (template_type name: (_) @container)] name: (_) @name)))) @definition.method
(class_specifier name: (_) @name body: (_)) @definition.class
(namespace_definition name: (_) @name) @definition.namespace
(alias_declaration name: (type_identifier) @name) @definition.typealias
(function_definition declarator: (reference_declarator (function_declarator declarator: (identifier) @name))) @definition.function
` + c;

const go = `
(function_declaration name: (identifier) @name) @definition.function
(method_declaration receiver: (parameter_list (parameter_declaration type: [(type_identifier) @container (pointer_type (type_identifier) @container) (generic_type type: (type_identifier) @container) (pointer_type (generic_type type: (type_identifier) @container))])) name: (field_identifier) @name) @definition.method
(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec name: (type_identifier) @name) @definition.typealias
(type_alias name: (type_identifier) @name) @definition.typealias
(field_declaration name: (field_identifier) @name) @definition.field
(method_elem name: (field_identifier) @name) @definition.method
(const_spec name: (identifier) @name) @definition.constant
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.variable))
`;

const rust = `
(impl_item type: (type_identifier) @name) @definition.scope
(impl_item type: (generic_type type: (type_identifier) @name)) @definition.scope
(declaration_list (function_item name: (identifier) @name) @definition.method)
(declaration_list (function_signature_item name: (identifier) @name) @definition.method)
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.function
(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(enum_variant name: (identifier) @name) @definition.enummember
(trait_item name: (type_identifier) @name) @definition.interface
(type_item name: (type_identifier) @name) @definition.typealias
(mod_item name: (identifier) @name) @definition.module
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.variable
(field_declaration name: (field_identifier) @name) @definition.field
(macro_definition name: (identifier) @name) @definition.function
`;

const java = `
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(enum_constant name: (identifier) @name) @definition.enummember
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.constructor
(field_declaration declarator: (variable_declarator name: (identifier) @name)) @definition.field
(constant_declaration declarator: (variable_declarator name: (identifier) @name)) @definition.constant
`;

const shell = `
(function_definition name: (word) @name) @definition.function
(program (variable_assignment name: (variable_name) @name) @definition.variable)
(program (declaration_command (variable_assignment name: (variable_name) @name)) @definition.variable)
`;

const ruby = `
(class name: (constant) @name) @definition.class
(class name: (scope_resolution name: (constant) @name)) @definition.class
(module name: (constant) @name) @definition.module
(module name: (scope_resolution name: (constant) @name)) @definition.module
(method name: (_) @name (#eq? @name "initialize")) @definition.constructor
(method name: (_) @name) @definition.method
(singleton_method name: (_) @name) @definition.method
(assignment left: (constant) @name) @definition.constant
`;

const php = `
(namespace_definition name: (namespace_name) @name) @definition.namespace
(class_declaration name: (name) @name) @definition.class
(interface_declaration name: (name) @name) @definition.interface
(trait_declaration name: (name) @name) @definition.class
(enum_declaration name: (name) @name) @definition.enum
(enum_case name: (name) @name) @definition.enummember
(function_definition name: (name) @name) @definition.function
(method_declaration name: (name) @name (#eq? @name "__construct")) @definition.constructor
(method_declaration name: (name) @name) @definition.method
(property_declaration (property_element (variable_name (name) @name))) @definition.property
(const_declaration (const_element (name) @name)) @definition.constant
`;

const csharp = `
(namespace_declaration name: (_) @name) @definition.namespace
(file_scoped_namespace_declaration name: (_) @name) @definition.namespace
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(struct_declaration name: (identifier) @name) @definition.struct
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(enum_member_declaration name: (identifier) @name) @definition.enummember
(delegate_declaration name: (identifier) @name) @definition.function
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.constructor
(property_declaration name: (identifier) @name) @definition.property
(event_field_declaration (variable_declaration (variable_declarator name: (identifier) @name))) @definition.event
(field_declaration (variable_declaration (variable_declarator name: (identifier) @name))) @definition.field
`;

const powershell = `
(class_statement (simple_name) @name) @definition.class
(enum_statement (simple_name) @name) @definition.enum
(class_method_definition (simple_name) @name) @definition.method
(class_property_definition (variable) @name) @definition.property
(function_statement (function_name) @name) @definition.function
`;

const queries: Record<SyntaxLanguage, string> = {
  typescript, tsx: typescript, javascript, python, c, cpp, go, rust, java, shell, ruby, php, csharp, powershell,
};

export function syntaxQuery(language: SyntaxLanguage): string {
  return queries[language];
}
