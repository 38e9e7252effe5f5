/**
 * Reads Azure's generated JavaScript SDK models (`@azure/arm-*` on npm, generated from the REST specs) as the
 * oracle of the contract facts. For one resource type it finds, mechanically:
 *
 * - the api-version and the request of the create-or-update operation, by calling the SDK client's operation with
 *   the request captured before it leaves the process (autorest clients: the `OperationSpec` handed to
 *   `sendOperationRequest`, which holds the URL parameters' mappers and the body mapper; TypeSpec "modular" clients:
 *   the HTTP request handed to the pipeline's `httpClient`);
 * - the body's shape from the package's TypeScript declarations (read with the TypeScript compiler): property names
 *   as the SDK flattens them (the names azure-native uses as inputs), `readonly`, optional or required, primitive
 *   types, enums (`KnownX` for an extensible enum, a union of literals for a fixed one);
 * - from autorest mappers, where the package has them: `constraints` (Pattern, MinLength, MaxLength,
 *   InclusiveMinimum, …), `readOnly`, `required`, fixed `allowedValues`, and the path parameters' constraints.
 *
 * Nothing here reaches the network: the captured request is refused before it is sent.
 */
import * as path from "node:path";
import ts from "typescript";
import type { DerivedFact, DerivedType } from "../../contracts/check";

/** Where a type's facts come from: an SDK package (its `require` name) and the operation that creates the resource. */
export interface OracleSource {
    /** `require` name: the package, or its npm alias when two builds of one package are pinned. */
    readonly module: string;
    /** The client class the package exports. */
    readonly client: string;
    /** `operationGroup.method`, e.g. `servers.beginCreateOrUpdate`. */
    readonly operation: string;
}

