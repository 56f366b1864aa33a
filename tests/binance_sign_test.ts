import assert from "node:assert/strict";
import { parseJsonLossless } from "../src/binance/lossless_json.ts";
import {
  hmacSigner,
  privateKeySigner,
  readPrivateKeySigner,
  SignerError,
} from "../src/binance/sign.ts";

/** Binance's documented example payload (USD-M general info, "SIGNED Endpoint Examples"). */
const PAYLOAD = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC" +
  "&recvWindow=5000&timestamp=1591702613943";

/** RFC 8032 §7.1 test 1 private key, as PKCS#8. */
const ED25519_PEM = "-----BEGIN PRIVATE KEY-----\n" +
  "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n" +
  "-----END PRIVATE KEY-----\n";

function pem(der: ArrayBuffer): string {
  const base64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN PRIVATE KEY-----\n${
    base64.replace(/.{64}/g, "$&\n")
  }\n-----END PRIVATE KEY-----\n`;
}

Deno.test("signing", async (t) => {
  await t.step("HMAC-SHA256 gives Binance's documented hex signature", async () => {
    const signer = await hmacSigner(
      "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9",
    );
    assert.equal(signer.kind, "hmac");
    assert.equal(
      await signer.sign(PAYLOAD),
      "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9",
    );
  });

  await t.step("Ed25519 signs the payload, base64 then URL-encoded", async () => {
    const signer = await privateKeySigner(ED25519_PEM);
    assert.equal(signer.kind, "ed25519");
    const expected =
      "ATEuJPvzWUFs0d1x9FwudUJsSfMMWR+bkdrxtbOYgFkZj36Ol/vwKDGm9UWtKuq0mtnSTOQruQAwFvR128PaDg==";
    assert.equal(await signer.sign(PAYLOAD), encodeURIComponent(expected));
    assert.match(await signer.sign(PAYLOAD), /%2B.*%2F.*%3D%3D$/);
  });

  await t.step(
    "an RSA PKCS#8 key signs RSASSA-PKCS1-v1_5 SHA-256 that its public key verifies",
    async () => {
      const algorithm = {
        name: "RSASSA-PKCS1-v1_5",
        hash: "SHA-256",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
      };
      const pair = await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
      const signer = await privateKeySigner(
        pem(await crypto.subtle.exportKey("pkcs8", pair.privateKey)),
      );
      assert.equal(signer.kind, "rsa");
      const signature = Uint8Array.from(
        atob(decodeURIComponent(await signer.sign(PAYLOAD))),
        (c) => c.charCodeAt(0),
      );
      const data = new TextEncoder().encode(PAYLOAD);
      assert.ok(await crypto.subtle.verify(algorithm, pair.publicKey, signature, data));
    },
  );

  await t.step("reads the key from BINANCE_PRIVATE_KEY_FILE's path", async () => {
    const path = await Deno.makeTempFile({ suffix: ".pem" });
    try {
      await Deno.writeTextFile(path, ED25519_PEM);
      assert.equal((await readPrivateKeySigner(path)).kind, "ed25519");
    } finally {
      await Deno.remove(path);
    }
  });

  await t.step("unusable keys fail with a fix, never echoing the key", async () => {
    const body = "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v";
    const cases: [string, RegExp][] = [
      [
        `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${body}\n-----END ENCRYPTED PRIVATE KEY-----`,
        /-nocrypt/,
      ],
      [`-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----`, /PKCS#8/],
      [`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`, /neither/],
    ];
    for (const [text, message] of cases) {
      await assert.rejects(privateKeySigner(text), (error: unknown) => {
        assert.ok(error instanceof SignerError);
        assert.match(error.message, message);
        assert.ok(!error.message.includes(body));
        return true;
      });
    }
    await assert.rejects(readPrivateKeySigner("/nonexistent/key.pem"), /cannot read .*NotFound/);
    await assert.rejects(hmacSigner(""), SignerError);
  });
});

Deno.test("lossless JSON", async (t) => {
  await t.step("keeps integers above 2^53 as their exact digits", () => {
    const text = '[{"tranId":4480321991774044580,"x":9007199254740993,"y":-9007199254740993}]';
    assert.deepEqual(parseJsonLossless(text), [
      { tranId: "4480321991774044580", x: "9007199254740993", y: "-9007199254740993" },
    ]);
    assert.equal((JSON.parse(text) as { tranId: number }[])[0]?.tranId, 4480321991774044700);
  });

  await t.step("makes every id field a string, and leaves other numbers alone", () => {
    const text = '{"id":6,"orderId":28,"tradeId":"","time":1590743483586,"p":1.5,"e":1e21}';
    assert.deepEqual(parseJsonLossless(text), {
      id: "6",
      orderId: "28",
      tradeId: "",
      time: 1590743483586,
      p: 1.5,
      e: 1e21,
    });
  });

  await t.step("rejects text that is not JSON", () => {
    assert.throws(() => parseJsonLossless("<html>"), SyntaxError);
  });
});
