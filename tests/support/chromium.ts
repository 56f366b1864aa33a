/**
 * Headless Chromium driven over the DevTools protocol (a WebSocket to 127.0.0.1): enough to open
 * a page, see every request it makes (and stop them), evaluate script and take a screenshot.
 * Debian's `/usr/bin/chromium` is used (or `CHROMIUM_BIN`); no browser is ever downloaded.
 *
 * @module
 */

import { at } from "./indexed.ts";

/** The browser executable. */
export const CHROMIUM: string = Deno.env.get("CHROMIUM_BIN") ?? "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
  "--remote-debugging-port=0",
];

/** Why the browser tests cannot run here, or `undefined` when they can. */
export async function chromiumMissing(): Promise<string | undefined> {
  try {
    const info = await Deno.stat(CHROMIUM);
    return info.isFile ? undefined : `${CHROMIUM} is not a file`;
  } catch {
    return `${CHROMIUM} not found (install it: apt-get update && apt-get install -y chromium)`;
  }
}

type Params = Record<string, unknown>;
type Listener = (method: string, params: Params, sessionId: string | undefined) => void;

/** A running headless Chromium; `await using` closes it and removes its profile. */
export class Browser implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #stderr: Promise<string>;
  readonly #profile: string;
  readonly #ws: WebSocket;
  readonly #closed: Promise<void>;
  readonly #pending = new Map<number, { resolve(v: Params): void; reject(e: Error): void }>();
  readonly #listeners = new Set<Listener>();
  #nextId = 1;

  private constructor(
    child: Deno.ChildProcess,
    stderr: Promise<string>,
    profile: string,
    ws: WebSocket,
  ) {
    this.#child = child;
    this.#stderr = stderr;
    this.#profile = profile;
    this.#ws = ws;
    this.#closed = new Promise((resolve) =>
      ws.addEventListener("close", () => {
        for (const waiter of this.#pending.values()) waiter.reject(new Error("DevTools closed"));
        this.#pending.clear();
        resolve();
      })
    );
    ws.addEventListener("message", (event) => this.#receive(JSON.parse(event.data)));
  }

  /** Starts Chromium with a new temporary profile and connects to it. */
  static async launch(): Promise<Browser> {
    const profile = await Deno.makeTempDir({ prefix: "report-chromium-" });
    const child = new Deno.Command(CHROMIUM, {
      args: [...FLAGS, `--user-data-dir=${profile}`, "about:blank"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let announce: (url: string) => void = () => {};
    const endpoint = new Promise<string>((resolve) => announce = resolve);
    // Read stderr to the end (a full pipe would stall the browser), watching for the endpoint.
    const stderr = (async () => {
      let text = "";
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        text = (text + chunk).slice(-20_000);
        const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
        if (match) announce(at(match, 1));
      }
      return text;
    })();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const url = await Promise.race([
      endpoint,
      stderr.then((text) => Promise.reject(new Error(`chromium exited early:\n${text}`))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("chromium did not start in 30 s")), 30_000);
      }),
    ]).catch(async (error) => {
      child.kill("SIGKILL");
      await child.status;
      await stderr.catch(() => "");
      await Deno.remove(profile, { recursive: true });
      throw error;
    }).finally(() => clearTimeout(timer));
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve, { once: true });
      ws.addEventListener("error", () => reject(new Error(`cannot connect to ${url}`)), {
        once: true,
      });
    });
    return new Browser(child, stderr, profile, ws);
  }

  /** Sends a DevTools command (to a page when `sessionId` is given) and awaits its result. */
  send(method: string, params: Params = {}, sessionId?: string): Promise<Params> {
    const id = this.#nextId++;
    this.#ws.send(JSON.stringify({ id, method, params, sessionId }));
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
  }

  /** Calls `listener` for every event until the returned function is called. */
  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Opens a new tab of the given viewport size; it starts at about:blank. */
  async newPage(width = 1200, height = 900): Promise<Page> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    const page = new Page(this, sessionId as string);
    await page.send("Emulation.setDeviceMetricsOverride", {
      width,
      height,
      deviceScaleFactor: 1,
      mobile: false,
    });
    return page;
  }

  #receive(message: Params): void {
    if (typeof message.id === "number") {
      const waiter = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      const error = message.error as { message: string } | undefined;
      if (error) waiter?.reject(new Error(`DevTools: ${error.message}`));
      else waiter?.resolve((message.result ?? {}) as Params);
      return;
    }
    const sessionId = message.sessionId as string | undefined;
    for (const l of this.#listeners) {
      l(message.method as string, message.params as Params, sessionId);
    }
  }

  /** Closes the browser, waits for it to exit and removes its profile. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.send("Browser.close").catch(() => {});
    this.#ws.close();
    await this.#closed;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([
      this.#child.status.then(() => true),
      new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), 10_000)),
    ]);
    clearTimeout(timer);
    if (!exited) this.#child.kill("SIGKILL");
    await this.#child.status;
    await this.#stderr;
    await Deno.remove(this.#profile, { recursive: true });
  }
}

/** One tab, attached with its own DevTools session. */
export class Page {
  /** Every URL the page asked for, in order (seen by Network and by request interception). */
  readonly requests: string[] = [];
  /** Script exceptions, console errors and browser errors (CSP violations among them). */
  readonly problems: string[] = [];
  /** Messages of any `alert`, `confirm` or `prompt` the page opened. */
  readonly dialogs: string[] = [];
  readonly #browser: Browser;
  readonly #sessionId: string;

