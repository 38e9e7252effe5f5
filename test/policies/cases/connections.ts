import { TYPES } from "../../../policies/lib/types";
import { NAMES, PROD, U, VM_URN, buildStack, patch, without } from "../fixtures";
import { res, urnOf, type CaseTable } from "../helpers";

const verified = buildStack({ ...PROD, sslmode: "verify-full" });
const today = buildStack({ ...PROD, sslmode: "require" });
const providerUrn = urnOf(TYPES.postgresqlProvider, NAMES.pgProvider);
const withCloudInit = (text: string) => patch(verified, NAMES.vm, (r) => ((r.props.osProfile as Record<string, unknown>).customData = Buffer.from(text, "utf8").toString("base64")));

export const connectionCases: CaseTable = {
    "postgres-client-verifies-server-certificate": [
        { title: "provider and VM login with verify-full", resources: verified, expect: "pass" },
        { title: "verify-ca, any case", resources: buildStack({ ...PROD, sslmode: "Verify-CA" }), expect: "pass" },
        {
            title: "require on the provider and in the VM login",
            resources: today, expect: "fail", count: 2, message: /sslmode (?:"require"|=require)|sslmode=require/,
        },
        { title: "the provider with require", resources: today, expect: "fail", urn: providerUrn },
        { title: "the VM login with require", resources: today, expect: "fail", urn: VM_URN },
        { title: "a provider without sslmode", resources: patch(verified, NAMES.pgProvider, (r) => delete r.props.sslmode), expect: "fail", message: /sslmode not set/ },
        { title: "a provider sslmode unknown at preview: no decision", resources: patch(verified, NAMES.pgProvider, (r) => (r.props.sslmode = U)), expect: "pass" },
        { title: "a conninfo without sslmode (libpq's default prefer)", resources: withCloudInit('psql "host=pg.example.com dbname=app user=vm"'), expect: "fail", message: /without sslmode/ },
        { title: "a URL query with host= and user= is not a conninfo", resources: withCloudInit('curl "https://example.com/x?host=a&user=b"\n'), expect: "pass" },
        { title: "a conninfo without sslmode after PGSSLMODE=verify-full", resources: withCloudInit('export PGSSLMODE=verify-full\npsql "host=pg.example.com dbname=app user=vm"'), expect: "pass" },
        { title: "a postgres:// URI without sslmode", resources: withCloudInit("DATABASE_URL=postgresql://vm@pg.example.com:5432/app\n"), expect: "fail", message: /postgresql:\/\/…@pg\.example\.com:5432\/app without sslmode/ },
        { title: "a postgres:// URI with sslmode=verify-full", resources: withCloudInit("DATABASE_URL=postgresql://vm@pg.example.com:5432/app?sslmode=verify-full\n"), expect: "pass" },
        {
            title: "a connection string in any resource's inputs",
            resources: [...verified, res("command:local:Command", "migrate", { create: "psql 'host=pg.example.com dbname=app user=ci sslmode=prefer' -f schema.sql" })],
            expect: "fail", urn: urnOf("command:local:Command", "migrate"), message: /sslmode=prefer/,
        },
        { title: "a stack without providers or connection strings", resources: without(withCloudInit("#cloud-config\n"), (r) => r.type === TYPES.postgresqlProvider), expect: "not-applicable" },
    ],
};
