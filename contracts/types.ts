/**
 * The shapes of Azure's contract facts: derived ones (contracts/azure/derived/, written by `npm run contracts:derive`
 * from Azure's generated SDK models) and hand-written ones (contracts/azure/<namespace>.json, each citing the spec
 * file and commit or the Learn page it was read from), and the merged contract a resource is checked against.
 */

export interface SpecRef {
    readonly path: string;
    readonly commit: string;
}

/**
 * A fact derived mechanically from Azure's generated SDK models (contracts/azure/derived/, written by
 * `npm run contracts:derive`, never by hand). `number` is all the models say of a numeric property; the spec's
 * `integer`, where it matters, is a hand-written fact.
 */
export interface DerivedFact {
    readonly type?: "string" | "number" | "boolean" | "array" | "object";
    /** Enum values, with their exact case (`KnownX` of an extensible enum, or a fixed union). */
    readonly enum?: readonly string[];
    /** The enum is extensible (`x-ms-enum.modelAsString`): other values may pass, a known one in another case never. */
    readonly extensible?: boolean;
    /** An object of free keys (tags, user-assigned identities): its keys are not properties. */
    readonly dictionary?: boolean;
    readonly pattern?: string;
    readonly minLength?: number;
    readonly maxLength?: number;
    readonly minimum?: number;
    readonly maximum?: number;
    readonly exclusiveMinimum?: number;
    readonly exclusiveMaximum?: number;
    readonly minItems?: number;
    readonly maxItems?: number;
    readonly uniqueItems?: boolean;
    readonly multipleOf?: number;
    /** `readOnly` in the models: Azure computes it, a request must never carry it. */
    readonly readOnly?: boolean;
    /** A parameter of the resource's URL (its name, its parent's, its resource group): it never changes in place. */
    readonly pathParameter?: boolean;
    /** The model class and property (or the path parameter) the fact is read from. */
    readonly definition?: string;
}

/** The SDK build a derived type was read from. */
export interface OracleRef {
    readonly package: string;
    readonly version: string;
    /** The api-version the build's client sends for this operation. */
    readonly apiVersion: string;
    readonly operation: string;
    /** The request body's model class. */
    readonly model: string;
    /** The build has autorest mappers (constraints); TypeSpec "modular" builds carry types only. */
    readonly mappers: boolean;
}

export interface DerivedType {
    readonly resourceType: string;
    /** The api-version azure-native calls for the type. */
    readonly apiVersion: string;
    /** One build at that api-version, or the two builds around it (then only the facts both state alike are kept). */
    readonly oracles: readonly OracleRef[];
    /** Paths that must be present whenever their parent is (non-optional in the models). */
    readonly required: readonly string[];
    readonly properties: Readonly<Record<string, DerivedFact>>;
}

export interface DerivedNamespace {
    readonly namespace: string;
    readonly about: string;
    readonly types: Readonly<Record<string, DerivedType>>;
}

export interface PropertyFact extends Omit<DerivedFact, "type"> {
    /** JSON type: the models' (`number` for any numeric), or the spec's `integer` where a hand-written fact says so. */
    readonly type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
    /** Values outside the spec's enum the program may send, each with the source that allows it. */
    readonly beyondSpec?: Readonly<Record<string, string>>;
    /**
     * Enum values the spec lists but the SDK's models lost (e.g. two spec enums of one `x-ms-enum` name merged into
     * one `KnownX`), each with the spec file, commit and definition that list it. Merged into the enum.
     */
    readonly beyondModels?: Readonly<Record<string, string>>;
    /**
     * The enum is a list of known values the service does not hold requests to (a deprecated enum), with the source
     * that says so: a value beyond it passes, a listed one in another case does not.
     */
    readonly openEnum?: string;
    /** Values the spec disallows (e.g. reserved user names). */
    readonly forbidden?: readonly string[];
    /** A base64 value whose decoded bytes may not exceed this. */
    readonly base64MaxBytes?: number;
    /**
     * `x-ms-mutability` of the property in the REST spec (the models cannot show it). Absent: the spec sets none,
     * so the property can be created, read and updated.
     */
    readonly mutability?: readonly ("create" | "update" | "read")[];
    /**
     * The property cannot change after creation by the spec's (or Learn's) own words, though it carries no
     * `x-ms-mutability`: the definition and the sentence that says so. azure-native does not read descriptions, so
     * it sends a change as an update.
     */
    readonly fixedAtCreation?: string;
    readonly secret?: boolean;
    /** Key of `specs` when the fact comes from another file than the type's. */
    readonly spec?: string;
    readonly note?: string;
    /** Set when the fact could not be confirmed from the spec; says why. */
    readonly unconfirmed?: string;
}

export interface TypeContract {
    readonly resourceType: string;
    readonly apiVersion: string;
    /** Key of the namespace file's `specs`. */
    readonly spec: string;
    /** Paths that must be present whenever their parent is. */
    readonly required?: readonly string[];
    readonly properties: Readonly<Record<string, PropertyFact>>;
    /** Known departures from a fact, keyed by path prefix, each with the reason it is kept. */
    readonly deviations?: Readonly<Record<string, string>>;
    readonly unconfirmed?: string;
    /**
     * The spec definitions whose `x-ms-mutability` was read for the properties the program sends (keys of `specs`
     * and definition names): every `mutability` the spec sets there is recorded, so a property without one is
     * updatable in place.
     */
    readonly mutabilityRead?: readonly string[];
    /** The SDK builds the derived facts were read from (set on merged contracts). */
    readonly oracles?: readonly OracleRef[];
}

export interface NamespaceContract {
    readonly namespace: string;
    readonly about: string;
    readonly specs: Readonly<Record<string, SpecRef>>;
    readonly types: Readonly<Record<string, TypeContract>>;
}

/**
 * pulumi-azure-native's hand-added replacements (`forceNewMap` in provider/pkg/gen/replacement.go), for the modules
 * of the types the program declares (contracts/azure-native/replacement.json).
 */
export interface AzureNativeReplacements {
    readonly about: string;
    readonly repository: string;
    readonly path: string;
    readonly commit: string;
    readonly alsoRead: Readonly<Record<string, string>>;
    readonly versionNote: string;
    /** Module name → resource name → the top-level input properties whose change replaces the resource. */
    readonly forceNewMap: Readonly<Record<string, Readonly<Record<string, { readonly properties: readonly string[]; readonly why?: string }>>>>;
    /** The map's other modules, with their resource names only. */
    readonly otherModules: Readonly<Record<string, readonly string[]>>;
}