  /** Use {@linkcode Browser.newPage}. */
  constructor(browser: Browser, sessionId: string) {
    this.#browser = browser;
    this.#sessionId = sessionId;
  }

  /** Sends a DevTools command to this page. */
  send(method: string, params: Params = {}): Promise<Params> {
    return this.#browser.send(method, params, this.#sessionId);
  }

  /**
   * Watches every request, lets through only those `allow` accepts and fails the others before
   * they leave; records script errors and dialogs. Call once, before {@linkcode goto}.
   */
  async watch(allow: (url: string) => boolean): Promise<() => void> {
    const stop = this.#browser.listen((method, params, sessionId) => {
      if (sessionId !== this.#sessionId) return;
      if (method === "Network.requestWillBeSent") {
        this.requests.push((params.request as { url: string }).url);
      } else if (method === "Fetch.requestPaused") {
        const url = (params.request as { url: string }).url;
        if (!this.requests.includes(url)) this.requests.push(url);
        const requestId = params.requestId;
        if (allow(url)) this.send("Fetch.continueRequest", { requestId }).catch(() => {});
        else {
          this.send("Fetch.failRequest", { requestId, errorReason: "BlockedByClient" })
            .catch(() => {});
        }
      } else if (method === "Runtime.exceptionThrown") {
        const details = params.exceptionDetails as {
          text: string;
          exception?: { description?: string };
        };
        this.problems.push(`exception: ${details.exception?.description ?? details.text}`);
      } else if (method === "Runtime.consoleAPICalled" && params.type === "error") {
        this.problems.push(`console.error: ${JSON.stringify(params.args)}`);
      } else if (method === "Log.entryAdded") {
        const entry = params.entry as { level: string; text: string; url?: string };
        if (entry.level === "error") this.problems.push(`log: ${entry.text} ${entry.url ?? ""}`);
      } else if (method === "Page.javascriptDialogOpening") {
        this.dialogs.push(String(params.message));
        this.send("Page.handleJavaScriptDialog", { accept: false }).catch(() => {});
      }
    });
    for (const domain of ["Page", "Runtime", "Log", "Network"]) await this.send(`${domain}.enable`);
    await this.send("Fetch.enable", { patterns: [{ urlPattern: "*" }] });
    return stop;
  }

  /** Navigates and waits (at most 30 s) for the load event. */
  async goto(url: string): Promise<void> {
    let stop = () => {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loaded = new Promise<void>((resolve, reject) => {
      stop = this.#browser.listen((method, _params, sessionId) => {
        if (method === "Page.loadEventFired" && sessionId === this.#sessionId) resolve();
      });
      timer = setTimeout(() => reject(new Error(`${url} did not load in 30 s`)), 30_000);
    });
    try {
      await this.send("Page.navigate", { url });
      await loaded;
    } finally {
      clearTimeout(timer);
      stop();
    }
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    });
    if (exceptionDetails) throw new Error(`evaluate failed: ${JSON.stringify(exceptionDetails)}`);
    return (result as { value: T }).value;
  }

  /** A PNG of the whole page, not just the viewport. */
  async screenshot(): Promise<Uint8Array> {
    const metrics = await this.send("Page.getLayoutMetrics");
    const { width, height } = metrics.cssContentSize as { width: number; height: number };
    const { data } = await this.send("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: true,
      clip: { x: 0, y: 0, width, height, scale: 1 },
    });
    return Uint8Array.from(atob(data as string), (c) => c.charCodeAt(0));
  }
}
