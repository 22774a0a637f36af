// The core flow of a Svix integration, written against Svix's npm SDK (2.x, unmodified) and run
// against Hookline: SvixNodeSdkTest starts the server and runs this with node.
// argv: serverUrl apiKey. Prints one JSON line of what it saw; exits non-zero on any failure.
import http from "node:http";
import { Svix, Webhook, ApiException } from "svix";

const [serverUrl, apiKey] = process.argv.slice(2);
const svix = new Svix(apiKey, { serverUrl });

// A receiver that verifies every delivery with Svix's own Webhook class, with the secret of the moment.
const deliveries = [];
let secret = null;
let answer = 200;
const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const headers = {
      "svix-id": req.headers["svix-id"],
      "svix-timestamp": req.headers["svix-timestamp"],
      "svix-signature": req.headers["svix-signature"],
    };
    let verified = null; // null when verified, else why not
    try {
      new Webhook(secret).verify(body, headers);
    } catch (e) {
      verified = String(e);
    }
    deliveries.push({ id: headers["svix-id"], body, verified, webhookSignature: req.headers["webhook-signature"] ?? null });
    res.writeHead(answer).end();
  });
});
await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${receiver.address().port}/hook`;

async function until(what, check) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function verifiedDelivery(msgId, nth = 1) {
  return until(`delivery ${nth} of ${msgId}`, () => {
    const of = deliveries.filter((d) => d.id === msgId);
    return of.length >= nth ? of[nth - 1] : null;
  });
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const app = await svix.application.getOrCreate({ name: "Node shop", uid: "node-shop" });
const again = await svix.application.getOrCreate({ name: "Node shop", uid: "node-shop" });
check(app.id === again.id, "getOrCreate returned another app");

const ep = await svix.endpoint.create("node-shop", {
  url, eventTypes: ["user.created"], description: "users", metadata: { team: "growth" },
});
const portal = await svix.authentication.appPortalAccess("node-shop", { expiry: 3600 });
secret = (await svix.endpoint.getSecret("node-shop", ep.id)).key;

const msg = await svix.message.create("node-shop", {
  eventType: "user.created", eventId: "user-1", payload: { type: "user.created", id: 1, name: "Ada" },
});
const first = await verifiedDelivery(msg.id);

let duplicate = null;
try {
  await svix.message.create("node-shop", { eventType: "user.created", eventId: "user-1", payload: { id: 1 } });
} catch (e) {
  duplicate = e instanceof ApiException ? { code: e.code, body: e.body } : String(e);
}

const listed = await svix.message.list("node-shop");
const attempts = await until("the attempt log", async () => {
  const page = await svix.messageAttempt.listByMsg("node-shop", msg.id);
  return page.data.length > 0 ? page : null;
});
const byEndpoint = await svix.messageAttempt.listByEndpoint("node-shop", ep.id);

await svix.messageAttempt.resend("node-shop", msg.id, ep.id);
const resent = await verifiedDelivery(msg.id, 2);

await svix.endpoint.rotateSecret("node-shop", ep.id, {});
const oldSecret = secret;
secret = (await svix.endpoint.getSecret("node-shop", ep.id)).key;
const third = await svix.message.create("node-shop", { eventType: "user.created", payload: { id: 3 } });
const afterRotation = await verifiedDelivery(third.id);

// Recover: Hookline's own API takes the retries away, a delivery fails for good, recover sends it again.
const patched = await fetch(`${serverUrl}/v1/apps/node-shop/endpoints/${ep.id}`, {
  method: "PATCH", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
  body: JSON.stringify({ retry: { schedule: [] } }),
});
check(patched.status === 200, `PATCH retry: ${patched.status}`);
answer = 500;
const failing = await svix.message.create("node-shop", { eventType: "user.created", payload: { id: 4 } });
await verifiedDelivery(failing.id);
await until("the failed attempt", async () => {
  const page = await svix.messageAttempt.listByMsg("node-shop", failing.id);
  return page.data.some((a) => a.status === 2);
});
answer = 200;
const recover = await svix.endpoint.recover("node-shop", ep.id, { since: new Date(Date.now() - 3600_000) });
const recovered = await verifiedDelivery(failing.id, 2);

receiver.close();
console.log(JSON.stringify({
  app: { id: app.id, uid: app.uid },
  endpoint: { id: ep.id, eventTypes: ep.eventTypes, metadata: (await svix.endpoint.get("node-shop", ep.id)).metadata },
  portal: { url: portal.url, token: portal.token },
  secretPrefix: secret.slice(0, 6),
  secretRotated: oldSecret !== secret,
  message: { id: msg.id, eventId: msg.eventId, eventType: msg.eventType },
  duplicate,
  listed: listed.data.map((m) => m.id),
  attempts: attempts.data.map((a) => ({ status: a.status, endpointId: a.endpointId, responseStatusCode: a.responseStatusCode })),
  byEndpoint: byEndpoint.data.length,
  recover: recover.status,
  deliveries: [first, resent, afterRotation, recovered].map((d) => ({
    id: d.id, body: d.body, verified: d.verified === null, error: d.verified, webhookSignature: d.webhookSignature,
  })),
}));
