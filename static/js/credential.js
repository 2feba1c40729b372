// The QR credential's verifier in the browser: the same rule as webapp/rules/credentials.py
// (decisions 21-24 in docs/rules.md), and both must give the same verdict. FC1: + base45 +
// zlib + COSE_Sign1 (ES256) over CBOR claims. WebCrypto does the cryptography; base45 and the
// little CBOR the format needs are here, so there is no build step and no package to trust.

export const PREFIX = "FC1:";
const ES256 = -7;
const COSE_ALG = 1;
const COSE_KID = 4;
const COSE_SIGN1_TAG = 18;
const CLAIM_EXPIRES = 4;
const CLAIM_ISSUED = 6;
const CLAIM_CREDENTIAL = -70001;
const SIGNATURE_BYTES = 64;

export const Verdict = Object.freeze({ VALID: "valid", EXPIRED: "expired", REVOKED: "revoked", FORGED: "forged" });

const BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

export function base45Decode(text) {
  const values = [...text].map((char) => {
    const value = BASE45.indexOf(char);
    if (value < 0) throw new Error("not base45");
    return value;
  });
  if (values.length % 3 === 1) throw new Error("base45 length");
  const bytes = [];
  for (let i = 0; i < values.length; i += 3) {
    const [c, d, e] = values.slice(i, i + 3);
    if (e === undefined) {
      const n = c + d * 45;
      if (n > 0xff) throw new Error("base45 value");
      bytes.push(n);
    } else {
      const n = c + d * 45 + e * 45 * 45;
      if (n > 0xffff) throw new Error("base45 value");
      bytes.push(n >> 8, n & 0xff);
    }
  }
  return new Uint8Array(bytes);
}

async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

class Tagged {
  constructor(tag, value) {
    this.tag = tag;
    this.value = value;
  }
}

// Definite-length CBOR as cbor2 writes it: integers, byte and text strings, arrays, maps (as Map),
// tags, true/false/null and floats.
export function cborDecode(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (count) => {
    if (at + count > bytes.length) throw new Error("CBOR truncated");
  };
  const argument = (info) => {
    if (info < 24) return info;
    const size = { 24: 1, 25: 2, 26: 4, 27: 8 }[info];
    if (!size) throw new Error("CBOR length not supported");
    need(size);
    let value;
    if (size === 1) value = view.getUint8(at);
    else if (size === 2) value = view.getUint16(at);
    else if (size === 4) value = view.getUint32(at);
    else {
      const big = view.getBigUint64(at);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error("CBOR integer too large");
      value = Number(big);
    }
    at += size;
    return value;
  };
  const item = () => {
    need(1);
    const initial = bytes[at++];
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7) {
      if (info === 20) return false;
      if (info === 21) return true;
      if (info === 22) return null;
      if (info === 26) { need(4); at += 4; return view.getFloat32(at - 4); }
      if (info === 27) { need(8); at += 8; return view.getFloat64(at - 8); }
      throw new Error("CBOR simple value not supported");
    }
    const n = argument(info);
    switch (major) {
      case 0: return n;
      case 1: return -1 - n;
      case 2: need(n); at += n; return bytes.slice(at - n, at);
      case 3: need(n); at += n; return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(at - n, at));
      case 4: return Array.from({ length: n }, item);
      case 5: {
        const map = new Map();
        for (let i = 0; i < n; i++) {
          const key = item();
          map.set(key, item());
        }
        return map;
      }
      default: return new Tagged(n, item());
    }
  };
  const value = item();
  if (at !== bytes.length) throw new Error("CBOR trailing bytes");
  return value;
}

function cborHead(major, length) {
  if (length < 24) return [(major << 5) | length];
  if (length < 0x100) return [(major << 5) | 24, length];
  if (length < 0x10000) return [(major << 5) | 25, length >> 8, length & 0xff];
  return [(major << 5) | 26, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
}

// COSE's Sig_structure: ["Signature1", protected, h'', payload].
function toBeSigned(protectedBytes, payload) {
  const context = new TextEncoder().encode("Signature1");
  const parts = [
    cborHead(4, 4), cborHead(3, context.length), context,
    cborHead(2, protectedBytes.length), protectedBytes, cborHead(2, 0), cborHead(2, payload.length), payload,
  ];
  return new Uint8Array(parts.flatMap((part) => [...part]));
}

function hex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function forged(reason) {
  return { verdict: Verdict.FORGED, credential: null, reason };
}

function readCredential(claims) {
  const body = claims.get(CLAIM_CREDENTIAL);
  const issuedAt = claims.get(CLAIM_ISSUED);
  const notAfter = claims.get(CLAIM_EXPIRES);
  if (!(body instanceof Map) || !Number.isInteger(issuedAt) || !Number.isInteger(notAfter)) throw new Error("claims");
  const certifications = body.get("c").map(([name, status, expiresOn]) => ({ name, status, expiresOn }));
  return {
    holderName: body.get("n"),
    holderId: body.get("h"),
    organisation: body.get("o"),
    certifications,
    issuedAt,
    notAfter,
    reportUrl: body.get("u"),
  };
}

// keySet: the published {keys: [JWK...]}; revocations: the published {revoked: [{holder, before}]};
// now: seconds since the epoch. Forged beats revoked beats expired, as in Python.
export async function verifyCredential(code, keySet, revocations, now) {
  code = code.trim();
  if (!code.startsWith(PREFIX)) return forged("This is not a FieldCert credential.");
  let protectedBytes;
  let payload;
  let signature;
  let header;
  try {
    const sign1 = cborDecode(await inflate(base45Decode(code.slice(PREFIX.length))));
    if (!(sign1 instanceof Tagged) || sign1.tag !== COSE_SIGN1_TAG || sign1.value.length !== 4) throw new Error("COSE");
    [protectedBytes, , payload, signature] = sign1.value;
    header = cborDecode(protectedBytes);
  } catch (error) {
    return forged("The code is damaged or incomplete.");
  }
  const kid = header.get(COSE_KID);
  const jwk = kid instanceof Uint8Array && (keySet.keys || []).find((key) => key.kid === hex(kid));
  if (!jwk || header.get(COSE_ALG) !== ES256 || !(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) {
    return forged("The code was not signed by a key this organisation publishes.");
  }
  const key = await crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  const genuine = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, toBeSigned(protectedBytes, payload));
  if (!genuine) return forged("The signature does not match: the code was altered or signed by someone else.");
  let credential;
  try {
    credential = readCredential(cborDecode(payload));
  } catch (error) {
    return forged("The code's contents are not a FieldCert credential.");
  }
  const revoked = (revocations.revoked || []).find((entry) => entry.holder === credential.holderId);
  if (revoked && credential.issuedAt < revoked.before) {
    return { verdict: Verdict.REVOKED, credential, reason: "A newer code replaced this one, or a record was revoked." };
  }
  if (now >= credential.notAfter) {
    return { verdict: Verdict.EXPIRED, credential, reason: "This code is past its valid-until time." };
  }
  return { verdict: Verdict.VALID, credential, reason: "Signed by the organisation, in date, not revoked." };
}
