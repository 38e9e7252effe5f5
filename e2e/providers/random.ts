/**
 * Stand-in for the `random` provider plugin (github.com/pulumi/pulumi-random/provider/v4 is not served by the
 * Go module proxy here). Implements `random:index/randomPassword:RandomPassword` as pulumi-random documents it:
 * every input forces a new password and `result` is a secret. (`bcryptHash` is not produced: nothing here reads it.)
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { adaptProviderServer, deepEqual, reveal, secret, typeOf, unknownValue } from "./common";

adaptProviderServer({ create: (_urn, news) => ({ ...news, result: secret(unknownValue) }) });

const lower = "abcdefghijklmnopqrstuvwxyz";
const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const numeric = "0123456789";
const defaultSpecial = "!@#$%&*()-_=+[]{}<>:?";

function pick(chars: string, n: number): string[] {
    return Array.from({ length: n }, () => chars[crypto.randomInt(chars.length)]);
}

function generate(args: Record<string, any>): string {
    const length = Number(args.length);
    const special = args.special === false ? "" : (args.overrideSpecial ?? defaultSpecial);
    const sets: [string, number][] = [
        [args.lower === false ? "" : lower, Number(args.minLower ?? 0)],
        [args.upper === false ? "" : upper, Number(args.minUpper ?? 0)],
        [args.numeric === false || args.number === false ? "" : numeric, Number(args.minNumeric ?? 0)],
        [special, Number(args.minSpecial ?? 0)],
    ];
    const chars = sets.flatMap(([set, min]) => (set ? pick(set, min) : []));
    const all = sets.map(([set]) => set).join("");
    chars.push(...pick(all, Math.max(0, length - chars.length)));
    for (let i = chars.length - 1; i > 0; i--) {
        const j = crypto.randomInt(i + 1);
        [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    return chars.join("");
}

const provider: pulumi.provider.Provider = {
    version: process.env.ENTRA_E2E_RANDOM_VERSION ?? "4.21.2",

    async check(_urn, _olds, news) {
        const failures = Number.isInteger(Number(news.length)) && Number(news.length) > 0
            ? []
            : [{ property: "length", reason: "length must be a positive integer" }];
        return { inputs: news, failures };
    },

    async diff(_id, _urn, olds, news) {
        const keys = Object.keys(news).filter((k) => !deepEqual(olds[k], news[k]));
        return { changes: keys.length > 0, replaces: keys };
    },

    async create(urn, inputs) {
        const type = typeOf(urn);
        if (type !== "random:index/randomPassword:RandomPassword") throw new Error(`The random stand-in does not implement ${type}.`);
        const result = generate(reveal(inputs));
        return { id: "none", outs: { ...inputs, result: secret(result) } };
    },

    async read(id, _urn, props) {
        return { id, props };
    },

    async delete() {
        return;
    },
};

pulumi.provider.main(provider, process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
});
