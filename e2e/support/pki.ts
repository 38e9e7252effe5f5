/**
 * The end-to-end tests' certificate authority: the harness creates it once per run (Node trusts it through
 * NODE_EXTRA_CA_CERTS), and the simulated Azure signs each server's certificate with it for the server's FQDN,
 * as Azure's certificate names `<server>.postgres.database.azure.com`.
 */
import * as crypto from "crypto";
import forge from "node-forge";

export interface KeyPair {
    certPem: string;
    keyPem: string;
}

function newKeys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    return {
        privateKey: forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()),
        publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString()),
    };
}

function validity(cert: forge.pki.Certificate): void {
    cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
    cert.validity.notAfter = new Date(Date.now() + 7 * 24 * 60 * 60 * 1000);
}

const serial = (): string => "01" + crypto.randomBytes(8).toString("hex");

export function createCa(commonName: string): KeyPair {
    const keys = newKeys();
    const ca = forge.pki.createCertificate();
    ca.publicKey = keys.publicKey;
    ca.serialNumber = serial();
    validity(ca);
    const name = [{ name: "commonName", value: commonName }];
    ca.setSubject(name);
    ca.setIssuer(name);
    ca.setExtensions([
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        { name: "subjectKeyIdentifier" },
    ]);
    ca.sign(keys.privateKey, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(ca), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** A server certificate for `dnsName` (and `ip`), signed by `ca`. */
export function issueServerCertificate(ca: KeyPair, dnsName: string, ip: string): KeyPair {
    const caCert = forge.pki.certificateFromPem(ca.certPem);
    const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
    const keys = newKeys();
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serial();
    validity(cert);
    cert.setSubject([{ name: "commonName", value: dnsName }]);
    cert.setIssuer(caCert.subject.attributes);
    cert.setExtensions([
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: dnsName }, { type: 7, ip }] },
        { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    ]);
    cert.sign(caKey, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}
