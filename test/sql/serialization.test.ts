import assert from "node:assert/strict";
import { after, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { fakeToken } from "../../testing/postgres";
import { entraDatabaseProvider, entraGrantsProvider } from "../../components/sql";
import { getAccessToken } from "../../components/roles";
import { setTokenSource } from "../../components/testing";
import { runtimeStateKey } from "../../components/roles/state";
import { releaseProvider } from "../roles/helpers";

after(() => releaseProvider());

for (const [name, provider] of [["EntraGrants", entraGrantsProvider], ["EntraDatabase", entraDatabaseProvider]] as const) {
    test(`${name}'s provider serializes without tokens, and works when loaded as the engine loads it`, async () => {
        const secret = fakeToken();
        setTokenSource(async () => ({ token: secret, expiresOnTimestamp: Date.now() + 3_600_000 }));
        assert.equal(await getAccessToken("usgov"), secret, "a token is cached in the process while it serializes");

        const captured = provider;
        const serialized = await pulumi.runtime.serializeFunction(() => captured, { allowSecrets: true });
        assert.equal(serialized.containsSecrets, false);
        assert.ok(!serialized.text.includes(secret), "no token");
        assert.ok(!/eyJ[A-Za-z0-9_-]{8,}/.test(serialized.text), "nothing shaped like a token");
        assert.ok(serialized.text.includes(runtimeStateKey), "tokens and pools are looked up at run time");
        assert.ok(!/pulumi\.dynamic|require\("@pulumi/.test(serialized.text), "not the resource class or @pulumi/pulumi");

        const module = { exports: {} as { handler?: () => typeof provider } };
        new Function("exports", "require", "module", serialized.text)(module.exports, require, module);
        const loaded = module.exports.handler!();
        const check = await loaded.check!({}, { serverFqdn: " bad", adminLogin: "a" });
        assert.ok((check.failures ?? []).some((f) => /serverFqdn/.test(f.reason)), "the loaded copy validates");
    });
}
