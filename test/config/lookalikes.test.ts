import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { identifierProblem, lookalikeProblem } from "../../components/config/names";
import { maxAllowedIps } from "../../components/config/network";
import { Setting, settings } from "../../components/config/settings";
import { tagNameProblem } from "../../components/config/tags";
import { entraRoleProvider } from "../../components/roles";
import { loadStackConfig } from "../../plan/engine/configEncoding";

/** The shipped dev settings, with raw (`ns:key` → string) values replaced. */
function problems(changes: Record<string, unknown>): Map<string, string> {
    const raw = { ...loadStackConfig("dev"), ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [`entra-postgres:${k}`, JSON.stringify(v)])) };
    try {
        parseConfig(raw, { project: "entra-postgres", stack: "dev" });
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return new Map(err.problems.map((p) => [p.key, p.message]));
    }
    return new Map();
}

const principal = (name: string) => ({ name, objectId: "9a4c2e71-83b5-4d6f-a1c2-3e4f5a6b7c03", type: "group", access: [{ database: "app", level: "write" }] });

/** Names that look like another name but are other text. */
const lookalikes: [string, string, RegExp][] = [
    ["a Cyrillic а in a Latin name", "аpp-developers", /mixes letters of Cyrillic \(U\+0430 "а"\) and Latin/],
    ["a Greek ο in a Latin name", "app-develοpers", /mixes letters of Latin .* and Greek \(U\+03BF/],
    ["NFD: e + U+0301", "Jose\u0301", /not in Unicode form NFC .*type it as "José"/],
    ["full-width letters", "ａｐｐ", /U\+FF41 "ａ", a full-width, styled or compatibility form of "a".*type it as "app"/],
    ["mathematical bold letters", "𝐚𝐩𝐩", /compatibility form of "a"/],
    ["a ligature", "ﬁnance", /compatibility form of "fi"/],
];

describe("names that could pass for other names", () => {
    for (const [what, name, expected] of lookalikes) {
        test(`a principal: ${what} is refused, naming the key and the form to type`, () => {
            const found = problems({ principals: [principal(name)] });
            assert.match(found.get("entra-postgres:principals[0].name") ?? "", expected);
        });
    }

    test("an admin name and the VM's role are held to the same rule", () => {
        assert.match(identifierProblem("platform-dеployer") ?? "", /mixes letters/);
    });

    test("names in one script, and Latin with Han or Japanese, are accepted", () => {
        for (const name of ["app-developers", "José", "Müller-Team", "Отдел продаж", "Ομάδα", "営業チーム", "営業 team", "データ分析", "영업팀", "שיווק"]) {
            assert.equal(lookalikeProblem(name), undefined, name);
        }
        assert.deepEqual([...problems({ principals: [principal("Отдел продаж")] }).keys()], []);
    });

    test("the role provider refuses a look-alike for a new role but still reads and drops one already in the state", async () => {
        const inputs = { serverFqdn: "pg.postgres.database.azure.com", adminLogin: "deployer", roleName: "аpp", principalType: "group" };
        const check = await entraRoleProvider.check!({}, inputs);
        assert.deepEqual(check.failures?.map((f) => f.property), ["roleName"]);
        // A delete gets past the input checks (it then fails to connect, which is not what is tested here).
        await assert.rejects(entraRoleProvider.delete!("id", { ...inputs, port: 1, caCertificate: undefined }), (err: Error) => !/Invalid EntraRole inputs/.test(err.message));
    });
});

describe("tag names that could pass for other tags", () => {
    const cases: [string, string, RegExp][] = [
        ["a full-width program tag", "ｓｔａｃｋ", /type it as "stack"/],
        ["full-width letters", "ｃｏｓｔ-center", /type it as "cost-center"/],
        ["a Cyrillic ѕ in stack", "ѕtack", /mixes letters of Cyrillic .* and Latin/],
        ["a full-width reserved prefix", "ｍicrosoft-owner", /type it as "microsoft-owner"/],
        ["NFD", "cafe\u0301", /not in Unicode form NFC/],
    ];
    for (const [what, name, expected] of cases) {
        test(`${what} is refused`, () => {
            assert.match(tagNameProblem(name) ?? "", expected);
            const found = problems({ tags: { [name]: "x" } });
            assert.match(found.get(`entra-postgres:tags.${name}`) ?? "", expected);
        });
    }
    test("plain and non-Latin tag names are accepted", () => {
        for (const name of ["cost-center", "Owner", "コスト", "équipe"]) assert.equal(tagNameProblem(name), undefined, name);
    });
});

describe("the number of firewall ranges", () => {
    const ips = (n: number) => Array.from({ length: n }, (_, i) => `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`);

    test("the settings table states the same bound", () => {
        const row = (settings as readonly Setting[]).find((s) => s.key === "network.allowedIps");
        assert.match(row?.notes ?? "", new RegExp(`^At most ${maxAllowedIps} entries`));
    });

    test(`${maxAllowedIps} ranges plan; one more is refused, naming network.allowedIps and the fix`, () => {
        assert.deepEqual([...problems({ network: { access: "public", allowedIps: ips(maxAllowedIps) } }).keys()], []);
        const found = problems({ network: { access: "public", allowedIps: ips(maxAllowedIps + 1) } });
        assert.deepEqual([...found.keys()], ["entra-postgres:network.allowedIps"]);
        assert.match(found.get("entra-postgres:network.allowedIps")!, new RegExp(`has ${maxAllowedIps + 1} entries; at most ${maxAllowedIps} .*CIDR ranges`));
    });

    test("500 ranges: one problem, not 500", () => {
        const found = problems({ network: { access: "public", allowedIps: ips(500) } });
        assert.deepEqual([...found.keys()], ["entra-postgres:network.allowedIps"]);
        assert.match(found.get("entra-postgres:network.allowedIps")!, /has 500 entries/);
    });
});