const credential = { getToken: async () => ({ token: "oracle", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const refused = new Error("captured by the contract oracle, never sent");

interface Captured {
    readonly apiVersion: string;
    /** autorest mappers of the package (by class name), when it has them. */
    readonly mappers?: Record<string, Mapper>;
    /** Path parameters' mappers by SDK parameter name (autorest only). */
    readonly urlParameters?: Record<string, Mapper>;
}

interface Mapper {
    serializedName?: string;
    /** A parameter the client fills in itself (a spec enum of one value, `x-ms-enum.modelAsString: false`). */
    isConstant?: boolean;
    defaultValue?: unknown;
    readOnly?: boolean;
    required?: boolean;
    constraints?: Record<string, unknown>;
    type: { name: string; className?: string; allowedValues?: unknown[]; modelProperties?: Record<string, Mapper>; element?: Mapper; value?: Mapper };
}

/** An SDK client: operation groups by name, and (autorest clients) `sendOperationRequest` and `apiVersion`. */
type SdkClient = Record<string, unknown> & { sendOperationRequest?: unknown; apiVersion?: unknown };

/** What an autorest client hands to `sendOperationRequest` (@azure/core-client OperationSpec, the parts read here). */
interface OperationSpec {
    readonly queryParameters: readonly { parameterPath: string; mapper: Mapper & { defaultValue?: string } }[];
    readonly urlParameters: readonly { parameterPath: string; mapper: Mapper }[];
    readonly serializer: { modelMappers: Record<string, Mapper> };
}

/** Calls the operation with placeholder arguments and returns what the SDK would have sent. */
export async function capture(source: OracleSource, args: readonly unknown[]): Promise<Captured> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the oracle package is named at run time (a target of scripts/contracts/targets.ts)
    const pkg = require(source.module) as Record<string, new (...a: unknown[]) => SdkClient>;
    const [group, method] = source.operation.split(".");
    let spec: OperationSpec | undefined;
    let request: { url: string } | undefined;
    const httpClient = { sendRequest: async (r: { url: string }) => { request = r; throw refused; } };
    const client = new pkg[source.client](credential, "00000000-0000-0000-0000-000000000000", { httpClient, retryOptions: { maxRetries: 0 } });
    if (typeof client.sendOperationRequest === "function") {
        client.sendOperationRequest = async (_args: unknown, s: OperationSpec) => { spec = s; throw refused; };
    }
    try {
        await (client[group] as Record<string, (...a: readonly unknown[]) => Promise<unknown>>)[method](...args);
    } catch (e) {
        if (!spec && !request) {
            throw e;
        }
    }
    if (spec) {
        const apiVersion = spec.queryParameters.find((q) => q.parameterPath === "apiVersion")?.mapper.defaultValue ?? String(client.apiVersion);
        const urlParameters = Object.fromEntries(spec.urlParameters.map((p) => [p.parameterPath, p.mapper]));
        return { apiVersion, mappers: spec.serializer.modelMappers, urlParameters };
    }
    const apiVersion = new URL(request!.url).searchParams.get("api-version");
    if (!apiVersion) {
        throw new Error(`${source.module} ${source.operation}: the request carries no api-version`);
    }
    return { apiVersion };
}

/** The package's declarations, read with the TypeScript compiler (no type-checking of the project). */
function program(module: string): { checker: ts.TypeChecker; root: ts.Symbol } {
    const js = require.resolve(module);
    const dts = js.replace(/\.js$/, ".d.ts");
    const candidates = [dts, path.join(path.dirname(js), "..", "types", `${path.basename(module.replace(/^.*\//, "")).replace(/^@azure\//, "")}.d.ts`)];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the oracle package is named at run time (a target of scripts/contracts/targets.ts)
    const manifest = require(`${module}/package.json`) as { types?: string; typings?: string; name: string };
    const root = manifest.types ?? manifest.typings;
    const packageDir = path.dirname(require.resolve(`${module}/package.json`));
    const file = [...(root ? [path.join(packageDir, root)] : []), ...candidates].find((f) => ts.sys.fileExists(f));
    if (!file) {
        throw new Error(`${module}: no TypeScript declarations found`);
    }
    const prog = ts.createProgram([file], { noEmit: true, skipLibCheck: true, types: [] });
    const checker = prog.getTypeChecker();
    const sourceFile = prog.getSourceFile(file)!;
    return { checker, root: checker.getSymbolAtLocation(sourceFile)! };
}

const primitive = (type: ts.Type): DerivedFact["type"] | undefined => {
    if (type.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) return "string";
    if (type.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return "number";
    if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return "boolean";
    return undefined;
};

/**
 * Derives the facts of one resource type: every property path the request body can carry (a class is not expanded
 * again inside itself), each path parameter, and the required paths.
 */
export async function derive(resourceType: string, source: OracleSource, args: readonly unknown[]): Promise<DerivedType> {
    const captured = await capture(source, args);
    const { checker, root } = program(source.module);
    const exports = checker.getExportsOfModule(root);
    const clientSymbol = exports.find((s) => s.name === source.client);
    if (!clientSymbol) {
        throw new Error(`${source.module} exports no ${source.client}`);
    }
    const clientType = checker.getDeclaredTypeOfSymbol(clientSymbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(clientSymbol) : clientSymbol);
    const [group, method] = source.operation.split(".");
    const groupType = checker.getTypeOfSymbol(clientType.getProperty(group)!);
    const signature = checker.getTypeOfSymbol(groupType.getProperty(method)!).getCallSignatures()[0];
    const properties: Record<string, DerivedFact> = {};
    const required: string[] = [];
    let model = "";

    const pathParameters: Record<string, DerivedFact> = {};
    for (const parameter of signature.getParameters()) {
        const type = checker.getTypeOfSymbol(parameter);
        if (parameter.name === "options") continue;
        if (primitive(type) === "string") {
            const mapper = captured.urlParameters?.[parameter.name];
            // Always in the URL; not `required` of the inputs, which azure-native autonames.
            pathParameters[parameter.name] = { type: "string", ...constraintsOf(mapper), pathParameter: true, definition: `path parameter ${parameter.name}` };
            continue;
        }
        model = checker.typeToString(type);
        walk(checker, type, "", [model], captured.mappers, properties, required);
    }
    // A path parameter of a single fixed value (Microsoft.Security's `settingName`, always `current`) is no argument of
    // the operation: the client sends the constant. azure-native still takes it as an input.
    for (const [name, mapper] of Object.entries(captured.urlParameters ?? {})) {
        if (mapper.isConstant && !(name in pathParameters)) {
            pathParameters[name] = {
                type: "string", enum: [String(mapper.defaultValue)], extensible: false, pathParameter: true, definition: `path parameter ${name} (a constant of the client)`,
            };
        }
    }
    // A path parameter is the input of that name (a diagnostic setting's `name`), not the body's read-only echo of it.
    Object.assign(properties, pathParameters);
    required.splice(0, required.length, ...required.filter((r) => !(r in pathParameters)));
    if (!model) {
        throw new Error(`${source.module} ${source.operation} has no request body`);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the oracle package is named at run time (a target of scripts/contracts/targets.ts)
    const manifest = require(`${source.module}/package.json`) as { version: string; name: string };
    return {
        resourceType,
        apiVersion: captured.apiVersion,
        oracles: [{
            package: manifest.name, version: manifest.version, apiVersion: captured.apiVersion, operation: source.operation, model,
            mappers: captured.mappers !== undefined,
        }],
        required: required.sort(),
        properties: Object.fromEntries(Object.entries(properties).sort(([a], [b]) => a.localeCompare(b))),
    };
}

function constraintsOf(mapper: Mapper | undefined): Partial<DerivedFact> {
    const c = mapper?.constraints ?? {};
    const fact: Record<string, unknown> = {};
    if (c.Pattern instanceof RegExp) fact.pattern = c.Pattern.source;
    else if (typeof c.Pattern === "string") fact.pattern = c.Pattern;
    if (typeof c.MinLength === "number") fact.minLength = c.MinLength;
    if (typeof c.MaxLength === "number") fact.maxLength = c.MaxLength;
    if (typeof c.InclusiveMinimum === "number") fact.minimum = c.InclusiveMinimum;
    if (typeof c.InclusiveMaximum === "number") fact.maximum = c.InclusiveMaximum;
    if (typeof c.ExclusiveMinimum === "number") fact.exclusiveMinimum = c.ExclusiveMinimum;
    if (typeof c.ExclusiveMaximum === "number") fact.exclusiveMaximum = c.ExclusiveMaximum;
    if (typeof c.MinItems === "number") fact.minItems = c.MinItems;
    if (typeof c.MaxItems === "number") fact.maxItems = c.MaxItems;
    if (c.UniqueItems === true) fact.uniqueItems = true;
    if (typeof c.MultipleOf === "number") fact.multipleOf = c.MultipleOf;
    return fact as Partial<DerivedFact>;
}

/**
 * Enum values of a property, read from its declared type: an alias `X = string` with an enum `KnownX` beside it
 * (extensible: `x-ms-enum.modelAsString`), or a union of string literals (fixed). An alias of `string` is no type of
 * its own to the checker, so the declaration's type node is followed to the alias.
 */
function enumOf(checker: ts.TypeChecker, type: ts.Type, node: ts.TypeNode | undefined): { values: string[]; extensible: boolean } | undefined {
    if (node && ts.isTypeReferenceNode(node)) {
        let symbol = checker.getSymbolAtLocation(node.typeName);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        const declaration = symbol?.declarations?.find(ts.isTypeAliasDeclaration);
        const known = declaration?.getSourceFile().statements
            .find((s): s is ts.EnumDeclaration => ts.isEnumDeclaration(s) && s.name.text === `Known${declaration.name.text}`);
        if (known) {
            return { values: known.members.map((m) => (m.initializer as ts.StringLiteral).text), extensible: true };
        }
    }
    if (type.isUnion() && type.types.every((t) => t.flags & ts.TypeFlags.StringLiteral)) {
        return { values: type.types.map((t) => (t as ts.StringLiteralType).value), extensible: false };
    }
    return undefined;
}

/** The declared type node of a property (`x?: T` gives `T`). */
function typeNode(symbol: ts.Symbol): ts.TypeNode | undefined {
    const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
    return declaration && (ts.isPropertySignature(declaration) || ts.isPropertyDeclaration(declaration)) ? declaration.type : undefined;
}

/** The element type node of an array type node (`T[]` or `Array<T>`). */
function elementNode(node: ts.TypeNode | undefined): ts.TypeNode | undefined {
    if (!node) return undefined;
    if (ts.isArrayTypeNode(node)) return node.elementType;
    if (ts.isTypeReferenceNode(node) && node.typeName.getText() === "Array") return node.typeArguments?.[0];
    return undefined;
}

function isReadonly(symbol: ts.Symbol): boolean {
    return (symbol.declarations ?? []).some((d) => ts.getCombinedModifierFlags(d as ts.Declaration) & ts.ModifierFlags.Readonly);
}

function nonNullable(checker: ts.TypeChecker, type: ts.Type): ts.Type {
    return checker.getNonNullableType(type);
}

/** Records the facts of every property of `type` under `prefix` (`a.b`, `list[].c`). */
function walk(
    checker: ts.TypeChecker, type: ts.Type, prefix: string, chain: readonly string[], mappers: Record<string, Mapper> | undefined,
    out: Record<string, DerivedFact>, required: string[],
): void {
    const className = checker.typeToString(type);
    const modelProperties = mappers?.[className]?.type.modelProperties;
    for (const symbol of checker.getPropertiesOfType(type)) {
        const name = symbol.name;
        const at = prefix ? `${prefix}.${name}` : name;
        const declared = nonNullable(checker, checker.getTypeOfSymbol(symbol));
        const mapper = modelProperties?.[name];
        const readOnly = isReadonly(symbol) || mapper?.readOnly === true;
        const optional = (symbol.flags & ts.SymbolFlags.Optional) !== 0;
        if (!optional && !readOnly) {
            required.push(at);
        }
        const node = typeNode(symbol);
        out[at] = describe(checker, declared, node, mapper, readOnly, `${className}.${name}`);
        if (readOnly) continue;
        expand(checker, declared, node, at, chain, mappers, mapper, out, required);
    }
}

function expand(
    checker: ts.TypeChecker, type: ts.Type, node: ts.TypeNode | undefined, at: string, chain: readonly string[], mappers: Record<string, Mapper> | undefined,
    mapper: Mapper | undefined, out: Record<string, DerivedFact>, required: string[],
): void {
    if (checker.isArrayType(type)) {
        const element = nonNullable(checker, checker.getTypeArguments(type as ts.TypeReference)[0]);
        const elementMapper = mapper?.type.element;
        const elementFact = describe(checker, element, elementNode(node), elementMapper, false, `${out[at].definition}[]`);
        if (elementFact.type !== "object") {
            out[`${at}[]`] = elementFact;
            return;
        }
        expandObject(checker, element, `${at}[]`, chain, mappers, out, required);
        return;
    }
    expandObject(checker, type, at, chain, mappers, out, required);
}

function expandObject(
    checker: ts.TypeChecker, type: ts.Type, at: string, chain: readonly string[], mappers: Record<string, Mapper> | undefined,
    out: Record<string, DerivedFact>, required: string[],
): void {
    if (!isModel(checker, type)) return;
    const className = checker.typeToString(type);
    if (chain.includes(className)) return;
    walk(checker, type, at, [...chain, className], mappers, out, required);
}

/** An interface of the SDK's models (not a dictionary, a Date, a byte array or `any`). */
function isModel(checker: ts.TypeChecker, type: ts.Type): boolean {
    if (!(type.flags & ts.TypeFlags.Object) || checker.isArrayType(type)) return false;
    if (checker.getIndexInfosOfType(type).length > 0) return false;
    const name = checker.typeToString(type);
    return !["Date", "Uint8Array", "Record<string, any>", "Record<string, unknown>"].includes(name) && checker.getPropertiesOfType(type).length > 0;
}

function describe(
    checker: ts.TypeChecker, type: ts.Type, node: ts.TypeNode | undefined, mapper: Mapper | undefined, readOnly: boolean, definition: string,
): DerivedFact {
    const fact: Record<string, unknown> = {};
    const enumeration = enumOf(checker, type, node);
    const base = primitive(type) ?? (checker.isArrayType(type) ? "array" : type.flags & ts.TypeFlags.Object ? dateOrBytes(checker, type) : undefined);
    if (base) fact.type = base;
    if (enumeration) {
        fact.type = "string";
        fact.enum = enumeration.values;
        fact.extensible = enumeration.extensible;
    } else if (mapper?.type.name === "Enum" && mapper.type.allowedValues) {
        fact.enum = mapper.type.allowedValues.map(String);
        fact.extensible = false;
    }
    if (base === "object" && (checker.getIndexInfosOfType(type).length > 0 || mapper?.type.name === "Dictionary")) {
        fact.dictionary = true;
    }
    Object.assign(fact, constraintsOf(mapper));
    if (readOnly) fact.readOnly = true;
    fact.definition = definition;
    return fact as DerivedFact;
}

function dateOrBytes(checker: ts.TypeChecker, type: ts.Type): DerivedFact["type"] {
    const name = checker.typeToString(type);
    return name === "Date" || name === "Uint8Array" ? "string" : "object";
}
