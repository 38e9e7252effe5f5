import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tls from "node:tls";
import { describe, test } from "node:test";
import { clouds } from "../../components/cloud";
import { allRoots, documentedRoots, rootCaFile, rootCaFileForProvider } from "../../components/tlsRoots";

function certificatesIn(pem: string): X509Certificate[] {
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    return blocks.map((block) => new X509Certificate(block));
}

describe("Azure root CA file", () => {
    const certs = certificatesIn(fs.readFileSync(rootCaFile, "utf8"));

    test("holds exactly the roots Microsoft documents, by subject and SHA-256 fingerprint", () => {
        assert.deepEqual(
            certs.map((c) => [c.subject, c.fingerprint256]).sort(),
            allRoots.map((r) => [r.subject, r.sha256]).sort(),
        );
    });

    test("every certificate is a self-signed CA, valid today", () => {
        const now = Date.now();
        for (const cert of certs) {
            assert.equal(cert.ca, true, cert.subject);
            assert.equal(cert.subject, cert.issuer, `${cert.subject} is a root`);
            assert.ok(cert.verify(cert.publicKey), `${cert.subject} is self-signed`);
            assert.ok(Date.parse(cert.validFrom) < now && now < Date.parse(cert.validTo), `${cert.subject} is valid now`);
        }
    });

    test("each cloud's documented roots are in the file", () => {
        const inFile = new Set(certs.map((c) => c.fingerprint256));
        for (const cloud of clouds) {
            assert.ok(documentedRoots[cloud].length > 0, cloud);
            for (const root of documentedRoots[cloud]) {
                assert.ok(inFile.has(root.sha256), `${cloud}: ${root.commonName}`);
            }
        }
    });

    test("the fingerprints agree with an independent copy of the Mozilla store where it still has the root", () => {
        // Node's bundled store: DigiCert Global Root G2 and Microsoft RSA Root CA 2017 are there; DigiCert
        // Global Root CA may have left it (Mozilla is retiring it), so only present ones are compared.
        const bundled = new Map(tls.rootCertificates.map((pem) => new X509Certificate(pem)).map((c) => [c.subject, c.fingerprint256]));
        let compared = 0;
        for (const root of allRoots) {
            const fingerprint = bundled.get(root.subject);
            if (fingerprint !== undefined) {
                assert.equal(fingerprint, root.sha256, root.commonName);
                compared++;
            }
        }
        assert.ok(compared >= 2, "at least the two current roots are compared");
    });

    test("the provider's sslrootcert is the file, relative to the working directory", () => {
        const root = path.join(__dirname, "..", "..");
        assert.equal(rootCaFileForProvider(root), "certs/azure-postgres-roots.pem");
        assert.equal(path.resolve(root, rootCaFileForProvider(root)), rootCaFile);
        assert.equal(rootCaFileForProvider(path.join(root, "node_modules")), "../certs/azure-postgres-roots.pem");
    });
});
