// Copies a Svix installation's applications, endpoints (with their signing secrets, custom headers
// and uids) and event types into Hookline, through Svix's API on both sides. Messages and attempt
// history are not copied. Safe to run again: what already exists in Hookline is left as it is.
//
//   npm install svix@2.5.0 && cp <hookline>/bin/svix-import.mjs . &&
//   SVIX_TOKEN=sk_... HOOKLINE_URL=https://hooks.example.com HOOKLINE_API_KEY=hk_... node svix-import.mjs
//
// SVIX_URL is the Svix server (default: Svix's hosted API, chosen by the token's region).
// Prints one line per object and, last, a JSON summary.
import { Svix, ApiException } from "svix";

const env = (name, required = true) => {
  const v = process.env[name];
  if (required && !v) {
    console.error(`set ${name}`);
    process.exit(2);
  }
  return v;
};
const source = new Svix(env("SVIX_TOKEN"), env("SVIX_URL", false) ? { serverUrl: env("SVIX_URL") } : {});
const target = new Svix(env("HOOKLINE_API_KEY"), { serverUrl: env("HOOKLINE_URL") });
const summary = { eventTypes: 0, apps: 0, endpoints: 0, skipped: 0, failed: 0 };

async function* all(list) {
  let iterator = undefined;
  for (;;) {
    const page = await list({ iterator, limit: 100 });
    yield* page.data;
    if (page.done || !page.iterator) return;
    iterator = page.iterator;
  }
}

async function exists(get) {
  try {
    await get();
    return true;
  } catch (e) {
    if (e instanceof ApiException && e.code === 404) return false;
    throw e;
  }
}

async function step(what, run) {
  try {
    const outcome = await run();
    console.log(`${outcome}: ${what}`);
    if (outcome === "exists") summary.skipped++;
  } catch (e) {
    summary.failed++;
    console.log(`failed: ${what}: ${e instanceof ApiException ? `${e.code} ${JSON.stringify(e.body)}` : e}`);
  }
}

for await (const type of all((o) => source.eventType.list(o))) {
  await step(`event type ${type.name}`, async () => {
    if (await exists(() => target.eventType.get(type.name))) return "exists";
    await target.eventType.create({ name: type.name, description: type.description ?? "" });
    summary.eventTypes++;
    return "created";
  });
}

for await (const app of all((o) => source.application.list(o))) {
  // Producers address apps by uid, or by Svix's id when they set none: either way it stays valid.
  const appKey = app.uid ?? app.id;
  await step(`application ${appKey}`, async () => {
    const before = await exists(() => target.application.get(appKey));
    await target.application.getOrCreate({ name: app.name, uid: appKey });
    if (before) return "exists";
    summary.apps++;
    return "created";
  });
  for await (const ep of all((o) => source.endpoint.list(app.id, o))) {
    // Hookline keeps Svix's endpoint uid; one without gets "svix-<its Svix id>", so a second run finds it.
    const epKey = ep.uid ?? `svix-${ep.id}`;
    await step(`endpoint ${epKey} of ${appKey} (${ep.url})`, async () => {
      if (await exists(() => target.endpoint.get(appKey, epKey))) return "exists";
      const secret = (await source.endpoint.getSecret(app.id, ep.id)).key;
      const headers = await source.endpoint.getHeaders(app.id, ep.id);
      const created = await target.endpoint.create(appKey, {
        url: ep.url,
        uid: epKey,
        description: ep.description,
        eventTypes: ep.eventTypes,
        channels: ep.channels,
        disabled: ep.disabled,
        throttleRate: ep.throttleRate,
        metadata: ep.metadata,
        secret, // the same secret: receivers keep verifying without a change
        // sensitive headers come back masked: copying the mask would send a wrong value
        headers: Object.fromEntries(Object.entries(headers.headers ?? {})
          .filter(([name]) => !(headers.sensitive ?? []).includes(name))),
      });
      summary.endpoints++;
      const hidden = headers.sensitive?.length ? `; re-enter sensitive headers ${headers.sensitive.join(", ")}` : "";
      return `created as ${created.id}${hidden}`;
    });
  }
}

console.log(JSON.stringify(summary));
process.exit(summary.failed ? 1 : 0);
