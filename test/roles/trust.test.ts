import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import { test } from "node:test";

test("Node's trust store holds the roots Azure's PostgreSQL certificates chain to", () => {
    // Verification without caCertificate relies on these; docs/roles-and-access.md (TLS) names them.
    const subjects = rootCertificates.map((pem) => new X509Certificate(pem).subject);
    for (const root of ["CN=DigiCert Global Root G2", "CN=Microsoft RSA Root Certificate Authority 2017"]) {
        assert.ok(subjects.some((s) => s.split("\n").includes(root)), `${root} is trusted`);
    }
});
