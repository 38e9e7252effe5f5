// Decisions the components take, as pure functions: what to declare, in which order, under which name.
// The components call them; test/components/decisions.test.ts checks each against a table.
export * from "./writeChain";
export * from "./firewall";
export * from "./owners";
export * from "./diagnostics";
export * from "./identities";
